'use strict';
// The harness proven against Janus's stock EchoTest plugin: Chromium sends its
// fake camera and microphone to Janus inside the test namespace and decodes
// what Janus echoes back.

const assert = require('node:assert/strict');
const { test } = require('node:test');

const { runE2E, HOST_IP } = require('../support');

test('echotest: the echoed video decodes and the echoed audio arrives', (t) =>
  runE2E(t, { plugins: ['echotest'], timeoutMs: 45000 }, async (env) => {
    const tp = await env.open('echotest.html', {}, { name: 'echo' });
    const s = await tp.waitForState((st) => st.handles.echo && st.handles.echo.webrtcUp && st.phase === 'answered', {
      timeoutMs: 20000,
      message: 'webrtcup from Janus',
    });
    // Both echoed tracks were announced, with their mids.
    const remote = s.handles.echo.remoteTracks;
    const kinds = Object.values(remote).filter((r) => r.on).map((r) => r.kind).sort();
    assert.deepEqual(kinds, ['audio', 'video'], `remote tracks: ${JSON.stringify(remote)}`);

    // First frames, then 3 s of flow.
    await tp.waitForMedia({ kinds: ['audio', 'video'] });
    const { flow, byKind } = await tp.flowByKind(3000);
    const pc = flow.after[0];
    t.diagnostic(`selected pair: ${JSON.stringify(pc.selectedPair)}`);
    t.diagnostic(`growth over ${flow.ms} ms: ${JSON.stringify(byKind)}`);
    const video = pc.transceivers.find((x) => x.kind === 'video');
    t.diagnostic(`video in: ${video.inbound && video.inbound.codec} ${video.inbound && video.inbound.frameWidth}x${video.inbound && video.inbound.frameHeight}`);

    assert.equal(pc.connectionState, 'connected');
    assert.match(pc.selectedPair.remote, new RegExp(`^${HOST_IP.replace(/\./g, '\\.')}:`), 'ICE goes to Janus on the test address');
    // ~30 fps fake camera: demand a clearly flowing stream, not a trickle.
    assert.ok(byKind.video.framesDecoded >= 30, `video frames decoded in 3 s: ${byKind.video.framesDecoded}`);
    assert.ok(byKind.video.packetsSent > 0, `video packets sent: ${byKind.video.packetsSent}`);
    assert.ok(byKind.audio.packetsReceived >= 50, `audio packets received in 3 s: ${byKind.audio.packetsReceived}`);
    assert.ok(byKind.audio.packetsSent >= 50, `audio packets sent in 3 s: ${byKind.audio.packetsSent}`);
    // The fake microphone beeps: what comes back is not silence.
    assert.ok(byKind.audio.totalAudioEnergy > 0, `audio energy: ${byKind.audio.totalAudioEnergy}`);
  }));
