// The rater's form: an access code redeemed for a short session, the
// subjects of the invitation, the campaign's frozen catalog as a form, a
// check before submitting (by the page, then by the service with
// validateOnly), a confirmation. The code cannot be used twice: the
// service consumes it on the first redemption.
import { ApiError, get, post, requestId, setToken, token } from './api.js';
import { DIMENSIONS, DIMENSION_ORDER, GRADES, POST_TIERS, SEVERITIES, dateTime, label } from './labels.js';
import { $, busy, clearNotice, h, header, notify, replace } from './ui.js';

const SESSION = 'kaoping.rater';
let state = JSON.parse(sessionStorage.getItem(SESSION) || 'null');
let current = null; // { assignment, subject, catalog }

function save() {
  sessionStorage.setItem(SESSION, JSON.stringify(state));
}

function show(step) {
  for (const id of ['step-code', 'step-list', 'step-form', 'step-done']) {
    $(`#${id}`).classList.toggle('hidden', id !== step);
  }
  window.scrollTo(0, 0);
}

function readable(e) {
  if (!(e instanceof ApiError)) return String(e);
  if (e.status === 404 && e.message.includes('access code')) return '访问码无效、已使用或已撤销。如有疑问请联系考核组。';
  if (e.status === 401) return '本次测评的登录已过期，请重新输入访问码（已提交的测评表不受影响）。';
  if (e.status === 409 || e.code === 6) return '这位干部的测评表已经提交过，不能重复提交。';
  return e.readable;
}

async function redeem(event) {
  event.preventDefault();
  clearNotice();
  const region = $('#code-region').value.trim();
  const code = $('#code').value.trim().toUpperCase().replace(/[\s-]/g, '');
  if (!/^\d{6}$/.test(region)) return notify('请输入 6 位地区代码。');
  if (code.length < 8) return notify('请输入完整的访问码。');
  // A retry after a lost answer reuses the request id: the service then
  // answers again instead of treating the code as used.
  const attempt = JSON.parse(sessionStorage.getItem('kaoping.redeem') || '{}');
  const id = attempt.code === code ? attempt.id : requestId('redeem');
  sessionStorage.setItem('kaoping.redeem', JSON.stringify({ code, id }));
  busy($('#redeem'), true, '正在验证…');
  try {
    const r = await post(`/public/v1/regions/${region}:redeemInvitationCode`, { accessCode: code, requestId: id }, { auth: false });
    setToken(r.token);
    state = { invitation: r.invitation, expireTime: r.expireTime, submitted: {} };
    save();
    sessionStorage.removeItem('kaoping.redeem');
    await list();
  } catch (e) {
    notify(readable(e));
  } finally {
    busy($('#redeem'), false);
  }
}

async function list() {
  clearNotice();
  const invitation = await get(`/v1/${state.invitation}`);
  const subjects = await Promise.all((invitation.assignments || []).map(async (a) => ({ assignment: a, subject: await get(`/v1/${a.subject}`) })));
  state.items = subjects.map(({ assignment, subject }) => ({
    subject: assignment.subject,
    answered: assignment.answered || !!state.submitted[assignment.subject],
    displayName: subject.displayName,
    unit: subject.unitDisplayName,
    post: subject.postTitle,
    tier: subject.postTier,
    catalog: subject.catalog,
  }));
  save();
  const open = state.items.filter((i) => !i.answered).length;
  $('#list-note').textContent = open
    ? `共 ${state.items.length} 位，还有 ${open} 位未评价。请在 ${dateTime(state.expireTime)} 前完成。`
    : '全部评价已完成，感谢您的参与！本次访问码已失效。';
  replace($('#subjects'), state.items.map((item) => h('li', {},
    h('strong', {}, item.displayName || item.subject), ` ${item.unit || ''} ${item.post || ''} `,
    item.answered ? h('span', { class: 'tag green' }, '已提交')
      : h('button', { type: 'button', class: 'secondary', onclick: () => open_(item) }, '填写测评表'))));
  show('step-list');
  if (!open) setToken('');
}

function gradeChoices(name, required, withUnknown) {
  const choices = Object.entries(GRADES);
  if (withUnknown) choices.push(['', '不了解']);
  return choices.map(([value, text]) => h('label', {},
    h('input', { type: 'radio', name, value, required: required || undefined, checked: withUnknown && value === '' ? true : undefined }),
    h('span', {}, text)));
}

