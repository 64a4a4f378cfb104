// Chinese labels of the API's enums (DESIGN.md §2) and small formatters.

export const DIMENSIONS = {
  LOYALTY: '政治忠诚',
  STEADFASTNESS: '政治定力',
  RESPONSIBILITY: '政治担当',
  CAPABILITY: '政治能力',
  SELF_DISCIPLINE: '政治自律',
};
export const DIMENSION_ORDER = Object.keys(DIMENSIONS);

export const GRADES = { GOOD: '好', FAIRLY_GOOD: '较好', AVERAGE: '一般', POOR: '较差' };
export const GRADE_ORDER = Object.keys(GRADES);

export const SEVERITIES = { NOTE: '记录', DEDUCT: '扣分', VETO: '一票否决' };

export const RATER_GROUPS = {
  SUPERIOR: '上级',
  PEER: '同级',
  SUBORDINATE: '下级',
  PUBLIC: '群众和服务对象',
};

export const LEAD_SOURCES = {
  FORM: '测评勾选',
  PUBLIC_REPORT: '群众举报',
  ONLINE_OPINION: '网络舆情',
  INSPECTION: '巡视巡察',
  DISCIPLINE_RECORD: '纪检监察',
};

export const LEAD_STATES = {
  OPEN: '待核实',
  VERIFYING: '核实中',
  CONFIRMED: '属实',
  PARTLY_CONFIRMED: '部分属实',
  UNFOUNDED: '不属实',
};

export const CAMPAIGN_KINDS = {
  CADRE_ADJUSTMENT: '干部调整',
  ANNUAL: '年度考核',
  SPECIAL_INSPECTION: '专项督查',
  TEAM_ANALYSIS: '班子分析研判',
};

export const CAMPAIGN_STATES = {
  DRAFT: '草稿',
  OPEN: '进行中',
  CLOSED: '已结束',
  AGGREGATED: '已汇总',
};

export const POST_TIERS = {
  PRINCIPAL: '一把手',
  DEPUTY: '副职',
  FRONTLINE: '基层一线',
  STAFF: '一般干部',
};

export const HANDLING_KINDS = {
  REMINDER_TALK: '提醒谈话',
  CRITICISM: '批评教育',
  ADMONISHMENT: '诫勉',
  POST_ADJUSTMENT: '调整岗位',
  REMOVAL: '免职',
  DISCIPLINE_REFERRAL: '移送纪检监察机关',
};

export const HANDLING_STATES = {
  PROPOSED: '拟处理',
  DECIDED: '已决定',
  CARRIED_OUT: '已执行',
  DISMISSED: '不予处理',
};

export const DECISION_KINDS = {
  PROMOTION: '提拔',
  RANK_ADVANCEMENT: '职级晋升',
  TRANSFER: '交流任职',
  COMMENDATION: '评先评优',
  PROBATION_CONFIRMATION: '试用期满转正',
  PROMOTION_DEFERRED: '暂缓提拔或使用',
  OTHER_DECISION: '其他',
};

// Region names the demo and the surrounding province use; other codes show as codes.
const REGION_NAMES = {
  510000: '四川省',
  510100: '成都市',
  510104: '锦江区',
  510105: '青羊区',
  510106: '金牛区',
  510107: '武侯区',
  510108: '成华区',
  510112: '龙泉驿区',
  510113: '青白江区',
  510114: '新都区',
  510115: '温江区',
  510116: '双流区',
  510117: '郫都区',
  510118: '新津区',
};

export function label(table, value) {
  return table[value] || value || '—';
}

export function regionCode(name) {
  const m = /^regions\/(\d{6})/.exec(name || '');
  return m ? m[1] : name;
}

export function regionName(nameOrCode) {
  const code = regionCode(nameOrCode);
  return REGION_NAMES[code] || code;
}

export function regionLevel(code) {
  if (code.endsWith('0000')) return 'province';
  if (code.endsWith('00')) return 'city';
  return 'county';
}

export function lastSegment(name) {
  return (name || '').split('/').pop();
}

export function percent(x, digits = 1) {
  return `${((x || 0) * 100).toFixed(digits)}%`;
}

export function number(x, digits = 1) {
  return (x || 0).toFixed(digits);
}

export function date(value) {
  if (!value) return '—';
  if (typeof value === 'object') {
    return `${value.year}年${value.month}月${value.day}日`;
  }
  const d = new Date(value);
  return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日`;
}

export function dateTime(value) {
  if (!value) return '—';
  const d = new Date(value);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
