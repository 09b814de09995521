'use strict';
// Recording with everyone's consent through the real web page (issue 5): the
// practitioner creates a "with consent" room, a client joins by her link and is
// admitted, the moderator asks, both answer in the page's consent dialog, the
// indicator shows every state on both pages, and after the end each page shows
// its own download link, served by web/server/serve.js from the plugin's rec_dir: the
// file the page downloads is an MP4 that ffprobe reads (H.264 + audio, the
// consented length). A "no" in the dialog and a withdrawn yes leave nothing.
//
//   cd tests/e2e && ./run-in-netns.sh node --test web_recording.test.js     (~2 min)

const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { test } = require('node:test');

const { COUNSEL_PLUGIN, COUNSEL_KEYGEN, sleep, runWeb } = require('../support');
const { waitScreen, endKind, createSession, enterAsModerator, openLinkAndJoin, waitLobby, waitTiles, confirm } = require('./web_support/flow');

const built = fs.existsSync(COUNSEL_PLUGIN) && fs.existsSync(COUNSEL_KEYGEN);
const tools = ['/usr/bin/ffprobe', '/usr/bin/ffmpeg', '/usr/bin/janus-pp-rec'].every((f) => fs.existsSync(f));
const skip = (!built && `not built: ${COUNSEL_PLUGIN}`) || (!tools && 'needs ffmpeg and janus-tools');

const FINALIZE_TIMEOUT_MS = 120000;
const INDICATOR = {
  off: 'Keine Aufzeichnung',
  awaiting1: 'Aufzeichnung angefragt – 1 Antwort(en) fehlen',
  recording: 'Wird aufgezeichnet',
  stopped: 'Aufzeichnung beendet',
  aborted: 'Aufzeichnung abgebrochen – alles Aufgezeichnete wurde gelöscht',
};

const indicator = (tp) => tp.page.locator('#rec-indicator').innerText();

async function waitIndicator(tp, text, { timeout = 15000 } = {}) {
  await tp.page.waitForFunction((want) => document.getElementById('rec-indicator').textContent === want, text, { timeout });
  return Date.now();
}

// The consent dialog opens on its own; answer it with the named button.
async function answerConsent(tp, buttonName) {
  const dlg = tp.page.locator('#dlg-consent');
  await dlg.waitFor({ state: 'visible' });
  await dlg.getByRole('button', { name: buttonName }).click();
  await dlg.waitFor({ state: 'hidden' });
}