async function open_(item) {
  clearNotice();
  try {
    const catalog = await get(`/v1/${item.catalog}`);
    current = { item, catalog: catalog.catalog };
  } catch (e) {
    return notify(readable(e));
  }
  $('#form-title').textContent = `${item.displayName} 正反向测评表`;
  $('#form-subtitle').textContent = `${item.unit || ''} ${item.post || ''} · ${label(POST_TIERS, item.tier)}`;
  const dims = [...(current.catalog.dimensions || [])].sort((a, b) => DIMENSION_ORDER.indexOf(a.dimension) - DIMENSION_ORDER.indexOf(b.dimension));
  replace($('#criteria'), dims.map((d) => [
    h('h3', {}, `${DIMENSIONS[d.dimension] || d.title}`),
    (d.criteria || []).map((c) => h('fieldset', { class: 'criterion', dataset: { criterion: c.id } },
      h('legend', { class: 'title' }, c.title),
      c.description ? h('div', { class: 'desc' }, c.description) : null,
      h('div', { class: 'grades' }, gradeChoices(`c-${c.id}`, false, true)))),
  ]));
  replace($('#negatives'), dims.flatMap((d) => (d.negativeItems || []).map((n) => h('div', { class: 'negative', dataset: { item: n.id } },
    h('label', {}, h('input', { type: 'checkbox', name: `n-${n.id}`, onchange: (e) => e.target.closest('.negative').querySelector('textarea').classList.toggle('hidden', !e.target.checked) }),
      h('span', {}, n.title, ' ', h('span', { class: `tag ${n.severity === 'VETO' ? 'red' : 'amber'}` }, label(SEVERITIES, n.severity)))),
    h('textarea', { class: 'hidden', maxlength: '500', placeholder: '具体情况（选填，500 字以内）', 'aria-label': `${n.title} 的说明` })))));
  replace($('#overall'), gradeChoices('overall', true, false));
  $('#comment').value = '';
  show('step-form');
}

// The form as the API takes it, or the first problem found.
function collect() {
  const form = $('#form');
  for (const el of form.querySelectorAll('.invalid')) el.classList.remove('invalid');
  const criterionMarks = [];
  for (const fieldset of form.querySelectorAll('.criterion')) {
    const checked = fieldset.querySelector('input:checked');
    if (checked && checked.value) criterionMarks.push({ criterionId: fieldset.dataset.criterion, grade: checked.value });
  }
  const negativeMarks = [];
  for (const div of form.querySelectorAll('.negative')) {
    if (div.querySelector('input').checked) {
      const remark = div.querySelector('textarea').value.trim();
      if (remark.length > 500) return { problem: '负面表现的说明不能超过 500 字。', at: div };
      negativeMarks.push({ negativeItemId: div.dataset.item, remark });
    }
  }
  const overall = form.querySelector('input[name=overall]:checked');
  if (!overall) return { problem: '请选择总体评价。', at: $('#overall') };
  if (!criterionMarks.length) return { problem: '请至少对一项标准作出评价（不了解的可选“不了解”）。', at: form.querySelector('.criterion') };
  const comment = $('#comment').value.trim();
  if (comment.length > 2000) return { problem: '意见建议不能超过 2000 字。', at: $('#comment') };
  return { form: { subject: current.item.subject, channel: 'ONLINE', criterionMarks, negativeMarks, overallGrade: overall.value, comment } };
}

async function submit(event) {
  event.preventDefault();
  clearNotice();
  const { form, problem, at } = collect();
  if (problem) {
    if (at) { at.classList.add('invalid'); at.scrollIntoView({ block: 'center' }); }
    return notify(problem);
  }
  const parent = current.item.subject.split('/subjects/')[0];
  state.requests = state.requests || {};
  const id = state.requests[current.item.subject] || requestId('form');
  state.requests[current.item.subject] = id;
  save();
  busy($('#submit'), true, '正在提交…');
  try {
    await post(`/v1/${parent}/forms:submit`, { form, requestId: id, validateOnly: true });
    const saved = await post(`/v1/${parent}/forms:submit`, { form, requestId: id });
    state.submitted[current.item.subject] = saved.submitTime || new Date().toISOString();
    save();
    $('#done-text').textContent = `您对 ${current.item.displayName} 的测评表已于 ${dateTime(state.submitted[current.item.subject])} 提交，不能修改。`;
    show('step-done');
  } catch (e) {
    notify(readable(e));
  } finally {
    busy($('#submit'), false);
  }
}

header('测评填报');
const params = new URLSearchParams(location.search);
$('#code-region').value = params.get('region') || '';
if (params.get('code')) $('#code').value = params.get('code');
$('#code-form').addEventListener('submit', redeem);
$('#form').addEventListener('submit', submit);
$('#back').addEventListener('click', () => list().catch((e) => notify(readable(e))));
$('#next').addEventListener('click', () => list().catch((e) => notify(readable(e))));
if (state && token()) list().catch((e) => { notify(readable(e)); show('step-code'); });
else show('step-code');
