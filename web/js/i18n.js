// The page's texts and their machinery: the tables are i18n_de.js and
// i18n_en.js (German first). Nothing else in the page holds user-visible
// text: markup names keys with data-i18n (text), data-i18n-attr
// ("aria-label:key;placeholder:key") and data-i18n-args (JSON parameters),
// and applyI18n() fills them in, again after every switch.
// Larger features keep their texts in a file of their own (i18n_<feature>.js).

import { de } from './i18n_de.js';
import { en } from './i18n_en.js';
import { recordingTexts } from './i18n_recording.js';

Object.assign(de, recordingTexts.de);
Object.assign(en, recordingTexts.en);
export const LANGUAGES = { de, en };
let current = 'de';
const listeners = new Set();

export function lang() {
  return current;
}

// The text of `key` with {name} parameters filled in.
export function t(key, args) {
  const table = LANGUAGES[current];
  let text = Object.hasOwn(table, key) ? table[key] : Object.hasOwn(de, key) ? de[key] : key;
  if (args) text = text.replace(/\{(\w+)\}/g, (m, name) => (Object.hasOwn(args, name) ? String(args[name]) : m));
  return text;
}

export function hasKey(key) {
  return Object.hasOwn(de, key);
}

// Binds `el` to key (text) and/or attributes; applies them now and after every switch.
//   bind(el, 'chat.send')                        textContent
//   bind(el, null, { 'aria-label': ['lang.switchLabel'] })
export function bind(el, key, attrs, args) {
  if (key) {
    el.dataset.i18n = key;
    if (args) el.dataset.i18nArgs = JSON.stringify(args);
    else delete el.dataset.i18nArgs;
  }
  if (attrs) {
    const spec = {};
    for (const [attr, value] of Object.entries(attrs)) spec[attr] = Array.isArray(value) ? value : [value];
    el.dataset.i18nAttr = JSON.stringify(spec);
  }
  applyTo(el);
  return el;
}

function applyTo(el) {
  if (el.dataset.i18n) {
    const args = el.dataset.i18nArgs ? JSON.parse(el.dataset.i18nArgs) : undefined;
    el.textContent = t(el.dataset.i18n, args);
  }
  if (el.dataset.i18nAttr) {
    const spec = JSON.parse(el.dataset.i18nAttr);
    for (const [attr, [key, args]] of Object.entries(spec)) el.setAttribute(attr, t(key, args));
  }
}

export function applyI18n(root = document) {
  for (const el of root.querySelectorAll('[data-i18n], [data-i18n-attr]')) applyTo(el);
}

export function setLang(code) {
  if (!LANGUAGES[code]) return;
  current = code;
  document.documentElement.lang = code;
  applyI18n(document);
  for (const fn of listeners) fn(code);
}

// fn(code) after every switch (for texts that are computed, e.g. timers).
export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

// Human sentence for a plugin error code (never the code itself).
export function errorText(code) {
  const key = `error.${code}`;
  return hasKey(key) ? t(key) : t('error.unknown');
}

// 75 -> "1:15 Min.", 3725 -> "1:02 Std."
export function duration(totalSeconds) {
  const s = Math.max(0, Math.floor(totalSeconds));
  if (s < 60) return t('time.seconds', { s });
  if (s < 3600) return t('time.minSec', { m: Math.floor(s / 60), s: String(s % 60).padStart(2, '0') });
  return t('time.hourMin', { h: Math.floor(s / 3600), m: String(Math.floor((s % 3600) / 60)).padStart(2, '0') });
}

export function formatTime(date) {
  return new Intl.DateTimeFormat(current === 'de' ? 'de-DE' : 'en-GB', { hour: '2-digit', minute: '2-digit' }).format(date);
}

export function formatDate(date) {
  return new Intl.DateTimeFormat(current === 'de' ? 'de-DE' : 'en-GB', { weekday: 'long', day: 'numeric', month: 'long' }).format(date);
}
