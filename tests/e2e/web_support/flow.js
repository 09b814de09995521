'use strict';
// Steps of the web page tests, done the way a person does them (labels,
// buttons, keyboard), and the screenshots every test leaves in
// tests/e2e/test-output/web/ (checked not to be blank).

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const { OUTPUT } = require('./env');
const { colorStats } = require('./png');

const SHOTS = path.join(OUTPUT, 'web');

// Saves a full-page screenshot as test-output/web/<name>.png and checks it is
// not blank (enough distinct colours, no single colour covering the page).
async function shot(tp, name, { minColors = 16 } = {}) {
  fs.mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  await tp.page.evaluate(() => document.fonts && document.fonts.ready);
  const buf = await tp.page.screenshot({ path: file, fullPage: true, animations: 'disabled', caret: 'hide' });
  const st = colorStats(buf);
  assert.ok(
    st.colors >= minColors && st.dominantShare < 0.97,
    `${name}.png looks blank: ${st.colors} colours, ${(st.dominantShare * 100).toFixed(1)}% one colour`,
  );
  return { file, ...st };
}

// The id of the screen that is showing.
function screenOf(tp) {
  return tp.page.evaluate(() => {
    const s = document.querySelector('main > .screen:not([hidden])');
    return s ? s.id : null;
  });
}

async function waitScreen(tp, id, { timeout = 20000 } = {}) {
  try {
    await tp.page.waitForSelector(`#${id}:not([hidden])`, { timeout });
  } catch (err) {
    const now = await screenOf(tp).catch(() => '?');
    const kind = await tp.page.evaluate(() => document.getElementById('screen-end').dataset.kind).catch(() => '?');
    err.message += ` (${tp.name} shows ${now}${now === 'screen-end' ? `: ${kind}` : ''}; console:\n${tp.logs.slice(-15).join('\n')})`;
    throw err;
  }
}

// The end screen's kind (denied, removed, ended, invalid, ...), after waiting for it.
async function endKind(tp, { timeout = 20000 } = {}) {
  await waitScreen(tp, 'screen-end', { timeout });
  return tp.page.evaluate(() => document.getElementById('screen-end').dataset.kind);
}

// The practitioner fills in the form and creates a session; returns { links: {label: url}, password? }.
// recording: true picks "only with everyone's consent" (which turns E2EE off);
// e2ee: false unticks end-to-end encryption (on by default).
async function createSession(p, { key, labels, title, password = false, recording = false, e2ee = true, shots = null }) {
  const page = p.page;
  await waitScreen(p, 'screen-practitioner');
  await page.getByLabel('Praxisschlüssel').fill(key);
  if (title) await page.getByLabel('Titel (optional)').fill(title);
  for (const [i, label] of labels.entries()) {
    if ((await page.locator(`#invitee-${i + 1}`).count()) === 0) await page.getByRole('button', { name: 'Person hinzufügen' }).click();
    await page.getByLabel(`Bezeichnung von Person ${i + 1}`).fill(label);
  }
  if (password) await page.getByLabel('Zusätzlich ein Raumpasswort erzeugen').check();
  if (recording) await page.getByLabel('Nur mit Zustimmung aller Beteiligten').check();
  if (!e2ee && !recording) await page.getByLabel('Ende-zu-Ende-Verschlüsselung').uncheck();
  if (shots) await shot(p, shots);
  await page.getByRole('button', { name: 'Sitzung erstellen' }).click();
  await waitScreen(p, 'screen-links');
  const links = {};
  for (const label of labels) links[label] = await page.getByLabel(label, { exact: true }).inputValue();
  const out = { links };
  if (password) out.password = await page.locator('#room-password-value').inputValue();
  return out;
}

// From the links screen through the moderator's pre-join into the session.
async function enterAsModerator(p, name, { shots = null } = {}) {
  const page = p.page;
  await page.getByRole('button', { name: 'Als Gesprächsleitung eintreten' }).click();
  await waitScreen(p, 'screen-prejoin');
  await page.getByLabel('Ihr Name').fill(name);
  if (shots) await waitForPreview(p).then(() => shot(p, shots));
  await page.getByRole('button', { name: 'Eintreten', exact: true }).click();
  await waitScreen(p, 'screen-session');
}

async function waitForPreview(tp) {
  await tp.page.waitForFunction(() => {
    const v = document.getElementById('preview-video');
    return v && !v.hidden && v.readyState >= 2 && v.videoWidth > 0;
  }, null, { timeout: 15000 });
}

// Opens a personal link, acknowledges the notice, enters the name and joins;
// waits for the waiting screen unless expect names another screen.
async function openLinkAndJoin(env, url, name, { viewport, expect = 'screen-waiting', shots = null, pageName } = {}) {
  const tp = await env.open(url, { name: pageName || `client-${name}`, viewport });
  await waitScreen(tp, 'screen-prejoin');
  await tp.page.getByLabel('Ich habe den Hinweis gelesen und halte mich daran.').check();
  await tp.page.getByLabel('Ihr Name').fill(name);
  if (shots) await waitForPreview(tp).then(() => shot(tp, shots));
  await tp.page.getByRole('button', { name: 'Eintreten', exact: true }).click();
  if (expect) await waitScreen(tp, expect);
  return tp;
}

// Names waiting in the moderator's lobby list.
function lobbyNames(p) {
  return p.page.$$eval('#lobby-list .lobby-name', (els) => els.map((e) => e.textContent));
}

async function waitLobby(p, names, { timeout = 15000 } = {}) {
  await p.page.waitForFunction(
    (want) => {
      const got = [...document.querySelectorAll('#lobby-list .lobby-name')].map((e) => e.textContent).sort();
      return JSON.stringify(got) === JSON.stringify([...want].sort());
    },
    names,
    { timeout },
  );
}

// Names on the tiles (own tile included, without the "(Sie)" suffix).
function tileNames(p) {
  return p.page.$$eval('#tiles .tile', (els) => els.map((e) => e.dataset.pid && e.querySelector('.tile-name').firstChild.textContent.replace(/ \(Sie\)$/, '')));
}

async function waitTiles(p, count, { timeout = 15000 } = {}) {
  await p.page.waitForFunction((n) => document.querySelectorAll('#tiles .tile').length === n, count, { timeout });
}

// Answers the confirmation dialog (the one open) with its confirm button.
async function confirm(p, buttonName) {
  const dlg = p.page.locator('#dlg-confirm');
  await dlg.waitFor({ state: 'visible' });
  await dlg.getByRole('button', { name: buttonName }).click();
  await dlg.waitFor({ state: 'hidden' });
}

module.exports = {
  SHOTS,
  shot,
  screenOf,
  waitScreen,
  endKind,
  createSession,
  enterAsModerator,
  waitForPreview,
  openLinkAndJoin,
  lobbyNames,
  waitLobby,
  tileNames,
  waitTiles,
  confirm,
};
