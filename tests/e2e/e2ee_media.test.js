'use strict';
// End-to-end encryption (issue 6) on real media in Chromium:
//   - loopback (two PeerConnections in one page, no Janus): VP8 and H.264 with
//     Opus, RTCRtpScriptTransform and createEncodedStreams: decoded with the
//     right key, nothing decoded with a wrong key, a renegotiated m-line too;
//     the Chromium facts that shape media.js (a transform set after the
//     sender's creating task is ignored on a PeerConnection without
//     encodedInsertableStreams — frames then go out in clear — while with it
//     a late transform works and a sender without one sends nothing);
//   - janus.js through a real Janus (EchoTest): session.prepare()/seal() on a
//     janus.js handle, the JSEP marked e2ee, the echoed frames decrypted as
//     the page's own, and not with another sender's key.
//
//   cd tests/e2e && ./run-in-netns.sh node --test e2ee_media.test.js

const assert = require('node:assert/strict');
const { describe, test } = require('node:test');

const { runE2E, sleep } = require('../support');
const { useLab } = require('./harness/e2ee_lab');

describe('loopback in one page (no Janus)', () => {
  const lab = useLab();

  const loopback = (opts) => lab.evaluate((o) => window.lab.loopback(o).then((r) => JSON.parse(JSON.stringify(r))), opts);
  const summary = (r) =>
    JSON.stringify({ first: r.first, second: r.second, sealError: r.sealError, sent: r.sender.encrypted, received: r.receiver && { decrypted: r.receiver.decrypted, failed: r.receiver.failed } });

  for (const mode of ['script', 'encoded']) {
    for (const codec of ['VP8', 'H264']) {
      test(`${mode}, ${codec} + Opus: the right key decodes, every frame went through the cipher`, async (t) => {
        // H.264 with createEncodedStreams: Chromium 156 sometimes stalls the
        // receiver after the first frame and recovers by itself ~3 s later
        // (media.js's watchdog does it sooner in 'script' mode): a longer window.
        const r = await loopback({ mode, codec, seconds: codec === 'H264' && mode === 'encoded' ? 6 : 3 });
        t.diagnostic(summary(r));
        assert.equal(r.mode, mode);
        assert.ok(r.negotiatedCodecs.includes(`video/${codec}`), r.negotiatedCodecs.join());
        assert.ok(r.first['1'].framesDecoded >= 30, `video decoded: ${summary(r)}`);
        assert.ok(r.first['0'].packetsReceived >= 100, 'audio arrives');
        assert.ok(r.first['0'].totalAudioEnergy > 0, 'and is not silent');
        assert.equal(r.receiver.failedTotal, 0, summary(r));
        assert.ok(r.sender.encrypted >= r.receiver.decrypted && r.receiver.decrypted >= 130, summary(r));
        assert.equal(r.receiver.slots['1'].sender, 11);
        assert.ok(r.sender.codecs[codec.toLowerCase()] > 0 && r.sender.codecs.opus > 0, JSON.stringify(r.sender.codecs));
      });
    }

    test(`${mode}: a receiver with a wrong room key decodes nothing and counts every frame`, async (t) => {
      const r = await loopback({ mode, codec: mode === 'script' ? 'VP8' : 'H264', wrongKey: true });
      t.diagnostic(summary(r));
      assert.equal(r.first['1'].framesDecoded, 0);
      assert.ok(r.first['1'].packetsReceived > 50, 'the packets did arrive');
      assert.equal(r.first['0'].totalAudioEnergy, 0, 'no audio played');
      assert.equal(r.receiver.decrypted, 0);
      assert.ok(r.receiver.failed.auth >= 150, summary(r));
    });

    test(`${mode}: an m-line added by renegotiation is decrypted too`, async (t) => {
      const r = await loopback({ mode, renegotiate: true });
      t.diagnostic(summary(r));
      assert.ok(r.second['2'].framesDecoded >= 30, summary(r));
      assert.ok(r.second['1'].framesDecoded > r.first['1'].framesDecoded);
      assert.equal(r.receiver.failedTotal, 0);
    });
  }

  test('Chromium: without encodedInsertableStreams a late transform is ignored (frames in clear); seal() refuses such a PeerConnection', async (t) => {
    const r = await loopback({ mode: 'script', flag: false, attach: 'afterCreateOffer' });
    t.diagnostic(summary(r));
    assert.match(r.sealError, /encodedInsertableStreams/);
    assert.equal(r.sender.encrypted, 0, 'the worker never saw a frame');
    assert.ok(r.receiver.failed.unencrypted > 100, 'what arrived was plain');
  });

  test('Chromium: with encodedInsertableStreams a late transform works, and a sender without one sends nothing', async (t) => {
    const late = await loopback({ mode: 'script', attach: 'late' });
    t.diagnostic(`late: ${summary(late)}`);
    assert.equal(late.sealError, null);
    assert.ok(late.first['1'].framesDecoded >= 30);
    assert.equal(late.receiver.failedTotal, 0);
    const never = await loopback({ mode: 'script', attach: 'never' });
    t.diagnostic(`never: ${summary(never)}`);
    assert.deepEqual(never.first, {}, 'no RTP at all');
    assert.equal(never.sender.encrypted, 0);
  });

  test('a receiver without any decryption gets no content (Opus plays noise, VP8 decodes no delta frame)', async (t) => {
    const r = await loopback({ mode: 'script', codec: 'VP8', plainReceiver: true });
    t.diagnostic(summary(r));
    const video = r.first['1'];
    assert.ok(video.framesReceived >= 30, `frames arrived (${video.framesReceived})`);
    // libvpx may take an encrypted keyframe, whose header stays in the clear,
    // as a picture of noise (seen once in CI: 1 keyframe of 58 frames); every
    // other frame builds on it and fails. So: no delta frame, at most two keyframes.
    assert.ok(video.framesDecoded <= Math.min(video.keyFramesDecoded, 2), `decoded ${video.framesDecoded}, keyframes ${video.keyFramesDecoded}`);
    assert.ok(r.sender.encrypted > 100);
  });
});

