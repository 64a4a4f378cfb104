// DOM helpers: elements built from data, never from HTML strings (nothing a
// service or a person typed is ever parsed as markup).

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function $(selector, root = document) {
  return root.querySelector(selector);
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

// A message box in the page's status area (role=alert: read out at once).
export function notify(text, kind = 'error') {
  const area = $('#status');
  if (!area) return;
  replace(area, h('div', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text));
  area.scrollIntoView({ block: 'nearest' });
}

export function clearNotice() {
  const area = $('#status');
  if (area) area.replaceChildren();
}

export function busy(button, on, text) {
  if (!button) return;
  if (on) {
    button.dataset.label = button.textContent;
    button.textContent = text || '处理中…';
    button.disabled = true;
  } else {
    button.textContent = button.dataset.label || button.textContent;
    button.disabled = false;
  }
}

// The header every page shares: title, who is signed in, a way out.
export function header(title, who) {
  const bar = h(
    'header',
    { class: 'topbar' },
    h('a', { class: 'brand', href: '/web/' }, '考评'),
    h('h1', {}, title),
    who ? h('span', { class: 'who' }, who) : null,
  );
  document.body.prepend(bar);
}

export function table(columns, rows, { caption, className } = {}) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: className || '' },
      caption ? h('caption', {}, caption) : null,
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c.title)))),
      h(
        'tbody',
        {},
        rows.map((row) => h('tr', {}, columns.map((c) => h('td', { class: c.className || '' }, c.cell(row))))),
      ),
    ),
  );
}
