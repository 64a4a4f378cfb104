// The appraisal's printable page (综合鉴定表): one A4 page with the
// identifying facts, the scores it rests on, the verified leads, the four
// sections, and both signatures with what verifying them found now.
import { adoptTokenFromAddress, ApiError, claims, get, homeRegion, listAll } from './api.js';
import { CAMPAIGN_KINDS, DIMENSIONS, DIMENSION_ORDER, GRADES, POST_TIERS, SEVERITIES, dateTime, label, number } from './labels.js';
import { $, clearNotice, h, header, notify, replace } from './ui.js';

const ROLES = { PARTY_SECRETARY: '党委（党组）书记', DISCIPLINE_SECRETARY: '纪委书记（纪检组长）' };
const ALGORITHMS = { ED25519: 'Ed25519', SM2_SM3: 'SM2/SM3' };

function hex(base64) {
  if (!base64) return '';
  return Array.from(atob(base64), (c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
}

function facts(rows) {
  return rows.map((pair) => h('tr', {}, pair.map(([k, v]) => [h('th', {}, k), h('td', {}, v ?? '—')])));
}

function section(id, text, empty = '（未填写）') {
  const el = $(id);
  el.textContent = text || empty;
  el.classList.remove('clipped');
  requestAnimationFrame(() => el.classList.toggle('clipped', el.scrollHeight > el.clientHeight + 1));
}

function signatureBlock(role, check) {
  if (!check) {
    return h('div', { class: 'signature' }, h('div', {}, h('strong', {}, ROLES[role])), h('div', { class: 'status invalid' }, '未签字'));
  }
  const s = check.signature;
  return h('div', { class: 'signature' },
    h('div', {}, h('strong', {}, ROLES[role]), `：${s.signerDisplayName || s.signer}`),
    h('div', {}, `签字时间：${dateTime(s.signTime)}`),
    h('div', {}, `密钥：${(s.signerKey || '').split('/').pop()}（${ALGORITHMS[s.algorithm] || s.algorithm}）${check.keyActive ? '' : '，已停用'}`),
    h('div', { class: `status ${check.valid ? 'valid' : 'invalid'}` }, check.valid ? '✓ 签名验证通过' : `✗ 签名无效：${check.reason || ''}`));
}

async function show(name) {
  clearNotice();
  history.replaceState(null, '', `?name=${encodeURIComponent(name)}`);
  try {
    const [a, v] = await Promise.all([get(`/v1/${name}`), get(`/v1/${name}:verifySignatures`)]);
    const c = a.content || {};
    const s = c.summary || {};
    $('#meta').textContent = `${label(CAMPAIGN_KINDS, c.campaignKind)} · ${c.campaignDisplayName || ''} · ${a.state === 'CONCLUDED' ? `${dateTime(a.concludeTime)} 办结` : '未办结'}`;
    replace($('#facts'), facts([
      [['姓名', c.cadreDisplayName], ['单位', c.unitDisplayName]],
      [['职务', c.postTitle], ['层级', label(POST_TIERS, c.postTier)]],
    ]));
    replace($('#scores'), facts([
      [['有效测评表', s.formCount], ['拟定等次', label(GRADES, s.proposal?.grade)]],
      [['原始综合分', number(s.rawComposite)], ['校准综合分', number(s.calibratedComposite)]],
      [['核实扣分', number(s.deductionTotal)], ['最终综合分', number(s.finalComposite)]],
      [['一票否决', s.vetoed ? '是' : '否'], ['评价一致性', number(s.agreementRwg, 2)]],
    ]));
    const byDim = Object.fromEntries((s.dimensionScores || []).map((d) => [d.dimension, d]));
    replace($('#dims'),
      h('tr', {}, h('th', {}, '维度'), DIMENSION_ORDER.map((k) => h('th', {}, DIMENSIONS[k]))),
      h('tr', {}, h('th', {}, '校准得分'), DIMENSION_ORDER.map((k) => h('td', {}, number(byDim[k]?.calibratedScore)))));
    const leads = s.verifiedLeads || [];
    section('#leads', leads.map((l) => `${l.negativeItem?.title || ''}（${label(SEVERITIES, l.negativeItem?.severity)}${l.deduction ? `，扣 ${l.deduction} 分` : ''}${l.partly ? '，部分属实' : ''}）`).join('\n'), '无');
    section('#self-check', c.selfCheck);
    section('#party', c.partyOpinion);
    section('#integrity', c.integrityAppraisal);
    section('#conclusion', c.grade ? `等次：${GRADES[c.grade]}${c.gradeReason ? `\n理由：${c.gradeReason}` : ''}` : '');
    const checks = v.checks || [];
    replace($('#signatures'), ['PARTY_SECRETARY', 'DISCIPLINE_SECRETARY'].map((role) => signatureBlock(role, checks.find((k) => k.signature?.role === role))));
    $('#footer').textContent = `${a.name} · 内容修订 ${c.contentRevision || 0} · 签署内容 SHA-256 ${hex(v.contentSha256)} · 双签字${v.complete ? '完整有效' : '不完整'} · 打印于 ${dateTime(new Date().toISOString())}`;
    $('#sheet').classList.remove('hidden');
    document.body.dataset.loaded = name;
  } catch (e) {
    notify(e instanceof ApiError ? e.readable : String(e));
  }
}

adoptTokenFromAddress();
header('综合鉴定表', claims()?.sub || '未登录');
$('#print').addEventListener('click', () => window.print());
$('#name').addEventListener('change', () => show($('#name').value));
(async () => {
  const wanted = new URLSearchParams(location.search).get('name');
  try {
    const list = await listAll(`/v1/regions/${homeRegion()}/appraisals`, 'appraisals', 500);
    replace($('#name'), list.map((a) => h('option', { value: a.name }, `${a.content?.cadreDisplayName || a.name}（${a.state === 'CONCLUDED' ? '已办结' : '起草中'}）`)));
  } catch (e) {
    if (!wanted) notify(e instanceof ApiError ? e.readable : String(e));
  }
  if (wanted) {
    if (![...$('#name').options].some((o) => o.value === wanted)) $('#name').append(h('option', { value: wanted }, wanted));
    $('#name').value = wanted;
  }
  if ($('#name').value) show($('#name').value);
})();
