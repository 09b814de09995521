// Small DOM helpers: element builder, icons, screens, announcements, dialogs,
// clipboard and the arrival sound. No framework.

import { bind, t } from './i18n.js';

export const $ = (id) => document.getElementById(id);

// h('button', { class: 'x', type: 'button', onclick: fn }, child, ...)
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'text') el.textContent = v;
    else if (k === 'i18n') bind(el, v[0], null, v[1]);
    else if (k === 'i18nAttr') bind(el, null, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// Icons: 24x24 stroke paths (drawn for this page), decorative (aria-hidden).
const ICONS = {
  shield: 'M12 3l7 3v5c0 4.5-3 8.3-7 10-4-1.7-7-5.5-7-10V6l7-3z M9 12l2 2 4-4',
  rec: 'M12 6.5a5.5 5.5 0 1 0 0 11 5.5 5.5 0 0 0 0-11z',
  mic: 'M12 3a3 3 0 0 1 3 3v6a3 3 0 0 1-6 0V6a3 3 0 0 1 3-3z M5 11a7 7 0 0 0 14 0 M12 18v3 M8 21h8',
  'mic-off': 'M15 9.5V6a3 3 0 0 0-5.7-1.3 M9 9v3a3 3 0 0 0 4.9 2.3 M5 11a7 7 0 0 0 11.4 5.4 M19 11a7 7 0 0 1-.7 3 M12 18v3 M8 21h8 M3 3l18 18',
  cam: 'M3 7h12v10H3z M15 10l6-3v10l-6-3',
  'cam-switch': 'M4 8h3l2-3h6l2 3h3v11H4z M9 12a3 3 0 0 1 5.2-2 M15 14a3 3 0 0 1-5.2 2 M14.5 8.5v1.7h-1.7 M9.5 15.5v-1.7h1.7',
  'cam-off': 'M3 7h2 M9 7h6v6 M15 10l6-3v10l-6-3 M3 7v10h12 M3 3l18 18',
  chat: 'M4 5h16v11H9l-5 4z',
  leave: 'M14 4h5v16h-5 M10 8l-4 4 4 4 M6 12h10',
  lock: 'M6 11h12v9H6z M8 11V8a4 4 0 0 1 8 0v3',
  unlock: 'M6 11h12v9H6z M8 11V8a4 4 0 0 1 7.5-2',
  flag: 'M5 21V4 M5 4h11l-2 4 2 4H5',
  plus: 'M12 5v14 M5 12h14',
  close: 'M6 6l12 12 M18 6L6 18',
  copy: 'M9 9h11v11H9z M5 15H4V4h11v1',
  check: 'M5 12l5 5 9-10',
  info: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z M12 11v6 M12 7.5v.5',
  warn: 'M12 3l10 18H2z M12 10v5 M12 17.5v.5',
  door: 'M6 3h10v18H6z M13 12h.01 M16 21h3',
  end: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z M9 9l6 6 M15 9l-6 6',
  speaker: 'M4 9h4l5-4v14l-5-4H4z M16 9a4 4 0 0 1 0 6 M18.5 6.5a8 8 0 0 1 0 11',
  user: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8z M4 21a8 8 0 0 1 16 0',
  'user-remove': 'M10 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8z M3 21a7 7 0 0 1 14 0 M16 11h6',
  wait: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z M12 7v5l3 3',
  phone: 'M5 4h4l2 5-2.5 1.5a11 11 0 0 0 5 5L15 13l5 2v4a1 1 0 0 1-1 1A16 16 0 0 1 4 5a1 1 0 0 1 1-1z',
};

export function icon(name) {
  const NS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', `icon icon-${name}`);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const path = document.createElementNS(NS, 'path');
  path.setAttribute('d', ICONS[name] || ICONS.info);
  svg.append(path);
  return svg;
}

// Fills every [data-icon] placeholder below root with its icon.
export function fillIcons(root = document) {
  for (const el of root.querySelectorAll('[data-icon]')) {
    el.replaceChildren(icon(el.dataset.icon));
    el.classList.add('icon-slot');
    el.setAttribute('aria-hidden', 'true');
  }
}

export function setIcon(el, name) {
  el.dataset.icon = name;
  el.replaceChildren(icon(name));
}

let currentScreen = null;
const screenListeners = new Set();

// Shows one screen, hides the others, moves focus to its heading.
export function showScreen(id, { focus = true } = {}) {
  for (const s of document.querySelectorAll('main > .screen')) s.hidden = s.id !== id;
  currentScreen = id;
  $('toast').hidden = true;
  document.body.dataset.screen = id.replace(/^screen-/, '');
  if (focus) {
    const heading = $(id).querySelector('h1');
    if (heading) heading.focus({ preventScroll: false });
  }
  window.scrollTo(0, 0);
  for (const fn of screenListeners) fn(id);
}

export function screen() {
  return currentScreen;
}

export function onScreen(fn) {
  screenListeners.add(fn);
}

// Polite announcement for screen readers (lobby changes, mutes, ...).
export function announce(text) {
  const el = $('announcer');
  el.textContent = '';
  // A new text node in a fresh task is announced even if the text repeats.
  setTimeout(() => {
    el.textContent = text;
  }, 50);
}

let toastTimer = null;
export function toast(text, ms = 4000) {
  const el = $('toast');
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    el.hidden = true;
  }, ms);
}

