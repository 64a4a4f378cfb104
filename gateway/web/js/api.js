// Calls to the gateway: the staff's or rater's token from this tab's
// session, errors turned into sentences a person can act on.

const TOKEN_KEY = 'kaoping.token';

// A token given in the address (#token=…, as the demo prints) is moved into
// this tab's session and removed from the address bar.
export function adoptTokenFromAddress() {
  const m = /(?:^|[#&])token=([^&]+)/.exec(location.hash);
  if (m) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

// The token's claims (not verified here: the gateway verifies every call).
export function claims(value = token()) {
  try {
    const payload = value.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = decodeURIComponent(
      atob(payload)
        .split('')
        .map((c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0'))
        .join(''),
    );
    return JSON.parse(json);
  } catch {
    return null;
  }
}

// The six-digit code of the caller's first region (a prefix is padded: 5101 → 510100).
export function homeRegion(value = token()) {
  const c = claims(value);
  const prefix = (c && c.regions && c.regions[0]) || '';
  return prefix ? prefix.padEnd(6, '0') : '';
}

const MESSAGES = {
  400: '请求有误',
  401: '未登录或登录已过期，请重新进入',
  403: '无权进行此操作',
  404: '未找到，或无权查看',
  409: '内容已被他人修改，请刷新后重试',
  429: '操作过于频繁，请稍后再试',
  503: '服务暂不可用，请稍后再试',
  504: '服务响应超时，请稍后再试',
};

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
  // A sentence in Chinese, with the service's own message for details.
  get readable() {
    const head = MESSAGES[this.status] || '出现错误';
    return this.message ? `${head}（${this.message}）` : head;
  }
}

export async function call(method, path, body, { auth = true, headers = {} } = {}) {
  const init = { method, headers: { ...headers } };
  if (auth && token()) init.headers.Authorization = `Bearer ${token()}`;
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 14, '网络连接失败，请检查网络后重试');
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = null;
  }
  if (!response.ok) {
    throw new ApiError(response.status, json && json.code, (json && json.message) || text);
  }
  return { json, headers: response.headers };
}

export const get = async (path, options) => (await call('GET', path, undefined, options)).json;
export const post = async (path, body, options) => (await call('POST', path, body, options)).json;

// Every page of a List call, up to `max` items.
export async function listAll(path, field, max = 2000) {
  const items = [];
  let pageToken = '';
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await get(`${path}${sep}pageSize=500${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`);
    items.push(...(page[field] || []));
    pageToken = page.nextPageToken || '';
  } while (pageToken && items.length < max);
  return items;
}

// A random request id (retries of one action reuse it).
export function requestId(prefix = 'web') {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return `${prefix}-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
