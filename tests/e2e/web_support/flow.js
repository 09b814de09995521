'use strict';
// Steps of the web page tests, done the way a person does them (labels,
// buttons, keyboard), and the screenshots every test leaves in
// tests/e2e/test-output/web/ (checked not to be blank). Only TestPage's own
// methods are used, so every step works in Chromium and in Firefox.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const { OUTPUT } = require('../../support/world');
const { colorStats } = require('./png');

const SHOTS = path.join(OUTPUT, 'web');

// Saves a full-page screenshot as test-output/web/<name>.png and checks it is
// not blank (enough distinct colours, no single colour covering the page).
async function shot(tp, name, { minColors = 16 } = {}) {
  fs.mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  await tp.evaluate(() => document.fonts && document.fonts.ready.then(() => true));
  const buf = await tp.screenshot({ path: file });
  const st = colorStats(buf);
  assert.ok(
    st.colors >= minColors && st.dominantShare < 0.97,
    `${name}.png looks blank: ${st.colors} colours, ${(st.dominantShare * 100).toFixed(1)}% one colour`,
  );
  return { file, ...st };
}

// The id of the screen that is showing.
function screenOf(tp) {
  return tp.evaluate(() => {
    const s = document.querySelector('main > .screen:not([hidden])');
    return s ? s.id : null;
  });
}

async function waitScreen(tp, id, { timeout = 20000 } = {}) {
  try {
    await tp.waitVisible(`#${id}:not([hidden])`, { timeout });
  } catch (err) {
    const now = await screenOf(tp).catch(() => '?');
    const kind = await tp.evaluate(() => document.getElementById('screen-end').dataset.kind).catch(() => '?');
    err.message += ` (${tp.name} shows ${now}${now === 'screen-end' ? `: ${kind}` : ''}; console:\n${tp.logs.slice(-15).join('\n')})`;
    throw err;
  }
}

// The end screen's kind (denied, removed, ended, invalid, ...), after waiting for it.
async function endKind(tp, { timeout = 20000 } = {}) {
  await waitScreen(tp, 'screen-end', { timeout });
  return tp.evaluate(() => document.getElementById('screen-end').dataset.kind);
}

// The practitioner fills in the form and creates a session; returns { links: {label: url}, password? }.
// recording: true picks "only with everyone's consent" (which turns E2EE off);
// e2ee: false unticks end-to-end encryption (on by default).
async function createSession(p, { key, labels, title, password = false, recording = false, e2ee = true, shots = null }) {
  await waitScreen(p, 'screen-practitioner');
  await p.fill({ label: 'Praxisschlüssel' }, key);
  if (title) await p.fill({ label: 'Titel (optional)' }, title);
  for (const [i, label] of labels.entries()) {
    if (!(await p.evaluate((id) => !!document.getElementById(id), `invitee-${i + 1}`))) await p.click({ button: 'Person hinzufügen' });
    await p.fill({ label: `Bezeichnung von Person ${i + 1}` }, label);
  }
  if (password) await p.check({ label: 'Zusätzlich ein Raumpasswort erzeugen' });
  if (recording) await p.check({ label: 'Nur mit Zustimmung aller Beteiligten' });
  if (!e2ee && !recording) await p.check({ label: 'Ende-zu-Ende-Verschlüsselung' }, false);
  if (shots) await shot(p, shots);
  await p.click({ button: 'Sitzung erstellen' });
  await waitScreen(p, 'screen-links');
  const links = {};
  for (const label of labels) links[label] = await p.inputValue({ label, exact: true });
  const out = { links };
  if (password) out.password = await p.inputValue('#room-password-value');
  return out;
}

// From the links screen through the moderator's pre-join into the session.
async function enterAsModerator(p, name, { shots = null } = {}) {
  await p.click({ button: 'Als Gesprächsleitung eintreten' });
  await waitScreen(p, 'screen-prejoin');
  await p.fill({ label: 'Ihr Name' }, name);
  if (shots) await waitForPreview(p).then(() => shot(p, shots));
  await p.click({ button: 'Eintreten', exact: true });
  await waitScreen(p, 'screen-session');
}

