'use strict';
// Browsers (issue 17): the page's whole flow in Firefox (Debian's firefox-esr,
// headless, through puppeteer-core) and in rooms that mix Firefox and
// Chromium, end-to-end encrypted and plain; and what Safari needs, in
// Chromium given Safari's traits (web_support/traits.js): the E2EE path with
// RTCRtpScriptTransform alone, and a client that offers only H.264.
//
//   1. e2ee room, Firefox practitioner and host; a Firefox and a Chromium
//      client; a third person denied "not at all" (final sentence, no retry);
//      all see and hear each other; chat; removal with key rotation; end
//   2. plain room, Chromium host; a Firefox client and a Chromium client that
//      offers (and has) only H.264; chat; removal; end
//   3. e2ee room, a "Safari" host (Chromium with script transforms only); a
//      Firefox client and a Chromium client that offers only H.264; chat; end
//
// In each room everyone sees and hears everyone (frames decoded, audio
// energy), except where a browser lacks the codec someone sends (the plugin
// forwards nobody a stream their browser cannot decode): a device with H.264
// alone gets no picture from VP8 senders, Debian's Firefox (no OpenH264
// plugin) none from an H.264 sender. Those tiles must say so in a sentence
// with what to use instead, and the sound must still come.
//
// Printed per page and person: video frames decoded and audio packets and
// energy over 3 s, the video codec that arrived, and how long the steps took.
//
//   cd tests/e2e && ./run-in-netns.sh node --test web_browsers.test.js

const assert = require('node:assert/strict');
const fs = require('node:fs');
const { test } = require('node:test');

const { COUNSEL_PLUGIN, COUNSEL_KEYGEN, runWeb } = require('../support');
const {
  admit,
  createSession,
  deny,
  e2eeCode,
  e2eeMode,
  endKind,
  endSession,
  enterAsModerator,
  openLinkAndJoin,
  removePerson,
  sendChat,
  shot,
  waitChat,
  waitLobby,
  waitScreen,
  waitTiles,
} = require('./web_support/flow');
const { untilFlowing, waitSeesAndHears } = require('./web_support/media');
const { H264_ONLY_OFFERS, SCRIPT_TRANSFORM_ONLY, SMALL_CAMERA } = require('./web_support/traits');

const built = fs.existsSync(COUNSEL_PLUGIN) && fs.existsSync(COUNSEL_KEYGEN);
const skip = !built && `not built: ${COUNSEL_PLUGIN}`;

// Thresholds for 3 s on a loaded 2-core machine (the fake cameras send ~30
// frames/s, audio 50 packets/s): media flows, not how well.
const MIN_FRAMES = 8;
const MIN_AUDIO_PACKETS = 40;
const WINDOWS = 5;

// Chromium's fake camera at 15 frames/s and 640x360 (Firefox is capped the
// same way in tests/support/firefox.js): a 3- or 4-person room's encoders and
// decoders on a shared 2-core machine.
const LIGHT = { browser: { args: ['--use-fake-device-for-media-stream=fps=15'] }, pageTimeoutMs: 45000 };
const CAM = [SMALL_CAMERA];

