// The campaign's progress for the assessment team: who has answered, by
// unit, rater group and channel (cells under 3 hidden by the service).
import { adoptTokenFromAddress, ApiError, claims, get, homeRegion, listAll } from './api.js';
import { CAMPAIGN_KINDS, CAMPAIGN_STATES, RATER_GROUPS, dateTime, label, percent } from './labels.js';
import { $, clearNotice, h, header, notify, replace, table } from './ui.js';

const CHANNELS = { ON_SITE: '现场（含纸质）', ONLINE: '网上' };
let unitChart = null;

function cellTable(cells, name) {
  return table([
    { title: '名称', cell: name },
    { title: '应评', className: 'num', cell: (c) => (c.suppressed ? '—' : c.assignmentCount) },
    { title: '已评', className: 'num', cell: (c) => (c.suppressed ? h('span', { class: 'suppressed' }, '已隐去') : c.formCount) },
    { title: '参评率', className: 'num', cell: (c) => (c.suppressed ? '—' : percent(c.participationRate)) },
  ], cells || []);
}

async function show(campaign) {
  clearNotice();
  history.replaceState(null, '', `?campaign=${encodeURIComponent(campaign)}`);
  try {
    const p = await get(`/v1/${campaign}/progress`);
    $('#as-of').textContent = `${label(CAMPAIGN_STATES, p.campaignState)} · 统计时间 ${dateTime(p.computeTime)}`;
    replace($('#kpis'), [
      ['参评率', percent(p.participationRate)],
      ['已交测评表', p.formCount || 0],
      ['应评人次', p.assignmentCount || 0],
      ['已完成的测评人', `${p.completedInvitationCount || 0} / ${p.invitationCount || 0}`],
    ].map(([n, v]) => h('div', { class: 'kpi' }, h('div', { class: 'value' }, String(v)), h('div', { class: 'name' }, n))));
    const units = p.byUnit || [];
    unitChart = unitChart || echarts.init($('#by-unit'), null, { renderer: 'svg' });
    unitChart.setOption({
      color: ['#b71c1c'],
      tooltip: { trigger: 'axis', valueFormatter: (v) => (v === null ? '已隐去' : `${v}%`) },
      grid: { left: 8, right: 8, bottom: 8, top: 16, containLabel: true },
      xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
      yAxis: { type: 'category', data: units.map((u) => u.unitDisplayName || u.unit), inverse: true },
      series: [{ type: 'bar', data: units.map((u) => (u.suppressed ? null : +(u.participationRate * 100).toFixed(1))) }],
    }, true);
    replace($('#unit-table'), cellTable(units, (c) => c.unitDisplayName || c.unit));
    replace($('#group-table'), cellTable(p.byGroup, (c) => label(RATER_GROUPS, c.raterGroup)));
    replace($('#channel-table'), cellTable(p.byChannel, (c) => label(CHANNELS, c.channel)));
    document.body.dataset.loaded = campaign;
  } catch (e) {
    notify(e instanceof ApiError ? e.readable : String(e));
  }
}

adoptTokenFromAddress();
header('考察进度', claims()?.sub || '未登录');
window.addEventListener('resize', () => unitChart && unitChart.resize());
const region = homeRegion();
(async () => {
  try {
    const campaigns = await listAll(`/v1/regions/${region}/campaigns`, 'campaigns', 200);
    replace($('#campaign'), campaigns.map((c) => h('option', { value: c.name }, `${c.displayName || c.name}（${label(CAMPAIGN_KINDS, c.kind)}，${label(CAMPAIGN_STATES, c.state)}）`)));
    const wanted = new URLSearchParams(location.search).get('campaign');
    if (wanted) $('#campaign').value = wanted;
    if ($('#campaign').value) show($('#campaign').value);
    else notify('本地区还没有考察。', 'info');
  } catch (e) {
    notify(e instanceof ApiError ? e.readable : String(e));
  }
})();
$('#pick').addEventListener('submit', (e) => { e.preventDefault(); show($('#campaign').value); });