async function waitForPreview(tp) {
  await tp.waitForFunction(() => {
    const v = document.getElementById('preview-video');
    return v && !v.hidden && v.readyState >= 2 && v.videoWidth > 0;
  }, null, { timeout: 15000 });
}

// Opens a personal link, acknowledges the notice, enters the name and joins;
// waits for the waiting screen unless expect names another screen.
// engine, touch, initScripts, browser: as env.open.
async function openLinkAndJoin(env, url, name, { viewport, expect = 'screen-waiting', shots = null, pageName, engine, touch, initScripts, browser } = {}) {
  const tp = await env.open(url, { name: pageName || `client-${name}`, viewport, engine, touch, initScripts, browser });
  await waitScreen(tp, 'screen-prejoin');
  await tp.check({ label: 'Ich habe den Hinweis gelesen und halte mich daran.' });
  await tp.fill({ label: 'Ihr Name' }, name);
  if (shots) await waitForPreview(tp).then(() => shot(tp, shots));
  await tp.click({ button: 'Eintreten', exact: true });
  if (expect) await waitScreen(tp, expect);
  return tp;
}

// Names waiting in the moderator's lobby list.
function lobbyNames(p) {
  return p.evaluate(() => [...document.querySelectorAll('#lobby-list .lobby-name')].map((e) => e.textContent));
}

async function waitLobby(p, names, { timeout = 15000 } = {}) {
  await p.waitForFunction(
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
  return p.evaluate(() => [...document.querySelectorAll('#tiles .tile')].map((e) => e.dataset.pid && e.querySelector('.tile-name').firstChild.textContent.replace(/ \(Sie\)$/, '')));
}

async function waitTiles(p, count, { timeout = 15000 } = {}) {
  await p.waitForFunction((n) => document.querySelectorAll('#tiles .tile').length === n, count, { timeout });
}

// Answers the confirmation dialog (the one open) with its confirm button.
async function confirm(p, buttonName) {
  await p.waitVisible('#dlg-confirm');
  await p.click({ button: buttonName, within: '#dlg-confirm' });
  await p.waitVisible('#dlg-confirm', { hidden: true });
}

// The host's lobby and tile actions, by the person's name.
async function admit(host, name) {
  await host.click({ button: `Einlassen: ${name}`, exact: true });
}

// "Nicht jetzt" (may knock again) or, with final, "Gar nicht" (the link burned).
async function deny(host, name, { final = false } = {}) {
  await host.click({ button: `Abweisen: ${name}`, exact: true });
  await confirm(host, final ? 'Gar nicht' : 'Nicht jetzt');
}

async function removePerson(host, name) {
  await host.click({ button: `Entfernen: ${name}`, exact: true });
  await confirm(host, 'Entfernen');
}

async function endSession(host) {
  await host.click({ button: 'Sitzung beenden', exact: true });
  await confirm(host, 'Sitzung beenden');
}

// Sends `text` in the chat of `from` (once its chat is open).
async function sendChat(from, text) {
  await from.waitVisible('#chat-input:not([disabled])', { timeout: 20000 });
  await from.fill({ label: 'Nachricht an alle im Raum' }, text);
  await from.click({ button: 'Senden', exact: true });
}

// Waits until `to` shows a chat line from `name` with `text`; returns the line.
async function waitChat(to, name, text, { timeout = 15000 } = {}) {
  await to.waitForFunction(
    ({ name: n, text: x }) => [...document.querySelectorAll('#chat-log .chat-item')].some((li) => li.textContent.startsWith(`${n}: `) && li.textContent.includes(x)),
    { name, text },
    { timeout },
  );
}

// How the page encrypts frames: 'script' (RTCRtpScriptTransform in a worker)
// or 'encoded' (createEncodedStreams on the main thread); null without E2EE.
function e2eeMode(tp) {
  return tp.evaluate(async () => {
    const { E2EE } = await import('./e2ee/index.js');
    return E2EE.session ? E2EE.session.state().mode : null;
  });
}

// The E2EE code the session bar shows (null when there is none).
function e2eeCode(tp) {
  return tp.evaluate(() => {
    const el = document.getElementById('e2ee-code');
    return el ? el.textContent : null;
  });
}

module.exports = {
  admit,
  deny,
  removePerson,
  endSession,
  sendChat,
  waitChat,
  e2eeCode,
  e2eeMode,
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