// janus.js and a real Janus: the EchoTest plugin sends the page's frames back.
for (const mode of ['script', 'encoded']) {
  test(`janus.js + Janus EchoTest (${mode}): prepare/seal on a janus.js handle, e2ee JSEP, echoed frames decrypt`, (t) =>
    runE2E(t, { plugins: ['echotest'] }, async (env) => {
      const own = await env.open('e2ee_echo.html', { mode, codec: 'vp8' }, { name: 'own-key' });
      const other = await env.open('e2ee_echo.html', { mode, codec: 'vp8', owner: 778 }, { name: 'other-sender' });
      for (const tp of [own, other]) await tp.waitForState((s) => s.phase === 'answered' && s.handles.echo.webrtcUp, { message: 'echo up' });
      await own.waitForMedia({ kinds: ['video'] });
      await sleep(1000);
      const a = await own.flowByKind(3000);
      const b = await other.flowByKind(3000);
      const sa = (await own.state()).e2ee;
      const sb = (await other.state()).e2ee;
      t.diagnostic(`own: ${JSON.stringify(a.byKind)} ${JSON.stringify({ enc: sa.stats.encrypted, dec: sa.stats.decrypted, failed: sa.stats.failed })}`);
      t.diagnostic(`other: ${JSON.stringify(b.byKind)} ${JSON.stringify({ enc: sb.stats.encrypted, dec: sb.stats.decrypted, failed: sb.stats.failed })}`);
      for (const s of [sa, sb]) {
        assert.equal(s.mode, mode);
        assert.deepEqual(s.sentJsep, { type: 'offer', e2ee: true, pcInsertable: true });
      }
      assert.ok(a.byKind.video.framesDecoded >= 30, JSON.stringify(a.byKind));
      assert.ok(a.byKind.audio.totalAudioEnergy > 0);
      assert.ok(sa.stats.decrypted > 100 && sa.stats.failedTotal === 0, JSON.stringify(sa.stats));
      // Frames of participant 777 read as if they came from 778: another key, nothing decodes.
      assert.equal(b.byKind.video.framesDecoded, 0, JSON.stringify(b.byKind));
      assert.ok(b.byKind.video.packetsReceived > 50);
      assert.equal(sb.stats.decrypted, 0);
      assert.ok(sb.stats.failed.auth > 100, JSON.stringify(sb.stats.failed));
    }));
}
