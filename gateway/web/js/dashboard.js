// The dashboard: one region's figures and its children's, drill-down from
// province to city to county to unit, the trend across years.
import { adoptTokenFromAddress, ApiError, call, claims, homeRegion } from './api.js';
import {
  DECISION_KINDS, DIMENSIONS, DIMENSION_ORDER, GRADES, GRADE_ORDER, HANDLING_KINDS, LEAD_SOURCES,
  LEAD_STATES, dateTime, label, number, percent, regionCode, regionLevel, regionName,
} from './labels.js';
import { $, clearNotice, h, header, notify, replace, table } from './ui.js';

const RED = ['#b71c1c', '#e57373', '#f6b26b', '#90a4ae', '#5c6bc0', '#26a69a'];
const charts = {};

function chart(id) {
  if (!charts[id]) charts[id] = echarts.init(document.getElementById(id), null, { renderer: 'svg' });
  return charts[id];
}
window.addEventListener('resize', () => Object.values(charts).forEach((c) => c.resize()));

function rowName(row) {
  return row.displayName || regionName(row.scope) || row.scope;
}

// Count cells: a hidden one shows as such, never as 0.
function cellValue(cell) {
  return cell && cell.suppressed ? null : (cell ? cell.count : 0);
}

function kpis(d) {
  const e = d.total.evaluation;
  const u = d.total.usage;
  const confirmed = (e.leadsByState || [])
    .filter((l) => l.state === 'CONFIRMED' || l.state === 'PARTLY_CONFIRMED')
    .reduce((s, l) => (l.suppressed || s === null ? null : s + l.count), 0);
  const items = [
    ['参评率', e.suppressed ? '已隐去' : percent(e.participationRate)],
    ['测评表', e.suppressed ? '已隐去' : e.formCount],
    ['考察对象', e.suppressed ? '已隐去' : e.subjectCount],
    ['好等次比例', e.suppressed ? '已隐去' : percent(e.topGradeShare)],
    ['核实属实的负面问题', confirmed === null ? '已隐去' : confirmed],
    ['一票否决', e.suppressed ? '已隐去' : e.vetoedSubjectCount],
    ['结果运用率', u.suppressed ? '已隐去' : percent(u.resultUseRate)],
    ['逾期未办结的组织处理', u.suppressed ? '已隐去' : u.overdueHandlings],
  ];
  replace($('#kpis'), items.map(([name, value]) => h('div', { class: 'kpi' }, h('div', { class: 'value' }, String(value)), h('div', { class: 'name' }, name))));
}

function gradesChart(d) {
  const cells = d.total.evaluation.proposedGrades || [];
  const data = GRADE_ORDER.map((g) => {
    const cell = cells.find((c) => c.grade === g);
    return { name: GRADES[g], value: cellValue(cell), hidden: cell && cell.suppressed };
  });
  chart('grades').setOption({
    color: RED,
    tooltip: { trigger: 'item', formatter: (p) => (p.data.hidden ? `${p.name}：已隐去` : `${p.name}：${p.value} 人`) },
    xAxis: { type: 'category', data: data.map((x) => x.name) },
    yAxis: { type: 'value', name: '人数' },
    series: [{
      type: 'bar', data: data.map((x) => ({ value: x.value ?? 0, hidden: x.hidden, itemStyle: x.hidden ? { color: '#cfd8dc' } : undefined })),
      label: { show: true, position: 'top', formatter: (p) => (p.data.hidden ? '已隐去' : p.value) },
    }],
  }, true);
}

function dimensionsChart(d) {
  const means = d.total.evaluation.dimensionMeans || [];
  const byDim = Object.fromEntries(means.map((m) => [m.dimension, m]));
  chart('dimensions').setOption({
    color: RED,
    legend: { bottom: 0 },
    tooltip: {},
    radar: { indicator: DIMENSION_ORDER.map((k) => ({ name: DIMENSIONS[k], min: 40, max: 100 })), radius: '62%' },
    series: [{
      type: 'radar',
      data: [
        { name: '校准后', value: DIMENSION_ORDER.map((k) => +number(byDim[k]?.meanCalibratedScore)) },
        { name: '原始', value: DIMENSION_ORDER.map((k) => +number(byDim[k]?.meanRawScore)) },
      ],
    }],
    graphic: means.length ? [] : [{ type: 'text', left: 'center', top: 'middle', style: { text: '尚无汇总结果', fill: '#5f6b76' } }],
  }, true);
}

