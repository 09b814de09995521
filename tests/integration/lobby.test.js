'use strict';
// The waiting room: everyone but the moderator waits, only the moderator
// admits or denies, lobby members see nothing of the room.

const assert = require('node:assert/strict');
const { test, before, after } = require('node:test');

const {
  World, assertError, assertOk, assertParticipantId, latestEvent, lobbyIds, participantIds, wrongLike,
} = require('./harness/counsel');
const { nowS } = require('../support/util');

let world;
before(async () => {
  world = await World.start();
});
after(async () => {
  if (world) await world.close();
});

test('an invitee waits; the moderator sees them in the lobby; the invitee sees nothing else', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }, { label: 'B' }] });
  const t0 = nowS();
  const a = await world.knock(ctx.room, ctx.tokens[0], 'Anna');
  assert.equal(a.answer.counsel, 'waiting');
  assertParticipantId(a.answer.id);
  assert.equal(typeof a.answer.notice, 'string');
  const lobby = await ctx.moderator.nextEvent('lobby', 5000);
  assert.equal(lobby.waiting.length, 1);
  assert.equal(lobby.waiting[0].id, a.id);
  assert.equal(lobby.waiting[0].display, 'Anna');
  assert.ok(Math.abs(lobby.waiting[0].since - t0) <= 2, `since is unix seconds: ${lobby.waiting[0].since}`);

  // B knocks: the moderator sees both, A is told nothing about B.
  const b = await world.knock(ctx.room, ctx.tokens[1], 'Bernd');
  assert.equal(b.answer.counsel, 'waiting');
  assert.notEqual(b.id, a.id);
  const both = await ctx.moderator.nextEvent((d) => d && d.counsel === 'lobby' && d.waiting.length === 2, 5000);
  assert.deepEqual(lobbyIds(both), [a.id, b.id].sort());
  await a.handle.expectNoEvent(null, 500);
});

test('admit: ok to the moderator, admitted to the person, participants to everyone, lobby emptied', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }] });
  const a = await world.enterLobby(ctx, ctx.tokens[0], 'Anna');
  ctx.moderator.drain();
  const ok = await ctx.moderator.request({ request: 'admit', id: a.id });
  assertOk(ok, 'admit', { id: a.id });
  const admitted = await a.handle.nextEvent('admitted', 5000);
  assert.equal(admitted.id, a.id);
  assert.deepEqual(participantIds(admitted), [ctx.joined.id, a.id].sort());
  assert.equal(admitted.e2ee, true);
  assert.equal(admitted.recording, 'off');
  assert.equal(admitted.expires_at, ctx.created.expires_at);
  const lobby = await latestEvent(ctx.moderator, 'lobby');
  assert.deepEqual(lobby.waiting, []);
  const participants = await ctx.moderator.nextEvent(
    (d) => d && d.counsel === 'participants' && d.participants.some((p) => p.id === a.id),
    5000,
  );
  const anna = participants.participants.find((p) => p.id === a.id);
  assert.equal(anna.display, 'Anna');
  assert.equal(typeof anna.role, 'string');
  assert.notEqual(anna.role, 'moderator');
  assert.deepEqual(anna.muted, { audio: false, video: false });
  const me = participants.participants.find((p) => p.id === ctx.joined.id);
  assert.equal(me.role, 'moderator');
});

test('deny: ok to the moderator, denied to the person, who may knock again', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }] });
  const a = await world.enterLobby(ctx, ctx.tokens[0], 'Anna');
  const ok = await ctx.moderator.request({ request: 'deny', id: a.id });
  assertOk(ok, 'deny');
  const denied = await a.handle.nextEvent('denied', 5000);
  assert.equal(denied.counsel, 'denied');
  const lobby = await latestEvent(ctx.moderator, 'lobby');
  assert.deepEqual(lobby.waiting, []);
  // Denied is not banned: the same link knocks again (new connection).
  const again = await world.knock(ctx.room, ctx.tokens[0], 'Anna');
  assert.equal(again.answer.counsel, 'waiting');
});

test('a rejected admit changes nothing: the person is still in the lobby', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }, { label: 'B' }] });
  const a = await world.enterLobby(ctx, ctx.tokens[0], 'Anna');
  // A lobby member may not admit (itself included).
  assertError(await a.handle.request({ request: 'admit', id: a.id }), 487, 'lobby member admits');
  // An id that is nobody is 481.
  const nobody = a.id === 12345 ? 12346 : 12345;
  assertError(await ctx.moderator.request({ request: 'admit', id: nobody }), 481, 'admit unknown id');
  await a.handle.expectNoEvent('admitted', 300);
  // The next lobby event (B knocks) still lists A.
  ctx.moderator.drain();
  const b = await world.enterLobby(ctx, ctx.tokens[1], 'Bernd');
  assert.deepEqual(lobbyIds(b.lobbyEvent), [a.id, b.id].sort());
  // And A can still be admitted.
  await world.admit(ctx, a);
});

