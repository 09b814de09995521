'use strict';
// A person's receiving handle (docs/api.md "Media", issue 17): a second handle
// bound with `{request:"receive", room, id, secret}` (the secret comes in
// `waiting`/`joined`: the seat's resume secret) gets every plugin offer with everybody else's streams,
// `sendonly` from the plugin; the publishing handle gets none any more. A wrong
// secret is 482 (and counts like a wrong token), a lobby member cannot bind
// (487), a second receiving handle for the same person is 487; a seat taken
// back on a new session ends the old binding and binds again; leave, kick,
// end and detaching the publishing handle end it; detaching the receiving
// handle alone gives the others' streams back to the publishing handle. Without real ICE the one
// stream that is "up" is a phone caller's plain RTP (always connected), so the
// others' side of the forwarding is counted on the receiving handle.

const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { test, before, after } = require('node:test');

const { World, assertError } = require('./harness/counsel');
const { mediaOffer, recvonlyAnswer } = require('./harness/sdp');
const { udp, opusPacket } = require('./harness/rtp');
const { COUNSEL_KEYGEN: KEYGEN } = require('../support/janus');
const { sleep } = require('../support/util');

const service = JSON.parse(execFileSync(KEYGEN, ['--json'], { encoding: 'utf8', timeout: 30000 }));

let world;
let admin;
before(async () => {
  world = await World.start({ admin: true, phone: { number: '+49 30 1234567', service_key_hash: service.key_hash } });
  admin = await world.admin();
});
after(async () => {
  if (world) await world.close();
});

const receive = (handle, room, id, secret) => handle.request({ request: 'receive', room, id, secret });
const handleInfo = async (handle) => (await admin.handleInfo(handle.session.id, handle.id)).plugin_specific;

// The next `media` event on `handle`, with its JSEP.
async function nextOffer(handle, timeoutMs = 5000) {
  let jsep;
  const data = await handle.nextEvent((d, raw) => {
    if (!d || d.counsel !== 'media') return false;
    jsep = raw.jsep;
    return true;
  }, timeoutMs);
  return { data, jsep };
}

// A phone room with the moderator publishing, one guest admitted and
// publishing, and a phone caller admitted whose RTP is connected.
async function roomWithCaller() {
  const ctx = await world.openRoom({ invitees: [{ label: 'Gast' }, { label: 'Anrufer' }, { label: 'Dritte' }], phone: true });
  const guest = await world.enterRoom(ctx, ctx.tokens[0], 'Gast');
  const caller = await world.person();
  const waiting = await caller.request({
    request: 'phone_join', service_key: service.key, room_number: ctx.created.phone.room_number, pin: ctx.created.invites[1].pin,
  });
  await world.admit(ctx, { handle: caller, id: waiting.id });
  const socket = await udp();
  const rtp = await caller.request({ request: 'rtp', port: socket.address().port });
  assert.equal(rtp.counsel, 'rtp');
  for (const h of [ctx.moderator, guest.handle]) {
    const published = await h.request({ request: 'publish' }, { jsep: mediaOffer() });
    assert.equal(published.counsel, 'published', JSON.stringify(published));
  }
  // Plain RTP from "counsel-phone" to the plugin's port for the caller.
  const send = (count) => {
    for (let seq = 1; seq <= count; seq += 1) socket.send(opusPacket(seq), rtp.port, '127.0.0.1');
  };
  return { ctx, guest, caller, callerId: waiting.id, socket, send };
}

