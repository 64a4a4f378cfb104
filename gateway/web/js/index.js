import { adoptTokenFromAddress, claims, setToken, token } from './api.js';
import { $, header } from './ui.js';

const ROLE_NAMES = {
  REGION_ADMIN: '组织部门管理员',
  ASSESSMENT_TEAM: '考核组',
  PARTY_SECRETARY: '党委（党组）书记',
  DISCIPLINE_SECRETARY: '纪委书记',
  RATER: '测评人',
  CADRE: '干部本人',
  AUDITOR: '审计',
  SYSTEM: '系统',
};

export function describe(c) {
  if (!c) return '尚未登录。';
  const roles = (c.roles || []).map((r) => ROLE_NAMES[r] || r).join('、');
  return `已登录：${c.sub}（${roles}，区域 ${(c.regions || []).join('、')}）`;
}

adoptTokenFromAddress();
header('首页');
const show = () => {
  $('#who').textContent = describe(claims(token()));
};
$('#signin').addEventListener('submit', (e) => {
  e.preventDefault();
  const value = $('#token').value.trim();
  if (!claims(value)) {
    $('#who').textContent = '这不是有效的令牌。';
    return;
  }
  setToken(value);
  $('#token').value = '';
  show();
});
$('#signout').addEventListener('click', () => {
  setToken('');
  show();
});
show();
