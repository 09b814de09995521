'use strict';
// Phone dial-in, the plugin's side (README "Phone dial-in"), over a real Janus
// without counsel-phone: the `phone` group, `create` with `phone: true`,
// `phone_join` with the service key (a wrong PIN and an unknown room number
// get the same answers; a PIN has a token's limits, so a flood of wrong PINs
// never keeps the right one out; `deny` with `ban` burns it), "Telefon <n>" in
// the lobby, the moderator's wait prompt, and the caller's plain RTP: `rtp` opens
// a UDP socket on 127.0.0.1 connected to the given port, the plugin's
// receiver thread counts what arrives from there (and only from there), and
// removal closes it. (tests/e2e/phone_call.test.js: the same with counsel-phone,
// SIPp and real audio.)

const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { test } = require('node:test');

const { useWorld, World, assertError } = require('./harness/counsel');
const { Flood, describeFlood, timed } = require('./harness/flood');
const { udp, opusPacket } = require('./harness/rtp');
const { COUNSEL_KEYGEN: KEYGEN } = require('../support/janus');
const { sleep } = require('../support/util');

const service = JSON.parse(execFileSync(KEYGEN, ['--json'], { encoding: 'utf8', timeout: 30000 }));
const NUMBER = '+49 30 1234567';

const world = useWorld({ phone: { number: NUMBER, service_key_hash: service.key_hash } });

const phoneJoin = (handle, room_number, pin, key = service.key) =>
  handle.request({ request: 'phone_join', service_key: key, room_number, pin });

async function phoneRoom(invitees = ['Anrufer', 'Gast']) {
  const ctx = await world.openRoom({ invitees: invitees.map((label) => ({ label })), phone: true });
  return { ...ctx, number: ctx.created.phone.room_number, pins: ctx.created.invites.map((i) => i.pin) };
}

async function phoneInPackets(admin, handle) {
  const info = await admin.handleInfo(handle.session.id, handle.id);
  return info.plugin_specific.media ? info.plugin_specific.media.in.audio_packets : 0;
}

test('create: phone rooms get a room number and a PIN per invitee, never with e2ee', async () => {
  const created = await world.create({ invitees: [{ label: 'A' }, { label: 'B' }], phone: true });
  assert.equal(created.e2ee, false);
  assert.equal(created.phone.number, NUMBER);
  assert.match(created.phone.room_number, /^\d{6}$/);
  assert.equal(created.invites.length, 2);
  for (const invite of created.invites) assert.match(invite.pin, /^\d{12}$/);
  assert.notEqual(created.invites[0].pin, created.invites[1].pin);
  const practitioner = await world.person();
  const conflict = await practitioner.request(world.createBody({ phone: true, e2ee: true }));
  assertError(conflict, 488, 'phone + e2ee');
  assert.match(conflict.error, /end-to-end/);
});

test('phone_join: the service key is required; the caller waits as "Telefon 1", phone: true', async () => {
  const ctx = await phoneRoom();
  const caller = await world.person();
  assertError(await phoneJoin(caller, ctx.number, ctx.pins[0], 'not-the-service-key'), 482, 'wrong service key');
  const waiting = await phoneJoin(caller, ctx.number, ctx.pins[0]);
  assert.equal(waiting.counsel, 'waiting');
  const lobby = await ctx.moderator.nextEvent((d) => d && d.counsel === 'lobby' && d.waiting.length === 1, 5000);
  assert.deepEqual({ display: lobby.waiting[0].display, phone: lobby.waiting[0].phone }, { display: 'Telefon 1', phone: true });
  // The moderator's fixed prompt reaches the caller; to a browser in the lobby it is refused.
  const ok = await ctx.moderator.request({ request: 'prompt', id: waiting.id, prompt: 'wait' });
  assert.equal(ok.counsel, 'ok');
  assert.deepEqual(await caller.nextEvent('prompt', 5000), { counsel: 'prompt', prompt: 'wait' });
  const browser = await world.knock(ctx.room, ctx.tokens[1], 'Gast');
  assertError(await ctx.moderator.request({ request: 'prompt', id: browser.id, prompt: 'wait' }), 487, 'prompt to a browser');
});

test('a wrong PIN and an unknown room number: identical answers, a call\'s handle limited like a token\'s (5, then 486)', async () => {
  const ctx = await phoneRoom(['Anrufer']);
  const wrong = ctx.pins[0] === '012345678901' ? '123456789012' : '012345678901';
  const unknown = ctx.number === '999999' ? '999998' : '999999';
  const oneCall = async (number) => {
    const handle = await world.person();
    const answers = [];
    for (let i = 0; i < 6; i += 1) answers.push(await phoneJoin(handle, number, wrong));
    return answers;
  };
  const known = await oneCall(ctx.number);
  assert.deepEqual(known.map((a) => a.error_code), [482, 482, 482, 482, 482, 486]);
  assert.deepEqual(await oneCall(unknown), known);
  await ctx.moderator.expectNoEvent('lobby', 200);
});