test('a second join on one handle is 487', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }, { label: 'B' }] });
  const a = await world.enterLobby(ctx, ctx.tokens[0], 'Anna');
  const again = await a.handle.request({ request: 'join', room: ctx.room, token: ctx.tokens[1], display: 'Anna 2' });
  assertError(again, 487);
  assertError(
    await ctx.moderator.request({ request: 'join', room: ctx.room, token: ctx.created.moderator_token, display: 'M' }),
    487,
    'moderator joins twice on its handle',
  );
  const lobby = await latestEvent(ctx.moderator, 'lobby');
  assert.deepEqual(lobbyIds(lobby), [a.id], 'still only A in the lobby');
});

test('the room password leads to the lobby too; a wrong one is 482', async () => {
  const ctx = await world.openRoom({ invitees: [], password: true });
  const wrong = await world.knock(ctx.room, wrongLike(ctx.created.password), 'X', { password: true });
  assertError(wrong.answer, 482);
  const p = await world.enterLobby(ctx, ctx.created.password, 'Paula', { password: true });
  await world.admit(ctx, p);
});

test('an admitted person who leaves goes back through the lobby', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }] });
  const a = await world.enterRoom(ctx, ctx.tokens[0], 'Anna');
  const left = await a.handle.request({ request: 'leave' });
  assert.equal(left.counsel, 'left');
  await ctx.moderator.nextEvent(
    (d) => d && d.counsel === 'participants' && !d.participants.some((p) => p.id === a.id),
    5000,
  );
  const back = await world.knock(ctx.room, ctx.tokens[0], 'Anna');
  assert.equal(back.answer.counsel, 'waiting', 'a returning person waits again');
  await back.handle.expectNoEvent('admitted', 300);
});

// A connection that drops without `leave` keeps its seat for reconnect_grace_s
// and comes back without the lobby; after the window it knocks again: reconnect.test.js.

test('mute: ok, the person is told, everyone sees it in participants', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }, { label: 'B' }] });
  const a = await world.enterRoom(ctx, ctx.tokens[0], 'Anna');
  const b = await world.enterRoom(ctx, ctx.tokens[1], 'Bernd');
  b.handle.drain();
  const ok = await ctx.moderator.request({ request: 'mute', id: a.id, audio: true });
  assertOk(ok, 'mute');
  const muted = await a.handle.nextEvent('muted', 5000);
  assert.deepEqual(muted.muted, { audio: true, video: false });
  const seen = await b.handle.nextEvent(
    (d) => d && d.counsel === 'participants' && d.participants.some((p) => p.id === a.id && p.muted.audio === true),
    5000,
  );
  assert.deepEqual(seen.participants.find((p) => p.id === a.id).muted, { audio: true, video: false });
  // A participant may not mute others.
  assertError(await b.handle.request({ request: 'mute', id: a.id, video: true }), 487);
});

test('a lobby member hears nothing of the room while others come, get admitted, muted and leave', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }, { label: 'B' }] });
  const a = await world.enterLobby(ctx, ctx.tokens[0], 'Anna');
  const b = await world.enterRoom(ctx, ctx.tokens[1], 'Bernd');
  assertOk(await ctx.moderator.request({ request: 'mute', id: b.id, video: true }), 'mute');
  assert.equal((await b.handle.request({ request: 'leave' })).counsel, 'left');
  await a.handle.expectNoEvent(null, 300);
  assert.deepEqual(a.handle.seen, [], 'not a single event reached the lobby member');
});

test('a lobby member who leaves is gone from the moderator\'s lobby', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }] });
  const a = await world.enterLobby(ctx, ctx.tokens[0], 'Anna');
  assert.equal((await a.handle.request({ request: 'leave' })).counsel, 'left');
  const lobby = await ctx.moderator.nextEvent((d) => d && d.counsel === 'lobby' && d.waiting.length === 0, 5000);
  assert.deepEqual(lobby.waiting, []);
  assertError(await ctx.moderator.request({ request: 'admit', id: a.id }), 481, 'admit someone who left');
});

test('a peek says whether the room is end-to-end encrypted before anyone knocks, and seats nobody', async () => {
  const e2ee = await world.openRoom({ invitees: [{ label: 'A' }] });
  const plain = await world.openRoom({ invitees: [{ label: 'A' }], e2ee: false });
  e2ee.moderator.drain();
  const page = await world.person();
  // A page opened from a link: no name typed yet.
  const peek = await page.request({ request: 'join', room: e2ee.room, token: e2ee.tokens[0], peek: true });
  assert.deepEqual(peek, { counsel: 'peek', role: 'participant', e2ee: true, recording: 'off', notice: peek.notice });
  assert.equal(typeof peek.notice, 'string');
  const plainPeek = await page.request({ request: 'join', room: plain.room, token: plain.tokens[0], peek: true });
  assert.equal(plainPeek.e2ee, false);
  // The host heard of nothing, and a wrong link gets what a join gets.
  await e2ee.moderator.expectNoEvent(null, 300);
  assertError(await page.request({ request: 'join', room: e2ee.room, token: wrongLike(e2ee.tokens[0]), peek: true }), 482);
  // The same handle then knocks for real; `waiting` carries e2ee too.
  const waiting = await page.request({ request: 'join', room: e2ee.room, token: e2ee.tokens[0], display: 'Anna' });
  assert.equal(waiting.counsel, 'waiting');
  assert.equal(waiting.e2ee, true);
  const lobby = await e2ee.moderator.nextEvent('lobby', 5000);
  assert.deepEqual(lobbyIds(lobby), [waiting.id]);
});
