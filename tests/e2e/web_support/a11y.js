'use strict';
// Keyboard-only checks of a screen: Tab from the top until focus comes back,
// and for every control on the way its accessible name (Playwright's ARIA
// snapshot) and a visible focus indicator; every visible, enabled control of
// the screen must have been reached.

const assert = require('node:assert/strict');

// Marks the focused element and describes it (in the page).
function describeFocus() {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  if (!el.dataset.tabstop) el.dataset.tabstop = String(Math.random()).slice(2);
  const cs = getComputedStyle(el);
  const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2;
  const ring = cs.boxShadow && cs.boxShadow !== 'none';
  return {
    stop: el.dataset.tabstop,
    tag: el.tagName.toLowerCase(),
    id: el.id || null,
    visibleFocus: outline || ring,
  };
}

// Role and accessible name of a marked element from Playwright's ARIA
// snapshot ("- button \"Name\""). A <summary> appears as "- text: Name"
// there (Chromium gives it no ARIA role of its own); its text is its name.
async function accessibleName(page, stop) {
  const loc = page.locator(`[data-tabstop="${stop}"]`);
  const snap = ((await loc.ariaSnapshot().catch(() => '')) || '').trim().split('\n')[0];
  // YAML quotes the whole key when the name holds a colon: - 'button "A: B"': text
  let m = /^- '?(\w+)(?: "((?:[^"\\]|\\.)*)")?/.exec(snap);
  if (m && m[1] === 'text' && (await loc.evaluate((el) => el.tagName === 'SUMMARY'))) {
    m = /^- text: (.+)$/.exec(snap);
    return { role: 'summary', name: m ? m[1].trim() : '', snap };
  }
  return { role: m ? m[1] : null, name: m && m[2] ? m[2] : '', snap };
}

// Every control a keyboard user must be able to reach on the visible screen
// (and the top bar), marked with data-control.
function markControls() {
  const visible = (el) => {
    if (el.closest('[hidden]') || el.closest('dialog:not([open])')) return false;
    const r = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none';
  };
  const scope = document.querySelector('dialog[open]') || document;
  const list = [...scope.querySelectorAll('button, input, select, textarea, summary, a[href], [tabindex]:not([tabindex="-1"])')]
    .filter((el) => !el.disabled && visible(el))
    // A radio group is one Tab stop (arrow keys move inside): its checked radio.
    .filter((el) => el.type !== 'radio' || el.checked || !document.querySelector(`input[type="radio"][name="${el.name}"]:checked`));
  list.forEach((el, i) => {
    el.dataset.control = String(i);
  });
  return list.map((el) => ({ control: el.dataset.control, tag: el.tagName.toLowerCase(), id: el.id || null, text: (el.textContent || el.value || '').trim().slice(0, 40) }));
}

// Tabs through the page; returns [{ tag, id, name, role, visibleFocus }].
async function tabWalk(tp, { max = 80 } = {}) {
  const page = tp.page;
  const controls = await page.evaluate(markControls);
  await startAtTop(tp);
  const seen = [];
  const stops = new Set();
  let prev = null;
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press('Tab');
    const d = await page.evaluate(describeFocus);
    if (!d) continue;
    if (d.stop === prev) continue; // inside one control (the parts of a date field)
    prev = d.stop;
    if (stops.has(d.stop)) break; // round trip complete
    stops.add(d.stop);
    const { role, name, snap } = await accessibleName(page, d.stop);
    seen.push({ ...d, role, name, snap });
  }
  const reached = new Set(
    await page.evaluate(() => [...document.querySelectorAll('[data-tabstop]')].filter((el) => el.dataset.control).map((el) => el.dataset.control)),
  );
  const missed = controls.filter((c) => !reached.has(c.control));
  return { seen, missed, controls };
}

// Asserts the walk reached every control, each with a name and a visible focus.
async function assertKeyboardScreen(tp, label, options) {
  const { seen, missed } = await tabWalk(tp, options);
  assert.ok(seen.length > 0, `${label}: Tab reached nothing`);
  assert.deepEqual(missed, [], `${label}: controls Tab never reached: ${JSON.stringify(missed)}`);
  const unnamed = seen.filter((s) => !s.name);
  assert.deepEqual(unnamed, [], `${label}: controls without an accessible name: ${JSON.stringify(unnamed)}`);
  const noRing = seen.filter((s) => !s.visibleFocus);
  assert.deepEqual(noRing, [], `${label}: controls without a visible focus indicator: ${JSON.stringify(noRing)}`);
  return seen;
}

// Puts the keyboard's starting point at the top of the page (a click on the
// empty top bar, or into an open dialog's heading).
async function startAtTop(tp) {
  const page = tp.page;
  const dialogOpen = await page.evaluate(() => !!document.querySelector('dialog[open]'));
  if (dialogOpen) {
    const box = await page.locator('dialog[open] h2').boundingBox();
    await page.mouse.click(box.x + 2, box.y + 2);
  } else {
    await page.evaluate(() => window.scrollTo(0, 0));
    const box = await page.locator('.topbar').boundingBox();
    await page.mouse.click(box.x + box.width / 2, box.y + 3);
  }
}

// Presses Tab until the focused control's accessible name matches `name`.
async function tabTo(tp, name, { max = 60 } = {}) {
  const page = tp.page;
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press('Tab');
    const d = await page.evaluate(describeFocus);
    if (!d) continue;
    const { name: got } = await accessibleName(page, d.stop);
    if (name instanceof RegExp ? name.test(got) : got === name) return;
  }
  throw new Error(`${tp.name}: Tab never reached a control named ${name}`);
}

module.exports = { tabWalk, assertKeyboardScreen, tabTo, startAtTop };