test('a receiving handle gets the offers with the others\' streams, the publishing handle none', async () => {
  const r = await roomWithCaller();
  const secret = r.guest.answer.resume;
  assert.match(secret, /^[A-Za-z0-9_-]{22}$/);
  assert.match(r.ctx.joined.resume, /^[A-Za-z0-9_-]{22}$/);
  r.guest.handle.drain();

  const receiver = await r.guest.handle.session.attach();
  const bound = await receive(receiver, r.ctx.room, r.guest.id, secret);
  assert.deepEqual(bound, { counsel: 'receiving', id: r.guest.id });
  const offer = await nextOffer(receiver);
  assert.deepEqual(offer.data.streams.map((s) => ({ id: s.id, kind: s.kind })), [{ id: r.callerId, kind: 'audio' }]);
  assert.equal(offer.jsep.type, 'offer');
  const mlines = offer.jsep.sdp.split('\r\nm=').slice(1);
  assert.equal(mlines.length, 1, offer.jsep.sdp);
  assert.match(mlines[0], /a=sendonly/);
  assert.match(mlines[0], new RegExp(`a=msid:counsel-${r.callerId} `));
  assert.doesNotMatch(offer.jsep.sdp, /m=application/, 'chat stays on the publishing handle');

  const answered = await receiver.request({ request: 'answer' }, { jsep: recvonlyAnswer(offer.jsep.sdp) });
  assert.deepEqual(answered, { counsel: 'ok', request: 'answer' });
  // The caller's audio is forwarded to the receiving handle (counted there).
  const info = await handleInfo(receiver);
  assert.equal(info.state, 'receiving');
  assert.equal(info.media.receive_streams, 1);
  assert.equal(info.media.own_streams, 0);
  r.send(20);
  let out = 0;
  for (let i = 0; i < 50 && out < 20; i += 1) {
    await sleep(50);
    out = (await handleInfo(receiver)).media.out.audio_packets;
  }
  assert.equal(out, 20, 'every caller packet forwarded to the receiving handle');
  // Nothing of the others' goes to the publishing handle.
  assert.equal((await handleInfo(r.guest.handle)).media.out.audio_packets, 0);
  await r.guest.handle.expectNoEvent('media', 500);

  // A receiving handle publishes nothing; a second one for the same person is refused.
  assertError(await receiver.request({ request: 'publish' }, { jsep: mediaOffer() }), 487);
  const second = await r.guest.handle.session.attach();
  assertError(await receive(second, r.ctx.room, r.guest.id, secret), 487);

  // Leaving ends the receiving handle's forwarding and closes its PeerConnection.
  assert.equal((await r.guest.handle.request({ request: 'leave' })).counsel, 'left');
  assert.equal((await receiver.nextEvent((d, raw) => raw.janus === 'hangup', 5000)).reason, 'Close PC');
  assert.equal((await handleInfo(receiver)).state, 'idle');
  assert.equal((await handleInfo(receiver)).media.forwarding, false);
  r.socket.close();
});

test('482 for a wrong secret (limited like a token), 487 for a lobby member', async () => {
  const r = await roomWithCaller();
  const lobby = await world.enterLobby(r.ctx, r.ctx.tokens[2], 'Dritte');
  const stranger = await world.person();
  const wrong = r.guest.answer.resume.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
  assertError(await receive(stranger, r.ctx.room, r.guest.id, wrong), 482);
  assertError(await receive(stranger, r.ctx.room, r.guest.id, r.ctx.joined.resume), 482, 'someone else\'s secret');
  assertError(await receive(stranger, r.ctx.room, lobby.id, r.guest.answer.resume), 487, 'lobby');
  const answers = [];
  for (let i = 0; i < 5; i += 1) answers.push((await receive(stranger, r.ctx.room, r.guest.id, wrong)).error_code);
  assert.ok(answers.includes(486), `limited: ${answers}`);
  // The lobby member got nothing.
  await lobby.handle.expectNoEvent('media', 300);
  r.socket.close();
});

