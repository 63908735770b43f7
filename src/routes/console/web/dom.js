// Small DOM helpers: elements are built with textContent, never from HTML strings.

/** h('td', { class: 'num' }, 'text', childNode) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export const $ = (id) => document.getElementById(id);

export function replace(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== undefined && c !== null && c !== false));
}

/** 52428800 → "50 MiB" */
export function bytes(n) {
  const units = ['bytes', 'KiB', 'MiB', 'GiB'];
  let value = n;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i += 1;
  }
  return i === 0 ? `${n} bytes` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[i]}`;
}

/** "2026-01-12T10:20:30.123Z" → "2026-01-12 10:20:30 UTC" */
export function when(iso) {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

export function showError(el, message) {
  el.textContent = message ?? '';
  el.hidden = !message;
}