// A clock for the printed step times.
function stopwatch() {
  const t0 = Date.now();
  const marks = [];
  return {
    mark(what) {
      marks.push(`${what} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    },
    toString() {
      return marks.join(', ');
    },
  };
}

// Whether a person's measured media (perPerson) shows video (unless
// `picture` is false) and sound arriving.
function flows(p, picture = true) {
  return !!p && (!picture || p.frames >= MIN_FRAMES) && p.audioPackets >= MIN_AUDIO_PACKETS && p.audioEnergy > 0;
}

// The sentence on the tile of `name` on `tp` (null when the tile shows none).
function tileNote(tp, name) {
  return tp.evaluate((who) => {
    const tile = [...document.querySelectorAll('#tiles .tile')].find((el) => el.querySelector('.tile-name').textContent.startsWith(who));
    const note = tile && tile.querySelector('.tile-note');
    return note && !note.hidden ? note.textContent : null;
  }, name);
}

// Whether the browser of `tp` decodes H.264 (Debian's firefox-esr without
// the OpenH264 plugin, which Firefox elsewhere downloads, does not).
function decodesH264(tp) {
  return tp.evaluate(() => RTCRtpReceiver.getCapabilities('video').codecs.some((c) => c.mimeType.toLowerCase() === 'video/h264'));
}

// Every page of `pages` ({ name: tp }) sees and hears everyone else in
// `pages` — except that a page named in noPicture ({ who: { name: codec } })
// must instead show, on that tile, the sentence that this browser lacks
// `codec` for that person's picture (and still hear them). Per page, 3 s
// windows (at most WINDOWS: a starved machine stalls a sender now and then)
// until each person's media has flowed in one of them; printed: each
// person's best window.
async function assertEveryoneSeesAndHears(t, pages, { noPicture = {} } = {}) {
  const results = {};
  for (const [who, tp] of Object.entries(pages)) {
    const others = Object.keys(pages).filter((n) => n !== who);
    const blind = Object.keys(noPicture[who] || {});
    for (const other of blind) {
      await tp.waitForFunction((n) => [...document.querySelectorAll('#tiles .tile')].some((el) => el.querySelector('.tile-name').textContent.startsWith(n) && !el.querySelector('.tile-note').hidden), other, { timeout: 30000 });
      const note = await tileNote(tp, other);
      t.diagnostic(`${who} (${tp.engine}) on the tile of ${other}: "${note}"`);
      assert.ok(note.includes(`Das Bild von ${other} kann dieser Browser nicht zeigen: Ihm fehlt der Video-Codec ${noPicture[who][other]}.`), note);
      assert.match(note, /Ton und Chat funktionieren\. Für das Bild öffnen Sie Ihren Link in /);
    }
    await waitSeesAndHears(tp, others.filter((o) => !blind.includes(o)));
    const best = await untilFlowing(tp, others, (p, o) => flows(p, !blind.includes(o)), { windows: WINDOWS, log: (x) => t.diagnostic(`${who}: ${x}`) });
    results[who] = { people: best };
    t.diagnostic(`${who} (${tp.engine}): ${JSON.stringify(best)}`);
    for (const other of others) {
      const p = best[other];
      assert.ok(p, `${who} has a tile of ${other}: ${JSON.stringify(best)}`);
      if (!blind.includes(other)) assert.ok(p.frames >= MIN_FRAMES, `${who} decodes ${other}'s video: ${JSON.stringify(p)}`);
      assert.ok(p.audioPackets >= MIN_AUDIO_PACKETS, `${who} receives ${other}'s audio: ${JSON.stringify(p)}`);
      assert.ok(p.audioEnergy > 0, `${who} hears ${other} (audio energy): ${JSON.stringify(p)}`);
    }
  }
  return results;
}

// The links screen tells the personal links apart at a glance: the label
// first, then a line with a short start of the token that no other link has.
async function assertLinksDistinct(host, labels) {
  const rows = await host.evaluate(() =>
    [...document.querySelectorAll('#link-list .link-row')].map((li) => ({
      label: li.querySelector('.link-label').textContent,
      tag: li.querySelector('.link-tag').textContent,
      link: li.querySelector('input').value,
    })),
  );
  assert.deepEqual(rows.map((r) => r.label), labels);
  const tags = rows.map((r) => (r.tag.match(/token=([A-Za-z0-9_-]+)…/) || [])[1]);
  assert.equal(new Set(tags).size, labels.length, `distinct tags: ${JSON.stringify(rows.map((r) => r.tag))}`);
  rows.forEach((r, i) => {
    assert.ok(tags[i] && tags[i].length >= 5, r.tag);
    assert.ok(r.link.includes(`token=${tags[i]}`), `${r.tag} names its own link`);
    assert.match(r.tag, new RegExp(`Nr\\. ${i + 1}\\b`));
  });
  return rows.map((r) => r.tag);
}

test('browsers: e2ee room with a Firefox host, a Firefox and a Chromium client; a final denial; chat, removal with a new key, end', { skip }, (t) =>
  runWeb(t, { ...LIGHT, timeoutMs: 300000 }, async (env) => {
    const clock = stopwatch();
    const host = await env.open('', { name: 'ff-host', engine: 'firefox' });
    clock.mark('Firefox open');
    const ua = await host.evaluate(() => navigator.userAgent);
    t.diagnostic(`host: ${ua}`);
    const { links } = await createSession(host, { key: env.practitionerKey, labels: ['Klientin', 'Vater', 'Gast'] });
    const tags = await assertLinksDistinct(host, ['Klientin', 'Vater', 'Gast']);
    t.diagnostic(`links screen: ${tags.join(' | ')}`);
    assert.ok(links.Klientin.includes('&k='), 'an e2ee room: the key is in the links');
    await shot(host, 'browsers-01-firefox-links');
    await enterAsModerator(host, 'Dr. Falk');
    clock.mark('host in');

    const fiona = await openLinkAndJoin(env, links.Klientin, 'Fiona', { engine: 'firefox', pageName: 'ff-client-fiona' });
    // Chris sends one layer (?simulcast=0): test 3 has Chromium's three layers
    // reaching Firefox; here, on a starved machine, a sender that keeps
    // dropping its top layer keeps the plugin switching the receivers' layer
    // (each switch waits for a key frame) and little would be left to measure.
    const chris = await openLinkAndJoin(env, links.Vater.replace('/#', '/?simulcast=0#'), 'Chris', { pageName: 'cr-client-chris', initScripts: CAM });
    const gina = await openLinkAndJoin(env, links.Gast, 'Gina', { pageName: 'cr-client-gina', initScripts: CAM });
    await waitLobby(host, ['Fiona', 'Chris', 'Gina']);
    clock.mark('three in the lobby');

    // "Not at all": a final sentence and no way to knock again.
    await deny(host, 'Gina', { final: true });
    assert.equal(await endKind(gina), 'deniedFinal');
    const ginaEnd = await gina.evaluate(() => ({ text: document.getElementById('end-text').textContent, buttons: document.querySelectorAll('#end-actions button').length }));
    assert.equal(ginaEnd.buttons, 0, 'no "try again" after a final denial');
    assert.match(ginaEnd.text, /Ihr Link gilt nicht mehr/);
    await shot(gina, 'browsers-02-denied-final');
    await gina.close(); // one page less for the machine to run

    await admit(host, 'Fiona');
    await admit(host, 'Chris');
    await waitScreen(fiona, 'screen-session');
    await waitScreen(chris, 'screen-session');
    for (const tp of [host, fiona, chris]) await waitTiles(tp, 3);
    clock.mark('admitted');

    await assertEveryoneSeesAndHears(t, { 'Dr. Falk': host, Fiona: fiona, Chris: chris });
    clock.mark('everyone sees and hears everyone');
    const codes = await Promise.all([host, fiona, chris].map(e2eeCode));
    const modes = await Promise.all([host, fiona, chris].map(e2eeMode));
    t.diagnostic(`e2ee codes: ${codes.join(' / ')}; frames encrypted by ${modes.join(' / ')}`);
    assert.deepEqual(modes, ['script', 'script', 'script'], 'every page runs the worker (RTCRtpScriptTransform)');
    assert.ok(codes[0] && codes.every((c) => c === codes[0]), `one code on every page: ${codes}`);

    await sendChat(fiona, 'Hallo aus Firefox – ü, ß');
    await waitChat(host, 'Fiona', 'Hallo aus Firefox – ü, ß');
    await waitChat(chris, 'Fiona', 'Hallo aus Firefox – ü, ß');
    await sendChat(host, 'Willkommen, Fiona.');
    await waitChat(fiona, 'Dr. Falk', 'Willkommen, Fiona.');
    await shot(fiona, 'browsers-03-firefox-client-session', { minColors: 32 });
    await shot(host, 'browsers-04-firefox-host-session', { minColors: 32 });
    clock.mark('chat both ways');

    // Removing Chris: a new key for the rest, Fiona (Firefox) takes it and keeps decoding.
    await removePerson(host, 'Chris');
    assert.equal(await endKind(chris), 'removed');
    await waitTiles(host, 2);
    await waitTiles(fiona, 2);
    await fiona.waitForFunction((old) => {
      const el = document.getElementById('e2ee-code');
      return el && el.textContent !== old;
    }, codes[0], { timeout: 20000 });
    const [hostCode, fionaCode] = await Promise.all([e2eeCode(host), e2eeCode(fiona)]);
    assert.equal(fionaCode, hostCode, 'the same new code after the rotation');
    await fiona.sleep(1500);
    const video = (p) => p.frames >= MIN_FRAMES;
    const after = await untilFlowing(fiona, ['Dr. Falk'], video, { windows: WINDOWS });
    const afterHost = await untilFlowing(host, ['Fiona'], video, { windows: WINDOWS });
    t.diagnostic(`after the rotation: Fiona ${JSON.stringify(after)}, host ${JSON.stringify(afterHost)}`);
    assert.ok(video(after['Dr. Falk']), 'Fiona decodes the host under the new key');
    assert.ok(video(afterHost.Fiona), 'the host decodes Fiona under the new key');
    clock.mark('removed, new key');

    await endSession(host);
    assert.equal(await endKind(host), 'endedModerator');
    assert.equal(await endKind(fiona), 'ended');
    clock.mark('ended');
    t.diagnostic(`times: ${clock}`);
  }));

test('browsers: plain room with a Chromium host, a Firefox client and a client that offers only H.264; chat, removal, end', { skip }, (t) =>
  runWeb(t, { ...LIGHT, timeoutMs: 240000 }, async (env) => {
    const clock = stopwatch();
    const host = await env.open('', { name: 'cr-host', initScripts: CAM });
    const { links } = await createSession(host, { key: env.practitionerKey, labels: ['Schüler', 'Mutter'], e2ee: false });
    await assertLinksDistinct(host, ['Schüler', 'Mutter']);
    assert.ok(!links.Mutter.includes('&k='), 'a plain room: no key in the links');
    await enterAsModerator(host, 'Frau Berg');
    const felix = await openLinkAndJoin(env, links['Schüler'], 'Felix', { engine: 'firefox', pageName: 'ff-client-felix' });
    const hanna = await openLinkAndJoin(env, links.Mutter, 'Hanna', { pageName: 'cr-h264-hanna', initScripts: [...CAM, H264_ONLY_OFFERS] });
    await waitLobby(host, ['Felix', 'Hanna']);
    await admit(host, 'Felix');
    await admit(host, 'Hanna');
    for (const tp of [host, felix, hanna]) await waitTiles(tp, 3);
    clock.mark('admitted');

    // Hanna's own offer listed H.264 only, so H.264 is what she sends and what the others decode;
    // a Firefox without H.264 says on her tile that it cannot show her picture, and hears her.
    const ffH264 = await decodesH264(felix);
    t.diagnostic(`Firefox decodes H.264: ${ffH264}`);
    const seen = await assertEveryoneSeesAndHears(t, { 'Frau Berg': host, Felix: felix, Hanna: hanna }, {
      noPicture: { Hanna: { 'Frau Berg': 'VP8', Felix: 'VP8' }, ...(ffH264 ? {} : { Felix: { Hanna: 'H.264' } }) },
    });
    const sent = await hanna.evaluate(async () => {
      const out = new Set();
      for (const pc of window.__e2e.pcs) {
        const report = await pc.getStats();
        report.forEach((r) => {
          if (r.type === 'outbound-rtp' && r.kind === 'video' && r.codecId && r.packetsSent > 0) out.add((report.get(r.codecId) || {}).mimeType);
        });
      }
      return [...out];
    });
    t.diagnostic(`Hanna sends ${sent.join(', ')}; the host decodes ${seen['Frau Berg'].people.Hanna.videoCodec}, Felix ${seen.Felix.people.Hanna.videoCodec}`);
    assert.deepEqual(sent, ['video/H264']);
    assert.equal(seen['Frau Berg'].people.Hanna.videoCodec, 'video/H264');
    if (ffH264) assert.equal(seen.Felix.people.Hanna.videoCodec, 'video/H264');
    else await shot(felix, 'browsers-05-firefox-no-h264-sentence', { minColors: 32 });
    clock.mark('everyone sees and hears everyone');

    await sendChat(felix, 'Guten Tag aus Firefox');
    await waitChat(host, 'Felix', 'Guten Tag aus Firefox');
    await sendChat(host, 'Hallo Felix');
    await waitChat(felix, 'Frau Berg', 'Hallo Felix');
    clock.mark('chat');

    await removePerson(host, 'Felix');
    assert.equal(await endKind(felix), 'removed');
    await waitTiles(host, 2);
    await endSession(host);
    assert.equal(await endKind(host), 'endedModerator');
    assert.equal(await endKind(hanna), 'ended');
    clock.mark('removed, ended');
    t.diagnostic(`times: ${clock}`);
  }));

test('browsers: e2ee room with a Safari-like host (script transforms only), a Firefox client and a client that offers only H.264', { skip }, (t) =>
  runWeb(t, { ...LIGHT, timeoutMs: 300000 }, async (env) => {
    const clock = stopwatch();
    const host = await env.open('', { name: 'safari-like-host', initScripts: [...CAM, SCRIPT_TRANSFORM_ONLY] });
    const traits = await host.evaluate(() => ({
      createEncodedStreams: typeof RTCRtpSender.prototype.createEncodedStreams,
      scriptTransform: typeof RTCRtpScriptTransform,
      traits: window.__traits,
    }));
    t.diagnostic(`Safari-like page: ${JSON.stringify(traits)}`);
    assert.equal(traits.createEncodedStreams, 'undefined');
    assert.equal(traits.scriptTransform, 'function');
    const { links } = await createSession(host, { key: env.practitionerKey, labels: ['Klient', 'Vater'] });
    await enterAsModerator(host, 'Herr Roth');
    const hugo = await openLinkAndJoin(env, links.Vater, 'Hugo', { pageName: 'cr-h264-hugo', initScripts: [...CAM, H264_ONLY_OFFERS] });
    const finn = await openLinkAndJoin(env, links.Klient, 'Finn', { engine: 'firefox', pageName: 'ff-client-finn' });
    await waitLobby(host, ['Hugo', 'Finn']);
    await admit(host, 'Hugo');
    await admit(host, 'Finn');
    for (const tp of [host, hugo, finn]) await waitTiles(tp, 3);
    clock.mark('admitted');
    // The host's senders carry the worker's script transforms; the page
    // itself marked its JSEPs e2ee (janus.js does so only where
    // createEncodedStreams exists).
    const senders = await host.evaluate(() => {
      // The publishing PeerConnection (the receiving one sends nothing).
      const pc = window.__e2e.pcs.filter((p) => p.connectionState !== 'closed' && p.getSenders().some((x) => x.track)).pop();
      return pc.getSenders().filter((x) => x.track).map((x) => ({ kind: x.track.kind, transform: !!x.transform && x.transform.constructor.name }));
    });
    t.diagnostic(`Safari-like host's senders: ${JSON.stringify(senders)}`);
    assert.ok(senders.length >= 2 && senders.every((x) => x.transform === 'RTCRtpScriptTransform'), JSON.stringify(senders));

    // Every receiver decrypts what it decodes, so frames decoded from the
    // host, Hugo and Finn prove their transforms encrypted every frame they
    // sent. Hugo's device has H.264 alone: the others send VP8, so his tiles
    // say he cannot see them; a Firefox without H.264 says so on Hugo's tile.
    const ffH264 = await decodesH264(finn);
    const seen = await assertEveryoneSeesAndHears(t, { 'Herr Roth': host, Hugo: hugo, Finn: finn }, {
      noPicture: { Hugo: { 'Herr Roth': 'VP8', Finn: 'VP8' }, ...(ffH264 ? {} : { Finn: { Hugo: 'H.264' } }) },
    });
    assert.equal(seen['Herr Roth'].people.Hugo.videoCodec, 'video/H264');
    const codes = await Promise.all([host, hugo, finn].map(e2eeCode));
    const modes = await Promise.all([host, hugo, finn].map(e2eeMode));
    t.diagnostic(`e2ee codes: ${codes.join(' / ')}; frames encrypted by ${modes.join(' / ')}`);
    assert.deepEqual(modes, ['script', 'script', 'script'], 'every page runs the worker (RTCRtpScriptTransform)');
    assert.ok(codes[0] && codes.every((c) => c === codes[0]), `one code on every page: ${codes}`);
    clock.mark('everyone sees and hears everyone');

    await sendChat(hugo, 'Hallo von Hugo');
    await waitChat(finn, 'Hugo', 'Hallo von Hugo');
    await waitChat(host, 'Hugo', 'Hallo von Hugo');
    await sendChat(finn, 'Hallo von Finn');
    await waitChat(hugo, 'Finn', 'Hallo von Finn');
    clock.mark('chat');

    await endSession(host);
    assert.equal(await endKind(host), 'endedModerator');
    for (const tp of [hugo, finn]) assert.equal(await endKind(tp), 'ended');
    clock.mark('ended');
    t.diagnostic(`times: ${clock}`);
  }));
