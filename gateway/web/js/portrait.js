// The cadre's portrait (政治画像): the five dimensions as radars across
// years and rater groups, the archive's timeline, the verified leads and
// handlings behind each point. The assessment team sees any cadre of the
// county; a cadre sees their own (no rater is ever named: summaries carry
// none), with what to improve.
import { adoptTokenFromAddress, ApiError, claims, get, homeRegion, listAll } from './api.js';
import {
  CAMPAIGN_KINDS, DIMENSIONS, DIMENSION_ORDER, GRADES, HANDLING_KINDS, HANDLING_STATES, POST_TIERS,
  RATER_GROUPS, SEVERITIES, date, label, number,
} from './labels.js';
import { $, clearNotice, h, header, notify, replace, table } from './ui.js';

const COLORS = ['#b71c1c', '#e57373', '#5c6bc0', '#26a69a', '#f6b26b', '#90a4ae'];
const charts = {};
const chart = (id) => (charts[id] = charts[id] || echarts.init(document.getElementById(id), null, { renderer: 'svg' }));
window.addEventListener('resize', () => Object.values(charts).forEach((c) => c.resize()));

function radar(id, series) {
  chart(id).setOption({
    color: COLORS,
    legend: { bottom: 0, type: 'scroll' },
    tooltip: {},
    radar: { indicator: DIMENSION_ORDER.map((k) => ({ name: DIMENSIONS[k], min: 40, max: 100 })), radius: '60%' },
    series: [{ type: 'radar', data: series }],
    graphic: series.length ? [] : [{ type: 'text', left: 'center', top: 'middle', style: { text: '暂无', fill: '#5f6b76' } }],
  }, true);
}

const scores = (dimensionScores) => {
  const by = Object.fromEntries((dimensionScores || []).map((d) => [d.dimension, d.calibratedScore]));
  return DIMENSION_ORDER.map((k) => +number(by[k]));
};

function improvements(latest, leads, handlings) {
  const items = [];
  if (latest) {
    const dims = [...(latest.content?.summary?.dimensionScores || [])].sort((a, b) => a.calibratedScore - b.calibratedScore);
    for (const d of dims.slice(0, 2)) items.push(`${DIMENSIONS[d.dimension]}：得分 ${number(d.calibratedScore)}，为各维度中较低的，请对照该维度的正面标准查找差距。`);
  }
  for (const l of leads) items.push(`已核实的问题：${l.negativeItem?.title || ''}（${label(SEVERITIES, l.negativeItem?.severity)}），请认真整改。`);
  for (const x of handlings.filter((x) => x.state === 'DECIDED')) items.push(`组织处理：${label(HANDLING_KINDS, x.decidedKind || x.kind)}，请按要求落实。`);
  return items;
}

async function show(cadre) {
  clearNotice();
  history.replaceState(null, '', `?cadre=${encodeURIComponent(cadre)}`);
  try {
    const person = await get(`/v1/${cadre}`);
    $('#title').textContent = `${person.displayName} 的政治画像`;
    $('#subtitle').textContent = `${person.postTitle || ''} · ${label(POST_TIERS, person.postTier)}`;
    const entries = await listAll(`/v1/${cadre}/archive/entries?view=FULL&currentOnly=true`, 'archiveEntries', 200);
    const appraisals = entries.filter((e) => e.kind === 'APPRAISAL').sort((a, b) => (a.recordTime < b.recordTime ? -1 : 1));
    radar('years', appraisals.map((e) => ({ name: `${e.concludeDate?.year || ''}年 ${label(CAMPAIGN_KINDS, e.campaignKind)}`, value: scores(e.content?.summary?.dimensionScores) })));
    const latest = appraisals[appraisals.length - 1];
    radar('groups', (latest?.content?.summary?.groupScores || []).map((g) => ({
      name: (g.raterGroups || []).map((r) => RATER_GROUPS[r] || r).join('、'),
      value: scores(g.dimensionScores),
    })));
    replace($('#timeline'), [...entries].sort((a, b) => (a.recordTime < b.recordTime ? 1 : -1)).map((e) => h('li', {},
      h('strong', {}, date(e.recordTime)), ' ',
      e.kind === 'APPRAISAL' ? `综合鉴定：${label(GRADES, e.grade)}${e.vetoed ? '（一票否决）' : ''} · ${label(CAMPAIGN_KINDS, e.campaignKind)}`
        : e.kind === 'VERIFIED_LEAD' ? `核实属实：${e.verifiedLead?.negativeItem?.title || ''}`
          : `更正：${e.correctionReason || ''}`)));
    const leads = [
      ...entries.filter((e) => e.kind === 'VERIFIED_LEAD').map((e) => e.verifiedLead),
      ...appraisals.flatMap((e) => e.content?.summary?.verifiedLeads || []),
    ].filter((l, i, all) => l && all.findIndex((x) => x.lead === l.lead) === i);
    replace($('#leads'), leads.length ? table([
      { title: '问题', cell: (l) => l.negativeItem?.title || '' },
      { title: '性质', cell: (l) => label(SEVERITIES, l.negativeItem?.severity) },
      { title: '扣分', className: 'num', cell: (l) => number(l.deduction) },
      { title: '发生时间', cell: (l) => date(l.occurDate) },
    ], leads) : h('p', { class: 'muted' }, '无核实属实的问题。'));
    let handlings = [];
    try {
      handlings = await listAll(`/v1/regions/${cadre.split('/')[1]}/handlings?cadre=${encodeURIComponent(cadre)}`, 'handlings', 100);
    } catch (e) {
      handlings = [];
    }
    replace($('#handlings'), handlings.length ? table([
      { title: '组织处理', cell: (x) => label(HANDLING_KINDS, x.decidedKind || x.kind) },
      { title: '状态', cell: (x) => label(HANDLING_STATES, x.state) + (x.overdue ? '（逾期）' : '') },
      { title: '期限', cell: (x) => date(x.dueDate) },
    ], handlings) : null);
    const own = !!claims()?.cadre && cadre.endsWith(`/cadres/${claims().cadre.split('/').pop()}`);
    const items = improvements(latest, leads, handlings);
    $('#improve').classList.toggle('hidden', !own && !items.length);
    replace($('#improve-list'), items.length ? items.map((t) => h('li', {}, t)) : [h('li', {}, '暂无需要特别改进的方面，请继续保持。')]);
    document.body.dataset.loaded = cadre;
  } catch (e) {
    notify(e instanceof ApiError ? e.readable : String(e));
  }
}

adoptTokenFromAddress();
const me = claims();
header('政治画像', me?.sub || '未登录');
$('#pick').addEventListener('submit', (e) => { e.preventDefault(); show($('#cadre').value); });
(async () => {
  const wanted = new URLSearchParams(location.search).get('cadre');
  if (me?.roles?.includes('CADRE') && me.cadre) {
    $('#chooser').classList.add('hidden');
    return show(me.cadre.startsWith('regions/') ? me.cadre : `regions/${homeRegion()}/cadres/${me.cadre}`);
  }
  try {
    const cadres = await listAll(`/v1/regions/${homeRegion()}/cadres`, 'cadres', 5000);
    replace($('#cadre'), cadres.map((c) => h('option', { value: c.name }, `${c.displayName}（${c.postTitle || ''}）`)));
  } catch (e) {
    if (!wanted) notify(e instanceof ApiError ? e.readable : String(e));
  }
  if (wanted) {
    if (![...$('#cadre').options].some((o) => o.value === wanted)) $('#cadre').append(h('option', { value: wanted }, wanted));
    $('#cadre').value = wanted;
  }
  if ($('#cadre').value) show($('#cadre').value);
})();
