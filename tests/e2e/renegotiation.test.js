'use strict';
// How janus.js 1.1.2 (Debian) behaves when the *other side* sends an offer to
// a PeerConnection that already sends local tracks: the situation of the
// counsel page when the plugin renegotiates (people join or leave). Janus's
// stock VideoCall plugin forwards one peer's renegotiation offer to the other
// as an `update` event, so "alice" plays the plugin's part and "bob" the
// page's. The facts checked here are summarized in README.md, "janus.js
// renegotiation notes".

const assert = require('node:assert/strict');
const { test } = require('node:test');

const { runE2E, sleep } = require('../support');

const mline = (sdp, mid) => {
  const sections = sdp.split(/\r\n(?=m=)/);
  const s = sections.find((x) => x.includes(`\r\na=mid:${mid}\r\n`) || x.endsWith(`a=mid:${mid}`));
  if (!s) return null;
  const dir = (s.match(/\r\na=(sendrecv|sendonly|recvonly|inactive)/) || [])[1];
  const port = Number(s.split(' ')[1]);
  return { dir, port };
};

const byMid = (stats, mid) => stats[0].transceivers.find((x) => x.mid === mid);

// alice calls bob; both send the fake camera and microphone.
async function call(env, bobAnswer) {
  const alice = await env.open('videocall.html', { name: 'alice' }, { name: 'alice' });
  const bob = await env.open('videocall.html', { name: 'bob', answer: bobAnswer }, { name: 'bob' });
  await alice.waitForState((s) => s.phase === 'registered', { message: 'alice registered' });
  await bob.waitForState((s) => s.phase === 'registered', { message: 'bob registered' });
  await alice.page.evaluate(() => window.vc.call('bob'));
  await alice.waitForState((s) => s.handles.vc.webrtcUp, { message: 'alice webrtcup' });
  await bob.waitForState((s) => s.handles.vc.webrtcUp, { message: 'bob webrtcup' });
  await alice.waitForMedia();
  await bob.waitForMedia();
  return { alice, bob };
}

// Waits for bob to have answered `n` update offers; returns that answer record.
async function nthAnswer(bob, n) {
  const s = await bob.waitForState((st) => st.answers.length >= n, { message: `bob's answer #${n}` });
  return s.answers[n - 1];
}