function childrenChart(d) {
  const rows = d.children || [];
  const names = rows.map(rowName);
  const value = (row, f) => (row.evaluation.suppressed ? null : +(row.evaluation[f] * 100).toFixed(1));
  const c = chart('children');
  c.setOption({
    color: RED,
    tooltip: { trigger: 'axis', valueFormatter: (v) => (v === null || v === undefined ? '已隐去' : `${v}%`) },
    legend: { top: 0 },
    grid: { left: 8, right: 8, bottom: 8, top: 36, containLabel: true },
    xAxis: { type: 'category', data: names, axisLabel: { interval: 0, rotate: names.length > 6 ? 40 : 0 } },
    yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    series: [
      { name: '参评率', type: 'bar', data: rows.map((r) => value(r, 'participationRate')) },
      { name: '好等次比例（差异化）', type: 'bar', data: rows.map((r) => value(r, 'topGradeShare')) },
      { name: '一致勾选比例', type: 'line', data: rows.map((r) => value(r, 'straightLinedShare')) },
    ],
  }, true);
  c.off('click');
  c.on('click', (p) => {
    const row = rows[p.dataIndex];
    if (row && row.drillable) load(regionCode(row.scope));
  });
  const level = regionLevel(regionCode(d.region));
  $('#children-title').textContent = level === 'county' ? '各单位比较' : level === 'city' ? '各县（区）比较（点击可查看）' : '各市比较（点击可查看）';
  const shown = (row, f, fmt) => (row[f] === undefined ? '—' : fmt(row[f]));
  replace($('#children-table'), table([
    { title: '名称', cell: (r) => (r.drillable ? h('a', { href: '#', onclick: (e) => { e.preventDefault(); load(regionCode(r.scope)); } }, rowName(r)) : rowName(r)) },
    { title: '测评表', className: 'num', cell: (r) => (r.evaluation.suppressed ? h('span', { class: 'suppressed' }, '已隐去') : r.evaluation.formCount) },
    { title: '参评率', className: 'num', cell: (r) => (r.evaluation.suppressed ? '—' : percent(r.evaluation.participationRate)) },
    { title: '好等次比例', className: 'num', cell: (r) => (r.evaluation.suppressed ? '—' : percent(r.evaluation.topGradeShare)) },
    { title: '校准综合分', className: 'num', cell: (r) => (r.evaluation.suppressed ? '—' : number(r.evaluation.meanCalibratedComposite)) },
    { title: '一票否决', className: 'num', cell: (r) => (r.evaluation.suppressed ? '—' : r.evaluation.vetoedSubjectCount) },
    { title: '决定事项', className: 'num', cell: (r) => (r.usage.suppressed ? '—' : shown(r.usage, 'decisionCount', String)) },
    { title: '逾期处理', className: 'num', cell: (r) => (r.usage.suppressed ? '—' : shown(r.usage, 'overdueHandlings', String)) },
  ], rows));
}

function leadsChart(d) {
  const e = d.total.evaluation;
  const bars = (cells, key, names) => Object.keys(names).map((k) => {
    const cell = (cells || []).find((c) => c[key] === k);
    return { name: names[k], value: cellValue(cell) ?? 0, hidden: cell && cell.suppressed };
  });
  const sources = bars(e.leadsBySource, 'source', LEAD_SOURCES);
  const states = bars(e.leadsByState, 'state', LEAD_STATES);
  chart('leads').setOption({
    color: RED,
    tooltip: { trigger: 'item', formatter: (p) => (p.data.hidden ? `${p.name}：已隐去` : `${p.name}：${p.value}`) },
    grid: [{ left: 8, right: '52%', containLabel: true, top: 30 }, { left: '52%', right: 8, containLabel: true, top: 30 }],
    title: [{ text: '来源', left: '20%', textStyle: { fontSize: 13 } }, { text: '核实结果', left: '70%', textStyle: { fontSize: 13 } }],
    xAxis: [{ type: 'value', gridIndex: 0 }, { type: 'value', gridIndex: 1 }],
    yAxis: [{ type: 'category', data: sources.map((x) => x.name), gridIndex: 0 }, { type: 'category', data: states.map((x) => x.name), gridIndex: 1 }],
    series: [
      { type: 'bar', xAxisIndex: 0, yAxisIndex: 0, data: sources },
      { type: 'bar', xAxisIndex: 1, yAxisIndex: 1, data: states, itemStyle: { color: '#5c6bc0' } },
    ],
  }, true);
}