// Every file (not folder) below dir, relative.
function filesBelow(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

// A moderator and an admitted client "Kim" in a fresh recording room, media flowing.
async function recordingSession(env) {
  const mod = await env.open('', { name: 'moderator' });
  const { links } = await createSession(mod, { key: env.practitionerKey, labels: ['Klient'], recording: true });
  await enterAsModerator(mod, 'Dr. Berger');
  const kim = await openLinkAndJoin(env, links.Klient, 'Kim', { pageName: 'client-kim' });
  await waitLobby(mod, ['Kim']);
  await mod.page.getByRole('button', { name: 'Einlassen: Kim' }).click();
  await waitScreen(kim, 'screen-session');
  await waitTiles(kim, 2);
  await waitTiles(mod, 2);
  await mod.waitForMedia({ kinds: ['video', 'audio'], timeoutMs: 20000 });
  await kim.waitForMedia({ kinds: ['video', 'audio'], timeoutMs: 20000 });
  return { mod, kim };
}

async function askForConsent(mod) {
  await mod.page.getByRole('button', { name: 'Zustimmung zur Aufzeichnung erfragen' }).click();
  await confirm(mod, 'Zustimmung zur Aufzeichnung erfragen');
}

async function endFromModerator(mod, kim) {
  await mod.page.getByRole('button', { name: 'Sitzung beenden' }).click();
  await confirm(mod, 'Sitzung beenden');
  assert.equal(await endKind(mod), 'endedModerator');
  assert.equal(await endKind(kim), 'ended');
}

async function downloadHref(tp) {
  const link = tp.page.locator('#rec-download-link');
  await link.waitFor({ state: 'visible', timeout: 5000 });
  return link.getAttribute('href');
}

test('both consent in the page: one MP4, downloaded through each page\'s own link', { skip }, (t) =>
  runWeb(t, { timeoutMs: 300000 }, async (env) => {
    const { mod, kim } = await recordingSession(env);
    // Only a recording room shows the controls; nothing is recorded yet.
    assert.equal(await indicator(mod), INDICATOR.off);
    assert.equal(await indicator(kim), INDICATOR.off);
    assert.equal(await kim.page.locator('#btn-rec-request').isVisible(), false, 'only the moderator can ask');

    await askForConsent(mod);
    // The dialog says what "no" means before anyone answers.
    const text = await kim.page.locator('#dlg-consent').innerText();
    assert.match(text, /beendet die Aufzeichnung sofort und löscht alles/);
    await answerConsent(kim, 'Ja, ich stimme zu');
    await waitIndicator(kim, INDICATOR.awaiting1);
    assert.deepEqual(filesBelow(env.janus.recDir), [], 'not one file before everyone said yes');
    await answerConsent(mod, 'Ja, ich stimme zu');
    const started = await waitIndicator(mod, INDICATOR.recording);
    await waitIndicator(kim, INDICATOR.recording);
    assert.equal(await kim.page.locator('#rec-indicator').getAttribute('class'), 'badge rec-badge rec-live');
    assert.ok(await kim.page.locator('#btn-rec-withdraw').isVisible(), 'a yes can be taken back');

    await sleep(6000);
    await mod.page.getByRole('button', { name: 'Aufzeichnung beenden' }).click();
    const stopped = await waitIndicator(mod, INDICATOR.stopped);
    await waitIndicator(kim, INDICATOR.stopped);
    const consentedS = (stopped - started) / 1000;
    await endFromModerator(mod, kim);

    // Each page shows its own private link with the retention; the two differ.
    const fromMod = await downloadHref(mod);
    const fromKim = await downloadHref(kim);
    // Relative to the page, so a node behind a path prefix serves its own (README "Many nodes").
    assert.match(fromMod, /^rec\/[A-Za-z0-9_-]{22}$/);
    assert.match(fromKim, /^rec\/[A-Za-z0-9_-]{22}$/);
    assert.notEqual(fromMod, fromKim);
    assert.match(await kim.page.locator('#end-download').innerText(), /7 Tage lang/);

    // The link answers once the background finalization is done.
    const deadline = Date.now() + FINALIZE_TIMEOUT_MS;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      status = (await fetch(`${env.web.origin}/${fromKim}`, { method: 'HEAD' })).status;
      if (status !== 200) await sleep(500);
    }
    assert.equal(status, 200, 'the recording was finalized and is served');
    t.diagnostic(`finalized ${((Date.now() - stopped) / 1000).toFixed(1)} s after the stop`);

    // The page's own link downloads it (same origin, served by web/server/serve.js).
    const [download] = await Promise.all([kim.page.waitForEvent('download'), kim.page.locator('#rec-download-link').click()]);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'counsel-web-rec-')), 'recording.mp4');
    await download.saveAs(file);
    try {
      const probe = JSON.parse(
        execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name:format=duration,format_name', '-of', 'json', file], { encoding: 'utf8' }),
      );
      t.diagnostic(`ffprobe: ${JSON.stringify(probe)}; consented ${consentedS.toFixed(1)} s`);
      assert.match(probe.format.format_name, /mp4/);
      assert.deepEqual(probe.streams.map((s) => s.codec_type).sort(), ['audio', 'video']);
      assert.equal(probe.streams.find((s) => s.codec_type === 'video').codec_name, 'h264');
      assert.ok(Math.abs(Number(probe.format.duration) - consentedS) <= 2, `duration ${probe.format.duration} s vs consented ${consentedS} s`);
      // The moderator's link opens the same file.
      const same = await fetch(`${env.web.origin}/${fromMod}`);
      assert.equal(same.status, 200);
      assert.equal((await same.arrayBuffer()).byteLength, fs.statSync(file).size);
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
    // A made-up link is the same 404 as an expired one.
    assert.equal((await fetch(`${env.web.origin}/rec/AAAAAAAAAAAAAAAAAAAAAA`)).status, 404);
  }),
);

test('a "no" in the dialog and a withdrawn yes: aborted on both pages, nothing kept, no link', { skip }, (t) =>
  runWeb(t, { timeoutMs: 240000 }, async (env) => {
    const { mod, kim } = await recordingSession(env);

    // 1. The client answers "no": nothing was ever written.
    await askForConsent(mod);
    await answerConsent(mod, 'Ja, ich stimme zu');
    await answerConsent(kim, 'Nein, nicht aufzeichnen');
    await waitIndicator(mod, INDICATOR.aborted);
    await waitIndicator(kim, INDICATOR.aborted);
    assert.deepEqual(filesBelow(env.janus.recDir), [], 'a "no" before anything was recorded leaves no file');

    // 2. Asked again, both say yes, then the client takes it back while recording.
    await askForConsent(mod);
    await answerConsent(kim, 'Ja, ich stimme zu');
    await answerConsent(mod, 'Ja, ich stimme zu');
    await waitIndicator(kim, INDICATOR.recording);
    await sleep(3000);
    assert.ok(filesBelow(env.janus.recDir).some((f) => f.endsWith('.mjr')), 'tracks are written while everyone consents');
    await kim.page.getByRole('button', { name: 'Zustimmung zurückziehen' }).click();
    await confirm(kim, 'Zustimmung zurückziehen');
    await waitIndicator(mod, INDICATOR.aborted);
    await waitIndicator(kim, INDICATOR.aborted);
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && filesBelow(env.janus.recDir).length) await sleep(100);
    assert.deepEqual(filesBelow(env.janus.recDir), [], 'the withdrawn recording is deleted');

    // After the end, neither page offers a link.
    await endFromModerator(mod, kim);
    assert.equal(await mod.page.locator('#end-download').isVisible(), false);
    assert.equal(await kim.page.locator('#end-download').isVisible(), false);
  }),
);
