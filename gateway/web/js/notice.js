// The public notice (考察预告) of each open campaign, without an account,
// and the form to send an opinion or a report: the gateway gives a
// challenge, a worker solves it, the report goes with the solution; the
// reporter gets a receipt number only.
import { ApiError, get, post } from './api.js';
import { DIMENSIONS, date, dateTime, label } from './labels.js';
import { $, busy, clearNotice, h, header, notify, replace } from './ui.js';

let notice = null;

async function listNotices(region) {
  clearNotice();
  history.replaceState(null, '', `?region=${region}`);
  try {
    const page = await get(`/public/v1/regions/${region}/publicNotices`, { auth: false });
    const notices = page.publicNotices || [];
    replace($('#notices'), notices.length
      ? notices.map((n) => h('li', {}, h('a', { href: `?notice=${encodeURIComponent(n.name)}`, onclick: (e) => { e.preventDefault(); openNotice(n.name); } }, n.displayName), h('span', { class: 'muted' }, ` 反映时间：${date(n.reportStartTime)} 至 ${date(n.reportEndTime)}`)))
      : [h('li', { class: 'muted' }, '该地区目前没有正在公示的考察预告。')]);
  } catch (e) {
    notify(e instanceof ApiError ? e.readable : String(e));
  }
}

async function openNotice(name) {
  clearNotice();
  try {
    notice = await get(`/public/v1/${name}`, { auth: false });
  } catch (e) {
    return notify(e instanceof ApiError && e.status === 404 ? '该考察预告不存在或已撤回。' : e.readable || String(e));
  }
  history.replaceState(null, '', `?notice=${encodeURIComponent(name)}`);
  $('#notice-title').textContent = notice.displayName;
  $('#notice-period').textContent = `反映时间：${dateTime(notice.reportStartTime)} 至 ${dateTime(notice.reportEndTime)}`;
  replace($('#notice-subjects'), h('ul', {}, (notice.subjects || []).map((s) => h('li', {},
    h('strong', {}, s.displayName), `，${s.unitDisplayName || ''}${s.postTitle || ''}`, s.purpose ? `（${s.purpose}）` : ''))));
  $('#notice-content').textContent = notice.assessmentContent || '';
  replace($('#notice-dimensions'), (notice.dimensions || []).length
    ? h('ul', {}, notice.dimensions.map((d) => h('li', {}, h('strong', {}, d.title || label(DIMENSIONS, d.dimension)), d.description ? `：${d.description}` : '')))
    : null);
  $('#notice-how').textContent = notice.howToReport || '';
  const c = notice.contact || {};
  $('#notice-contact').textContent = [c.phone && `电话 ${c.phone}`, c.address && `地址 ${c.address}`, c.postalCode && `邮编 ${c.postalCode}`, c.email && `邮箱 ${c.email}`, c.hours && `时间 ${c.hours}`].filter(Boolean).join('；');
  replace($('#subject'), h('option', { value: '' }, '请选择'), (notice.subjects || []).map((s) => h('option', { value: s.subject }, `${s.displayName}（${s.unitDisplayName || ''}${s.postTitle || ''}）`)));
  $('#chooser').classList.add('hidden');
  $('#notice').classList.remove('hidden');
  const now = Date.now();
  const open = now >= Date.parse(notice.reportStartTime) && now <= Date.parse(notice.reportEndTime);
  $('#report').classList.toggle('hidden', !open);
  if (!open) notify('当前不在反映时间内，可通过公告中的电话或信件反映。', 'info');
}

function solve(challenge, bits) {
  return new Promise((resolve, reject) => {
    const worker = new Worker('/web/js/pow-worker.js');
    worker.onmessage = (e) => { worker.terminate(); resolve(e.data.nonce); };
    worker.onerror = (e) => { worker.terminate(); reject(new Error(e.message)); };
    worker.postMessage({ challenge, bits });
  });
}

async function send(event) {
  event.preventDefault();
  clearNotice();
  const subject = $('#subject').value;
  const text = $('#text').value.trim();
  if (!subject) return notify('请选择反映对象。');
  if (text.length < 10) return notify('请写明具体内容（至少 10 个字）。');
  if (text.length > 5000) return notify('内容不能超过 5000 字。');
  const report = { subject, text, isReport: document.querySelector('input[name=kind]:checked').value === 'report' };
  const occur = $('#occur').value;
  if (occur) {
    const [year, month, day] = occur.split('-').map(Number);
    report.occurDate = { year, month, day };
  }
  const name = $('#name').value.trim();
  const phone = $('#phone').value.trim();
  if (name || phone) report.reporter = { displayName: name, contact: phone };
  busy($('#send'), true, '正在提交…');
  try {
    // One challenge per report: a retry of the same report sends the same
    // challenge and gets the same receipt.
    const { challenge, bits } = await get('/public/v1/challenge', { auth: false });
    const nonce = await solve(challenge, bits);
    const receipt = await post(`/public/v1/${notice.name}:submitReport`, { ...report, challenge, nonce }, { auth: false });
    $('#receipt-text').textContent = `受理编号：${receipt.receiptNumber}（${dateTime(receipt.receiveTime)}）`;
    $('#report').classList.add('hidden');
    $('#receipt').classList.remove('hidden');
    $('#report-form').reset();
  } catch (e) {
    notify(e instanceof ApiError ? e.readable : String(e));
  } finally {
    busy($('#send'), false);
  }
}

header('考察预告');
$('#region-form').addEventListener('submit', (e) => { e.preventDefault(); listNotices($('#region').value.trim()); });
$('#report-form').addEventListener('submit', send);
const params = new URLSearchParams(location.search);
if (params.get('notice')) openNotice(params.get('notice'));
else if (params.get('region')) { $('#region').value = params.get('region'); listNotices(params.get('region')); }