test('a flood of wrong PINs for a room number never keeps the caller with the right PIN out', async (t) => {
  const ctx = await phoneRoom(['Anrufer', 'Gast']);
  const flood = Flood.start(world.janus.wsUrl, {
    rate: 300,
    perHandle: 6, // a call: five are judged, the sixth meets the handle's limit
    body: (i) => ({ request: 'phone_join', service_key: service.key, room_number: ctx.number, pin: String(100000000000 + i) }),
  });
  await flood.running(1000);
  const caller = await world.person();
  const [waiting, ms] = await timed(() => phoneJoin(caller, ctx.number, ctx.pins[0]));
  const figures = await flood.stop();
  t.diagnostic(`wrong PINs: ${describeFlood(figures)}; the right PIN: ${waiting.counsel} in ${Math.round(ms)} ms`);
  assert.equal(waiting.counsel, 'waiting', JSON.stringify(waiting));
  assert.ok(ms < 2000, `the right PIN waited ${Math.round(ms)} ms`);
  assert.equal(figures.answered, figures.sent);
  assert.deepEqual(Object.keys(figures.answers).sort(), ['482', '486'], JSON.stringify(figures.answers));
  // Guessing took nothing from the room: the second invitee's PIN gets in too.
  assert.equal((await phoneJoin(await world.person(), ctx.number, ctx.pins[1])).counsel, 'waiting');
});

test('deny with ban burns a caller\'s PIN (and the link of the same invite); without ban the caller may call again', async () => {
  const ctx = await phoneRoom(['Anrufer', 'Gast']);
  const first = await world.person();
  const waiting = await phoneJoin(first, ctx.number, ctx.pins[0]);
  const notNow = await ctx.moderator.request({ request: 'deny', id: waiting.id, ban: false });
  assert.equal(notNow.counsel, 'ok');
  assert.deepEqual(await first.nextEvent('denied', 5000), { counsel: 'denied', final: false });
  const again = await phoneJoin(await world.person(), ctx.number, ctx.pins[0]);
  assert.equal(again.counsel, 'waiting', JSON.stringify(again));
  const denied = await ctx.moderator.request({ request: 'deny', id: again.id, ban: true });
  assert.deepEqual({ ban: denied.ban, banned: denied.banned }, { ban: true, banned: 'link' });
  assertError(await phoneJoin(await world.person(), ctx.number, ctx.pins[0]), 482, 'the banned PIN');
  assertError(await (await world.person()).request({ request: 'join', room: ctx.room, token: ctx.tokens[0], display: 'A' }), 482, 'its link');
  assert.equal((await phoneJoin(await world.person(), ctx.number, ctx.pins[1])).counsel, 'waiting', 'another PIN of the room');
});

test('rtp: an admitted caller gets a UDP socket on 127.0.0.1 that takes RTP from counsel-phone\'s port only; removal closes it', async () => {
  const ctx = await phoneRoom(['Anrufer']);
  const admin = await world.admin();
  const caller = await world.person();
  const waiting = await phoneJoin(caller, ctx.number, ctx.pins[0]);
  assertError(await caller.request({ request: 'rtp', port: 40000 }), 487, 'rtp from the lobby');
  await ctx.moderator.request({ request: 'admit', id: waiting.id });
  await caller.nextEvent('admitted', 5000);
  const ours = await udp();
  const stranger = await udp();
  try {
    const answer = await caller.request({ request: 'rtp', port: ours.address().port });
    assert.equal(answer.counsel, 'rtp');
    assert.equal(answer.payload_type, 111);
    assert.ok(answer.port > 1024);
    assertError(await caller.request({ request: 'rtp', port: ours.address().port }), 487, 'a second rtp');
    assertError(await caller.request({ request: 'publish' }), 487, 'a caller has no PeerConnection');
    for (let i = 0; i < 20; i += 1) stranger.send(opusPacket(i), answer.port, '127.0.0.1');
    await sleep(300);
    assert.equal(await phoneInPackets(admin, caller), 0, 'packets from another port are dropped by the kernel');
    for (let i = 0; i < 20; i += 1) ours.send(opusPacket(i), answer.port, '127.0.0.1');
    let counted = 0;
    for (let i = 0; i < 20 && counted < 20; i += 1) {
      await sleep(100);
      counted = await phoneInPackets(admin, caller);
    }
    assert.equal(counted, 20, 'the receiver thread took every packet from counsel-phone\'s port');

    await ctx.moderator.request({ request: 'kick', id: waiting.id });
    await caller.nextEvent('removed', 5000);
    // The socket is closed: what is sent to it now is refused by the kernel (ICMP port unreachable).
    const refused = new Promise((resolve) => ours.once('error', (err) => resolve(err.code)));
    ours.connect(answer.port, '127.0.0.1');
    await new Promise((resolve) => ours.once('connect', resolve));
    ours.send(opusPacket(99));
    await sleep(100);
    ours.send(opusPacket(100));
    assert.equal(await Promise.race([refused, sleep(2000).then(() => 'no error')]), 'ECONNREFUSED');
  } finally {
    ours.close();
    stranger.close();
  }
});

test('a burned PIN (the caller was removed) is refused like a wrong one; an ended room\'s number is unknown', async () => {
  const ctx = await phoneRoom(['Anrufer']);
  const caller = await world.person();
  const waiting = await phoneJoin(caller, ctx.number, ctx.pins[0]);
  await ctx.moderator.request({ request: 'kick', id: waiting.id });
  assertError(await phoneJoin(await world.person(), ctx.number, ctx.pins[0]), 482, 'burned PIN');
  assertError(await (await world.person()).request({ request: 'join', room: ctx.room, token: ctx.tokens[0], display: 'A' }), 482, 'burned link');
  const other = await phoneRoom(['Anrufer']);
  await other.moderator.request({ request: 'end' });
  assertError(await phoneJoin(await world.person(), other.number, other.pins[0]), 482, 'ended room');
});

test('without the phone group: phone rooms and phone_join are refused (487)', async () => {
  const plain = await World.start();
  try {
    const practitioner = await plain.person();
    assertError(await practitioner.request(plain.createBody({ phone: true })), 487, 'create phone:true');
    assertError(await phoneJoin(await plain.person(), '123456', '012345678901'), 487, 'phone_join');
  } finally {
    await plain.close();
  }
});