test('createAnswer({ jsep }) without tracks keeps the local tracks; remote tracks come and go by mid', (t) =>
  runE2E(t, { plugins: ['videocall'], timeoutMs: 80000 }, async (env) => {
    const { alice, bob } = await call(env, 'none');
    const start = await bob.page.evaluate(() => window.vc.summary());
    assert.deepEqual(start.senders, ['audio', 'video']);
    const localIds = start.localTracks.map((x) => x.id);

    // 1. A new m-line (mid 2) in an offer from the other side.
    await alice.page.evaluate(() => window.vc.addVideo());
    const a1 = await nthAnswer(bob, 1);
    assert.deepEqual(a1.after.senders, ['audio', 'video'], 'no new sender');
    assert.deepEqual(a1.after.localTracks.map((x) => x.id), localIds, 'the same local tracks, on the same mids');
    assert.deepEqual(mline(a1.answerSdp, '2'), { dir: 'recvonly', port: 9 }, 'the new m-line is answered recvonly');
    assert.equal(mline(a1.answerSdp, '1').dir, 'sendrecv');
    let s = await bob.waitForState((st) => st.handles.vc.remoteTracks['2'] && st.handles.vc.remoteTracks['2'].on, {
      message: 'onremotetrack(track, "2", true)',
    });
    const track2 = s.handles.vc.remoteTracks['2'];
    assert.equal(track2.kind, 'video');
    await bob.waitForStats((st) => (byMid(st, '2').inbound || {}).framesDecoded > 0, { message: 'frames on mid 2' });
    const { flow } = await bob.flowByKind(2000);
    t.diagnostic(`bob after update 1: ${JSON.stringify(Object.values(flow.mids).map((m) => [m.mid, m.kind, m.framesDecoded || m.packetsReceived, m.packetsSent]))}`);
    assert.ok(flow.mids['0:0'].packetsSent > 30, 'bob still sends audio on mid 0');
    assert.ok(flow.mids['0:1'].framesEncoded > 10, 'bob still sends video on mid 1');
    assert.ok(flow.mids['0:2'].framesDecoded > 10, 'bob decodes the new video on mid 2');
    s = await bob.state();
    t.diagnostic(`onremotetrack calls for mid 2 so far: ${s.handles.vc.remoteTracks['2'].ons} x on (ontrack, then unmute when media starts)`);

    // 2. The other side stops sending on mid 2 (direction recvonly -> bob answers inactive):
    //    janus.js reports the track off only after its 3 x 840 ms mute timer.
    await alice.page.evaluate(() => window.vc.removeVideo('2'));
    const a2 = await nthAnswer(bob, 2);
    const t2 = Date.now();
    assert.equal(mline(a2.answerSdp, '2').dir, 'inactive');
    await bob.waitForState((st) => !st.handles.vc.remoteTracks['2'].on, { timeoutMs: 8000, message: 'mid 2 off (inactive)' });
    const offAfterInactive = Date.now() - t2;
    t.diagnostic(`mid 2 reported off ${offAfterInactive} ms after bob's answer (inactive m-line)`);
    assert.ok(offAfterInactive >= 1500, `reported off after ${offAfterInactive} ms: expected janus.js's ~2.5 s mute timer`);

    // 3. The same m-line carries media again: same mid, same MediaStreamTrack object, reported on again.
    await alice.page.evaluate(() => window.vc.reuseVideo('2'));
    await nthAnswer(bob, 3);
    s = await bob.waitForState((st) => st.handles.vc.remoteTracks['2'].on, { message: 'mid 2 on again' });
    assert.equal(s.handles.vc.remoteTracks['2'].id, track2.id, 'a re-used m-line brings back the same track object');
    const before = byMid(await bob.stats(), '2').inbound.framesDecoded;
    await bob.waitForStats((st) => byMid(st, '2').inbound.framesDecoded > before + 10, { message: 'mid 2 decoding again' });

    // 4. The m-line is rejected (port 0, transceiver stopped): reported off at once.
    await alice.page.evaluate(() => window.vc.stopTransceiver('2'));
    const a4 = await nthAnswer(bob, 4);
    const t4 = Date.now();
    assert.equal(mline(a4.answerSdp, '2').port, 0);
    await bob.waitForState((st) => !st.handles.vc.remoteTracks['2'].on, { timeoutMs: 3000, message: 'mid 2 off (port 0)' });
    t.diagnostic(`mid 2 reported off ${Date.now() - t4} ms after bob's answer (port 0)`);
    assert.equal(byMid(await bob.stats(), '2'), undefined, 'the stopped transceiver is gone from getTransceivers()');

    // 5. The server stops relaying video without renegotiating (a server-side mute):
    //    frames stop, but the track is not muted and janus.js reports nothing.
    await alice.page.evaluate(() => window.vc.relay({ video: false }));
    await sleep(500);
    const muted = await bob.flowByKind(4000);
    assert.ok(muted.flow.mids['0:1'].framesDecoded <= 2, `frames on mid 1 while not relayed: ${muted.flow.mids['0:1'].framesDecoded}`);
    s = await bob.state();
    assert.equal(s.handles.vc.remoteTracks['1'].on, true, 'no onremotetrack(false) for a stream that merely stopped');
    assert.equal(byMid(muted.flow.after, '1').remoteTrackMuted, false, 'the receiving track is not even muted');
    await alice.page.evaluate(() => window.vc.relay({ video: true }));
    const frames = byMid(await bob.stats(), '1').inbound.framesDecoded;
    await bob.waitForStats((st) => byMid(st, '1').inbound.framesDecoded > frames + 10, { message: 'mid 1 decoding after relay resumed' });

    // 6. The offer stops sending *to* bob on an m-line bob sends on (mid 1 offered recvonly, as a
    //    plugin offers a page's publish m-line): bob answers sendonly and keeps sending.
    await alice.page.evaluate(() => window.vc.removeVideo('1'));
    const a6 = await nthAnswer(bob, 5);
    assert.equal(mline(a6.answerSdp, '1').dir, 'sendonly');
    assert.deepEqual(a6.after.localTracks.map((x) => x.id), localIds, 'still the same local tracks');
    const sending = await bob.flowByKind(2000);
    assert.ok(sending.flow.mids['0:1'].framesEncoded > 10, `bob still sends video on mid 1: ${sending.flow.mids['0:1'].framesEncoded}`);
    await bob.waitForState((st) => !st.handles.vc.remoteTracks['1'].on, { timeoutMs: 8000, message: 'mid 1 remote off' });

    // Renegotiation never raised a second webrtcState(true), nor called onlocaltrack.
    s = await bob.state();
    assert.deepEqual(s.events.filter((e) => e.ev === 'webrtcState').map((e) => e.up), [true]);
    assert.equal(s.events.filter((e) => e.ev === 'localtrack').length, 2, 'onlocaltrack only for the two captured tracks');
  }));