test('kick and the end close the receiving handles', async () => {
  const r = await roomWithCaller();
  const guestReceiver = await r.guest.handle.session.attach();
  await receive(guestReceiver, r.ctx.room, r.guest.id, r.guest.answer.resume);
  const modReceiver = await r.ctx.moderator.session.attach();
  await receive(modReceiver, r.ctx.room, r.ctx.joined.id, r.ctx.joined.resume);
  for (const h of [guestReceiver, modReceiver]) {
    const offer = await nextOffer(h);
    await h.request({ request: 'answer' }, { jsep: recvonlyAnswer(offer.jsep.sdp) });
  }
  assert.equal((await handleInfo(modReceiver)).media.receive_streams, 1);

  await r.ctx.moderator.request({ request: 'kick', id: r.guest.id });
  assert.equal((await guestReceiver.nextEvent((d, raw) => raw.janus === 'hangup', 5000)).reason, 'Close PC');
  assert.equal((await handleInfo(guestReceiver)).state, 'idle');

  assert.equal((await r.ctx.moderator.request({ request: 'end' })).counsel, 'ended');
  assert.equal((await modReceiver.nextEvent((d, raw) => raw.janus === 'hangup', 5000)).reason, 'Close PC');
  assert.equal((await handleInfo(modReceiver)).state, 'idle');
  r.socket.close();
});

test('detaching only the receiving handle: the others\' streams go back to the publishing handle; another may bind', async () => {
  const r = await roomWithCaller();
  assert.equal((await handleInfo(r.guest.handle)).receiving_handle, false);
  const receiver = await r.guest.handle.session.attach();
  await receive(receiver, r.ctx.room, r.guest.id, r.guest.answer.resume);
  await nextOffer(receiver);
  assert.equal((await handleInfo(r.guest.handle)).receiving_handle, true);
  // The page gave up on a receiving PeerConnection that would not connect.
  await receiver.detach();
  let info = await handleInfo(r.guest.handle);
  for (let i = 0; i < 40 && info.receiving_handle; i += 1) {
    await sleep(50);
    info = await handleInfo(r.guest.handle);
  }
  assert.equal(info.state, 'admitted');
  assert.equal(info.receiving_handle, false, 'the publishing handle receives the others again');
  const again = await r.guest.handle.session.attach();
  let bound = await receive(again, r.ctx.room, r.guest.id, r.guest.answer.resume);
  // Janus answers a detach before the plugin hears of it.
  for (let i = 0; i < 40 && bound.error_code === 487; i += 1) {
    await sleep(50);
    bound = await receive(again, r.ctx.room, r.guest.id, r.guest.answer.resume);
  }
  assert.equal(bound.counsel, 'receiving');
  assert.equal((await nextOffer(again)).data.streams.length, 1);
  // Detaching the publishing handle ends the person and the receiving handle's forwarding.
  await r.guest.handle.detach();
  assert.equal((await again.nextEvent((d, raw) => raw.janus === 'hangup', 5000)).reason, 'Close PC');
  r.socket.close();
});

test('a person who takes the seat back on a new session binds again; the old binding ends', async () => {
  const r = await roomWithCaller();
  const receiver = await r.guest.handle.session.attach();
  await receive(receiver, r.ctx.room, r.guest.id, r.guest.answer.resume);
  const offer = await nextOffer(receiver);
  await receiver.request({ request: 'answer' }, { jsep: recvonlyAnswer(offer.jsep.sdp) });

  // Their page gave up on the old connection and comes back on a new Janus session.
  const again = await world.person();
  const back = await again.request({ request: 'join', room: r.ctx.room, token: r.ctx.tokens[0], display: 'Gast', resume: r.guest.answer.resume });
  assert.equal(back.counsel, 'resumed', JSON.stringify(back));
  assert.equal((await receiver.nextEvent((d, raw) => raw.janus === 'hangup', 5000)).reason, 'Close PC');
  assert.equal((await handleInfo(receiver)).state, 'idle');
  assert.equal((await again.request({ request: 'publish' }, { jsep: mediaOffer() })).counsel, 'published');

  const fresh = await again.session.attach();
  assertError(await receive(fresh, r.ctx.room, r.guest.id, r.guest.answer.resume), 482, 'the old secret');
  const bound = await receive(fresh, r.ctx.room, r.guest.id, back.resume);
  assert.equal(bound.counsel, 'receiving', JSON.stringify(bound));
  const streams = (await nextOffer(fresh)).data.streams;
  assert.ok(streams.some((s) => s.id === r.callerId), JSON.stringify(streams));
  r.socket.close();
});
