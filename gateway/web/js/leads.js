// Lead verification for the assessment team: the leads of the county by
// state, each with what the raters or the public reported; start the
// verification, then record its outcome and findings.
import { adoptTokenFromAddress, ApiError, claims, get, homeRegion, listAll, post } from './api.js';
import { LEAD_SOURCES, LEAD_STATES, SEVERITIES, date, dateTime, label } from './labels.js';
import { $, busy, clearNotice, h, header, notify, replace } from './ui.js';

const cadres = new Map();

async function cadreName(name) {
  if (!name) return '';
  if (!cadres.has(name)) {
    cadres.set(name, get(`/v1/${name}`).then((c) => `${c.displayName}（${c.postTitle || ''}）`).catch(() => name));
  }
  return cadres.get(name);
}

function verifyForm(lead, refresh) {
  const outcome = h('select', { name: 'outcome', required: true },
    h('option', { value: '' }, '请选择'),
    h('option', { value: 'CONFIRMED' }, '属实'),
    h('option', { value: 'PARTLY_CONFIRMED' }, '部分属实'),
    h('option', { value: 'UNFOUNDED' }, '不属实'));
  const method = h('input', { type: 'text', name: 'method', maxlength: '200', placeholder: '如：个别谈话、调阅资料' });
  const findings = h('textarea', { name: 'findings', maxlength: '5000', required: true });
  const button = h('button', { type: 'submit' }, '提交核实结论');
  return h('form', {
    class: 'verify',
    onsubmit: async (e) => {
      e.preventDefault();
      clearNotice();
      if (!outcome.value) return notify('请选择核实结论。');
      if (!findings.value.trim()) return notify('请填写核实情况。');
      busy(button, true);
      try {
        const updated = await post(`/v1/${lead.name}:verify`, {
          etag: lead.etag,
          outcome: outcome.value,
          verification: { method: method.value.trim(), findings: findings.value.trim(), negativeItemId: lead.negativeItemId || undefined },
        });
        notify(`已记录核实结论：${label(LEAD_STATES, outcome.value)}。`, 'ok');
        await refresh(updated);
      } catch (err) {
        notify(err instanceof ApiError ? err.readable : String(err));
      } finally {
        busy(button, false);
      }
    },
  },
  h('label', {}, '核实结论'), outcome,
  h('label', {}, '核实方式'), method,
  h('label', {}, '核实情况'), findings,
  h('div', { class: 'actions' }, button));
}

// A lead's card; after each step it is redrawn in place from the answer
// (the list's filter is applied again only when the team reloads it).
async function card(lead) {
  const item = lead.negativeItem;
  let shown = null;
  const refresh = async (updated) => shown.replaceWith(await card(updated));
  const start = h('button', {
    type: 'button',
    onclick: async () => {
      clearNotice();
      busy(start, true);
      try {
        await refresh(await post(`/v1/${lead.name}:startVerification`, { etag: lead.etag }));
      } catch (err) {
        notify(err instanceof ApiError ? err.readable : String(err));
        busy(start, false);
      }
    },
  }, '开始核实');
  shown = h('article', { class: 'card', dataset: { lead: lead.name } },
    h('h2', {}, lead.title, ' ', h('span', { class: `tag ${lead.state === 'CONFIRMED' ? 'red' : lead.state === 'UNFOUNDED' ? 'green' : 'amber'}` }, label(LEAD_STATES, lead.state))),
    h('p', { class: 'muted' }, `${await cadreName(lead.cadre)} · 来源：${label(LEAD_SOURCES, lead.source)} · 收到：${dateTime(lead.createTime)}`),
    item ? h('p', {}, `负面清单：${item.title}（${label(SEVERITIES, item.severity)}${item.severity === 'DEDUCT' ? `，扣 ${item.deduction} 分` : ''}）`) : null,
    lead.tickCount ? h('p', {}, `测评中勾选 ${lead.tickCount} 次`) : lead.ticksSuppressed ? h('p', { class: 'muted' }, '勾选次数少于 3，不显示') : null,
    lead.description ? h('p', {}, lead.description) : null,
    (lead.remarks || []).length ? h('ul', {}, lead.remarks.map((r) => h('li', {}, r))) : null,
    lead.occurDate ? h('p', { class: 'muted' }, `发生时间：${date(lead.occurDate)}`) : null,
    lead.verification && lead.verification.findings ? h('p', {}, `核实情况：${lead.verification.findings}`) : null,
    lead.state === 'OPEN' ? h('div', { class: 'actions' }, start) : null,
    lead.state === 'VERIFYING' ? verifyForm(lead, refresh) : null);
  return shown;
}

async function load() {
  clearNotice();
  const state = $('#state').value;
  history.replaceState(null, '', state ? `?state=${state}` : '?');
  try {
    const leads = await listAll(`/v1/regions/${homeRegion()}/leads?view=FULL${state ? `&state=${state}` : ''}`, 'leads', 500);
    const cards = await Promise.all(leads.map((l) => card(l)));
    replace($('#leads'), cards.length ? cards : h('p', { class: 'card muted' }, '没有符合条件的线索。'));
    document.body.dataset.loaded = String(leads.length);
  } catch (e) {
    notify(e instanceof ApiError ? e.readable : String(e));
  }
}

adoptTokenFromAddress();
header('线索核实', claims()?.sub || '未登录');
const wanted = new URLSearchParams(location.search).get('state');
if (wanted !== null) $('#state').value = wanted;
$('#filter').addEventListener('submit', (e) => { e.preventDefault(); load(); });
load();