test('createAnswer with capture tracks (the upstream demo way) captures again and adds senders', (t) =>
  runE2E(t, { plugins: ['videocall'], timeoutMs: 45000 }, async (env) => {
    const { alice, bob } = await call(env, 'recapture');
    await alice.page.evaluate(() => window.vc.addVideo());
    const a1 = await nthAnswer(bob, 1);
    t.diagnostic(`bob's transceivers after answering: ${JSON.stringify(a1.after.transceivers)}`);
    // The new video capture is attached to the offered m-line (bob now *sends* on mid 2) ...
    assert.equal(mline(a1.answerSdp, '2').dir, 'sendrecv');
    // ... and the new audio capture to a transceiver that no SDP has (mid null).
    assert.deepEqual(a1.after.senders.slice().sort(), ['audio', 'audio', 'video', 'video']);
    assert.ok(a1.after.transceivers.some((x) => x.mid === null), 'an un-negotiated transceiver was added');
  }));

test('a first offer from the other side: capture tracks in createAnswer take the first m-line of their kind', (t) =>
  runE2E(t, { plugins: ['videocall'], timeoutMs: 45000 }, async (env) => {
    const alice = await env.open('videocall.html', { name: 'alice' }, { name: 'alice' });
    const bob = await env.open('videocall.html', { name: 'bob' }, { name: 'bob' });
    await alice.waitForState((s) => s.phase === 'registered', { message: 'alice registered' });
    await bob.waitForState((s) => s.phase === 'registered', { message: 'bob registered' });
    // alice offers audio + two videos; bob answers with [audio capture, video capture].
    await alice.page.evaluate(() =>
      window.vc.call('bob', [
        { type: 'audio', capture: true, recv: true },
        { type: 'video', capture: true, recv: true },
        { type: 'video', capture: true, recv: true },
      ]),
    );
    await bob.waitForState((s) => s.handles.vc.webrtcUp, { message: 'bob webrtcup' });
    await bob.waitForMedia();
    const summary = await bob.page.evaluate(() => window.vc.summary());
    t.diagnostic(`bob's transceivers: ${JSON.stringify(summary.transceivers)}`);
    assert.deepEqual(
      summary.transceivers.map((x) => [x.mid, x.kind, x.currentDirection]),
      [['0', 'audio', 'sendrecv'], ['1', 'video', 'sendrecv'], ['2', 'video', 'recvonly']],
    );
  }));