function usageChart(d) {
  const u = d.total.usage;
  const decisions = Object.keys(DECISION_KINDS).map((k) => {
    const cell = (u.decisions || []).find((c) => c.kind === k);
    return { name: DECISION_KINDS[k], value: cellValue(cell) ?? 0, hidden: cell && cell.suppressed };
  }).filter((x) => x.value || x.hidden);
  const handlings = {};
  for (const cell of u.handlings || []) {
    const name = HANDLING_KINDS[cell.kind] || cell.kind;
    handlings[name] = cell.suppressed ? handlings[name] ?? 0 : (handlings[name] ?? 0) + cell.count;
  }
  chart('usage').setOption({
    color: RED,
    tooltip: { trigger: 'item' },
    legend: { bottom: 0, type: 'scroll' },
    series: [
      { name: '决定事项', type: 'pie', radius: ['30%', '55%'], center: ['28%', '45%'], data: decisions.length ? decisions : [{ name: '暂无', value: 0 }], label: { formatter: '{b}\n{c}' } },
      { name: '组织处理', type: 'pie', radius: ['30%', '55%'], center: ['74%', '45%'], data: Object.entries(handlings).map(([name, value]) => ({ name, value })), label: { formatter: '{b}\n{c}' } },
    ],
    graphic: [{ type: 'text', left: '5%', top: 0, style: { text: `决定 ${u.suppressed ? '已隐去' : u.decisionCount} 项，偏离 ${u.deviationCount || 0} 项；否决在期 ${u.vetoesInForce || 0}`, fill: '#5f6b76', fontSize: 12 } }],
  }, true);
}

function trendChart(d) {
  const points = d.trend || [];
  const v = (p, f, scale = 100) => (p.evaluation.suppressed ? null : +(p.evaluation[f] * scale).toFixed(1));
  chart('trend').setOption({
    color: RED,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 8, right: 8, bottom: 8, top: 40, containLabel: true },
    xAxis: { type: 'category', data: points.map((p) => `${p.year}年`) },
    yAxis: [{ type: 'value', name: '%', max: 100 }, { type: 'value', name: '人数' }],
    series: [
      { name: '参评率 %', type: 'line', data: points.map((p) => v(p, 'participationRate')) },
      { name: '好等次比例 %', type: 'line', data: points.map((p) => v(p, 'topGradeShare')) },
      { name: '校准综合分', type: 'line', data: points.map((p) => v(p, 'meanCalibratedComposite', 1)) },
      { name: '一票否决', type: 'bar', yAxisIndex: 1, data: points.map((p) => (p.evaluation.suppressed ? null : p.evaluation.vetoedSubjectCount)) },
      { name: '组织处理逾期', type: 'bar', yAxisIndex: 1, data: points.map((p) => (p.usage.suppressed ? null : p.usage.overdueHandlings)) },
    ],
  }, true);
}

function trail(code) {
  const codes = [];
  if (regionLevel(code) !== 'province') codes.push(code.slice(0, 2) + '0000');
  if (regionLevel(code) === 'county') codes.push(code.slice(0, 4) + '00');
  codes.push(code);
  replace($('#trail'), codes.map((c, i) => [
    i ? h('span', { 'aria-hidden': 'true' }, '›') : null,
    c === code ? h('strong', {}, regionName(c)) : h('button', { type: 'button', onclick: () => load(c) }, regionName(c)),
  ]));
}

async function load(code) {
  $('#region').value = code;
  const params = new URLSearchParams({ year: $('#year').value });
  if ($('#kind').value) params.set('kind', $('#kind').value);
  history.replaceState(null, '', `?region=${code}&${params}`);
  trail(code);
  clearNotice();
  try {
    const { json: d, headers } = await call('GET', `/v1/regions/${code}/dashboard?${params}`);
    d.total.evaluation = d.total.evaluation || {};
    d.total.usage = d.total.usage || {};
    for (const r of d.children || []) { r.evaluation = r.evaluation || {}; r.usage = r.usage || {}; }
    for (const p of d.trend || []) { p.evaluation = p.evaluation || {}; p.usage = p.usage || {}; }
    const source = { hit: '缓存', miss: '刚刚计算', shared: '刚刚计算', bypass: '直接计算（缓存不可用）' }[headers.get('x-kaoping-cache')] || '';
    $('#freshness').textContent = `${regionName(code)} ${d.year}年 · 数据时间 ${dateTime(d.computeTime)} · ${source}`;
    document.body.dataset.loaded = code;
    kpis(d); gradesChart(d); dimensionsChart(d); childrenChart(d); leadsChart(d); usageChart(d); trendChart(d);
  } catch (e) {
    notify(e instanceof ApiError ? e.readable : String(e));
  }
}

adoptTokenFromAddress();
const me = claims();
header('数据看板', me ? me.sub : '未登录');
const now = new Date().getFullYear();
for (let y = now; y >= now - 9; y -= 1) $('#year').append(h('option', { value: y }, `${y}年`));
const params = new URLSearchParams(location.search);
if (params.get('year')) $('#year').value = params.get('year');
if (params.get('kind')) $('#kind').value = params.get('kind');
$('#query').addEventListener('submit', (e) => { e.preventDefault(); load($('#region').value.trim()); });
const start = params.get('region') || homeRegion();
if (start) load(start);
else notify('请先在首页登录，或输入区域代码。', 'info');
