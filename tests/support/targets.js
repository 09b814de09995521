'use strict';
// Finding an element the way a person does, inside the page (the same code
// for Chromium and Firefox): a form field by its label, a button or link by
// its name. TestPage.pick() runs RESOLVE_TARGET through page.evaluate and
// clicks / fills the element through the CSS selector it returns.
//
// Names, as far as the page needs (a small part of the accessible-name rules):
// aria-labelledby, then aria-label, then (fields) the <label>s, (buttons and
// links) the text; whitespace collapsed. exact: the whole name; otherwise a
// case-insensitive part of it. Only shown elements count (not inside
// [hidden], a closed <dialog> or display: none); more than one match is a
// problem, as playwright's strict mode has it.

// Runs in the page: ({ label | button | link, exact, within, n }) -> { selector } | { problem }.
// within: a CSS selector of the element to look inside (e.g. a dialog).
function RESOLVE_TARGET({ label, button, link, exact = false, within = null, n }) {
  const root = within ? document.querySelector(within) : document;
  if (!root) return { problem: `no ${within}` };
  const norm = (s) => String(s || '').replace(/\s+/g, ' ').trim();
  const textOf = (el) => norm(el ? el.textContent : '');
  const nameOf = (el, useLabels) => {
    const by = el.getAttribute('aria-labelledby');
    if (by) return norm(by.split(/\s+/).map((id) => textOf(document.getElementById(id))).join(' '));
    const aria = el.getAttribute('aria-label');
    if (aria && norm(aria)) return norm(aria);
    if (useLabels) return norm([...(el.labels || [])].map((l) => l.textContent).join(' '));
    if (el.tagName === 'INPUT') return norm(el.value);
    return textOf(el);
  };
  const shown = (el) => {
    if (el.closest('[hidden]') || el.closest('dialog:not([open])')) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  };
  let want;
  let candidates;
  let useLabels = false;
  if (label !== undefined) {
    want = label;
    useLabels = true;
    candidates = root.querySelectorAll('input:not([type=hidden]), select, textarea, [role=checkbox], [role=textbox]');
  } else if (button !== undefined) {
    want = button;
    candidates = root.querySelectorAll('button, [role=button], input[type=submit], input[type=button]');
  } else if (link !== undefined) {
    want = link;
    candidates = root.querySelectorAll('a[href], [role=link]');
  } else {
    return { problem: 'nothing to look for' };
  }
  const target = norm(want);
  const matches = [...candidates].filter((el) => {
    const name = nameOf(el, useLabels);
    return (exact ? name === target : name.toLowerCase().includes(target.toLowerCase())) && shown(el);
  });
  if (matches.length !== 1) return { problem: `${matches.length} shown elements named "${target}"` };
  for (const el of document.querySelectorAll(`[data-e2e-pick="${n}"]`)) el.removeAttribute('data-e2e-pick');
  matches[0].setAttribute('data-e2e-pick', String(n));
  return { selector: `[data-e2e-pick="${n}"]` };
}

module.exports = { RESOLVE_TARGET };
