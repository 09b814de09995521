'use strict';
// Layout checks for small screens: nothing wider than the screen, every
// visible control inside it, and the session's own controls where a thumb
// reaches them. TestPage's own methods only (Chromium and Firefox).

const assert = require('node:assert/strict');

// Nothing sticks out to the right; every visible control is inside the screen.
async function assertFits(tp, label) {
  const r = await tp.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const outside = [...document.querySelectorAll('button, input, select, textarea, summary, video, h1, p, label')]
      .filter((el) => !el.closest('[hidden]') && !el.closest('dialog:not([open])'))
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.width > 0 && (r.left < -1 || r.right > width + 1))
      .map(({ el, r }) => `${el.tagName.toLowerCase()}#${el.id || ''}.${el.className} [${Math.round(r.left)}, ${Math.round(r.right)}]`);
    return { width, scrollWidth: document.documentElement.scrollWidth, outside };
  });
  assert.ok(r.scrollWidth <= r.width, `${label}: page is ${r.scrollWidth}px wide on a ${r.width}px screen`);
  assert.deepEqual(r.outside, [], `${label}: controls outside the screen`);
}

// Where the shown buttons of `ids` are, scrolled to the top of the page:
// { viewport: { width, height }, controls: { id: { top, bottom, left, right } } }.
function controlBoxes(tp, ids) {
  return tp.evaluate((list) => {
    window.scrollTo(0, 0);
    const controls = {};
    for (const id of list) {
      const el = document.getElementById(id);
      if (!el || el.hidden) continue;
      const r = el.getBoundingClientRect();
      controls[id] = { top: Math.round(r.top), bottom: Math.round(r.bottom), left: Math.round(r.left), right: Math.round(r.right) };
    }
    return { viewport: { width: window.innerWidth, height: window.innerHeight }, controls };
  }, ids);
}

// Every one of `ids` is shown without scrolling, inside the screen, and (with
// thumbZone) in its lower half, where the thumb of the hand holding the phone reaches.
async function assertControlsInReach(tp, ids, label, { thumbZone = false } = {}) {
  const { viewport, controls } = await controlBoxes(tp, ids);
  for (const id of ids) {
    const c = controls[id];
    assert.ok(c, `${label}: #${id} is shown`);
    assert.ok(c.top >= 0 && c.bottom <= viewport.height && c.left >= 0 && c.right <= viewport.width, `${label}: #${id} ${JSON.stringify(c)} inside the ${viewport.width}x${viewport.height} screen without scrolling`);
    if (thumbZone) assert.ok(c.top >= viewport.height / 2, `${label}: #${id} ${JSON.stringify(c)} in the lower half of the screen`);
  }
  return { viewport, controls };
}

module.exports = { assertFits, assertControlsInReach };