// A modal confirmation; resolves true when confirmed.
export function confirmDialog({ title, text, confirm, danger = true }) {
  return chooseDialog({ title, text, confirm, danger }).then((choice) => choice === 'ok');
}

// A confirmation with a second, stronger choice next to the first (e.g. "not
// now" and "not at all"). Resolves 'ok', 'alt' or null (cancelled).
export function chooseDialog({ title, text, confirm, alternative = null, danger = true }) {
  const dlg = $('dlg-confirm');
  $('dlg-confirm-title').textContent = title;
  $('dlg-confirm-text').textContent = text;
  const ok = $('dlg-confirm-ok');
  ok.textContent = confirm;
  ok.className = danger ? 'danger' : 'primary';
  const alt = $('dlg-confirm-alt');
  alt.hidden = !alternative;
  alt.textContent = alternative || '';
  return new Promise((resolve) => {
    const opener = document.activeElement;
    dlg.addEventListener(
      'close',
      () => {
        const v = dlg.returnValue;
        resolve(v === 'ok' || (v === 'alt' && alternative) ? v : null);
        if (opener && opener.isConnected) opener.focus();
      },
      { once: true },
    );
    dlg.returnValue = '';
    dlg.showModal();
    // The safe choice has the focus.
    dlg.querySelector('button[value="cancel"]').focus();
  });
}

export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

// A field's error line: shows `text` (or hides it) and sets aria-invalid.
export function fieldError(inputId, errorId, text) {
  const input = $(inputId);
  const err = $(errorId);
  if (text) {
    err.textContent = text;
    err.hidden = false;
    input.setAttribute('aria-invalid', 'true');
  } else {
    err.textContent = '';
    err.hidden = true;
    input.removeAttribute('aria-invalid');
  }
}

export function formError(id, text) {
  const el = $(id);
  el.textContent = text || '';
  el.hidden = !text;
}

// Initials for a tile without video: "Anna Beispiel" -> "AB".
export function initials(name) {
  const parts = String(name || '').trim().split(/\s+/).filter(Boolean);
  const chars = parts.slice(0, 2).map((p) => Array.from(p)[0]);
  return (chars.join('') || '?').toUpperCase();
}

// A soft two-tone chime through WebAudio (no sound file). The context must
// have been created or resumed in a user gesture (see unlockAudio).
let audioCtx = null;
export function unlockAudio() {
  try {
    if (!audioCtx) audioCtx = new (window.AudioContext || window.webkitAudioContext)();
    if (audioCtx.state === 'suspended') audioCtx.resume().catch(() => {});
  } catch {
    audioCtx = null;
  }
  return audioCtx;
}

export function chime({ tones = [660, 880], volume = 0.12 } = {}) {
  const ctx = audioCtx || unlockAudio();
  if (!ctx) return;
  const now = ctx.currentTime;
  tones.forEach((freq, i) => {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.value = freq;
    const start = now + i * 0.18;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(volume, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.5);
    osc.connect(gain).connect(ctx.destination);
    osc.start(start);
    osc.stop(start + 0.55);
  });
}

export function audioContext() {
  return audioCtx || unlockAudio();
}

// Sets a round toggle button's state, icon and label.
export function setToggle(btn, { on, iconOn, iconOff, labelOn, labelOff, label }) {
  btn.setAttribute('aria-pressed', on ? 'true' : 'false');
  btn.classList.toggle('off', !on);
  // The visible text is the accessible name; aria-pressed carries the state.
  btn.replaceChildren(icon(on ? iconOn : iconOff), h('span', { class: 'toggle-text', text: label }));
  btn.title = on ? labelOn : labelOff;
}

export { t };
