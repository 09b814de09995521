'use strict';
// The server forwards only ciphertext (issue 6, "server-side proof"): in a
// room made by the real page, Janus's own capture of the moderator's handle
// (Admin API start_pcap: RTP as the server handles it, after SRTP) is cut
// into VP8 frames and handed to FFmpeg. In an e2ee room FFmpeg fails on the
// frames (an error per frame); the same capture in a room without E2EE
// decodes every frame without one error.
//
//   cd tests/e2e && ./run-in-netns.sh node --test e2ee_server_proof.test.js     (~1 min)

const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { test } = require('node:test');

const { COUNSEL_PLUGIN, COUNSEL_KEYGEN, sleep, runWeb } = require('../support');
const { startCapture, readPcap, vp8PayloadTypes, vp8Streams, writeIvf } = require('./harness/rtp_capture');
const { waitScreen, createSession, enterAsModerator, openLinkAndJoin, waitLobby, waitTiles } = require('./web_support/flow');

const built = fs.existsSync(COUNSEL_PLUGIN) && fs.existsSync(COUNSEL_KEYGEN);
const skip = (!built && `not built: ${COUNSEL_PLUGIN}`) || (!fs.existsSync('/usr/bin/ffmpeg') && 'needs ffmpeg');

// FFmpeg's verdict on an IVF file: pictures decoded and its error lines.
function decode(file) {
  const r = spawnSync('ffmpeg', ['-nostdin', '-v', 'error', '-i', file, '-f', 'framecrc', '-'], { encoding: 'utf8' });
  const pictures = r.stdout.split('\n').filter((l) => l && !l.startsWith('#')).length;
  const errors = r.stderr.split('\n').filter(Boolean);
  return { pictures, errors, status: r.status };
}

// Moderator + admitted client; Janus captures the moderator's handles from
// before the client is admitted (so the keyframes that start each stream are
// in it) until 6 s of media. Per VP8 stream: frames and FFmpeg's verdict.
async function captureRoom(env, t, { e2ee }) {
  // One video layer each (?simulcast=0): one stream per person, lighter on a loaded machine.
  const mod = await env.open('?simulcast=0', { name: 'moderator' });
  const { links } = await createSession(mod, { key: env.practitionerKey, labels: ['Klient'], e2ee });
  await enterAsModerator(mod, 'Dr. Berger');
  // The moderator's two handles: the publishing one (their own streams come in
  // there) and the receiving one (the page binds it after publishing; the
  // client's streams go out there).
  let moderator;
  let receiving;
  for (const until = Date.now() + 20000; Date.now() < until && !(moderator && receiving); await sleep(250)) {
    const handles = await env.janus.allHandleInfo();
    const state = (h) => h.info && h.info.plugin_specific;
    moderator = handles.find((h) => state(h) && state(h).role === 'moderator');
    receiving = handles.find((h) => state(h) && state(h).state === 'receiving');
  }
  assert.ok(moderator && receiving, "the moderator's publishing and receiving handles");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'counsel-proof-'));
  try {
    const caps = [await startCapture(env.janus, moderator, dir), await startCapture(env.janus, receiving, dir)];
    const kim = await openLinkAndJoin(env, links.Klient.replace('/#', '/?simulcast=0#'), 'Kim', { pageName: 'client' });
    await waitLobby(mod, ['Kim']);
    await mod.page.getByRole('button', { name: 'Einlassen: Kim' }).click();
    await waitScreen(kim, 'screen-session');
    await waitTiles(mod, 2);
    await mod.waitForMedia({ kinds: ['video'], timeoutMs: 20000 });
    await kim.waitForMedia({ kinds: ['video'], timeoutMs: 20000 });
    await sleep(6000);
    const streams = [];
    let packets = [];
    for (const [i, handle] of [moderator, receiving].entries()) {
      await caps[i].stop();
      const info = await env.janus.admin({ janus: 'handle_info', session_id: handle.session_id, handle_id: handle.handle_id });
      const captured = readPcap(caps[i].file);
      const sdps = info.info.sdps || {};
      packets = packets.concat(captured);
      streams.push(...vp8Streams(captured, vp8PayloadTypes(sdps.local, sdps.remote)).filter((s) => s.frames.length >= 10));
    }
    const out = streams.map((s, i) => {
      const file = path.join(dir, `stream-${i}.ivf`);
      const size = writeIvf(file, s.frames);
      return { ssrc: s.ssrc, packets: s.packets, frames: s.frames.length, ...size, ...decode(file) };
    });
    t.diagnostic(`${e2ee ? 'e2ee' : 'plain'} room: ${packets.length} RTP packets captured; VP8 streams ${JSON.stringify(out.map((o) => ({ ...o, errors: o.errors.length, firstError: o.errors[0] })))}`);
    return out;
  } finally {
    if (process.env.COUNSEL_KEEP_TMP === '1') t.diagnostic(`capture kept in ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('without E2EE the captured forwarded video decodes (the check works)', { skip }, (t) =>
  runWeb(t, { timeoutMs: 120000 }, async (env) => {
    const streams = await captureRoom(env, t, { e2ee: false });
    assert.ok(streams.length >= 2, 'both people\'s video in the capture');
    for (const s of streams) {
      assert.ok(s.pictures >= s.frames * 0.9, `stream ${s.ssrc}: ${s.pictures} of ${s.frames} frames decode`);
      assert.deepEqual(s.errors, [], `stream ${s.ssrc}: no decoding errors`);
    }
  }),
);

test('with E2EE the server holds only ciphertext: FFmpeg fails on every frame', { skip }, (t) =>
  runWeb(t, { timeoutMs: 120000 }, async (env) => {
    const streams = await captureRoom(env, t, { e2ee: true });
    assert.ok(streams.length >= 2, 'both people\'s video in the capture');
    for (const s of streams) {
      // The VP8 header bytes stay clear (the SFU needs them), so FFmpeg finds
      // frames, but their content fails: at least one decoding error per frame
      // on average; what it still outputs is error-concealed noise.
      assert.ok(s.frames >= 10, 'frames were forwarded');
      assert.ok(s.errors.length >= s.frames * 0.9, `stream ${s.ssrc}: ${s.errors.length} decoding errors for ${s.frames} frames`);
      assert.ok(s.pictures <= s.frames * 0.5, `stream ${s.ssrc}: ${s.pictures} of ${s.frames} frames came out`);
    }
  }),
);
