'use strict';
// Timers with short settings: idle_end_s (the room ends after its moderator
// left without returning) and lobby_timeout_s (waiting too long -> timeout).

const assert = require('node:assert/strict');
const { test } = require('node:test');

const { useWorld, assertError, latestEvent, lobbyIds } = require('./harness/counsel');
const { sleep } = require('../support/util');

const IDLE_END_S = 2;
const LOBBY_TIMEOUT_S = 5;

const world = useWorld({ counsel: { idle_end_s: IDLE_END_S, lobby_timeout_s: LOBBY_TIMEOUT_S } });

test('idle end: idle_end_s after the moderator\'s session is gone, everyone gets ended(idle); 483 after', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }, { label: 'B' }] });
  const a = await world.enterRoom(ctx, ctx.tokens[0], 'Anna');
  const b = await world.enterLobby(ctx, ctx.tokens[1], 'Bernd');
  const gone = Date.now();
  await ctx.moderator.session.destroy();
  const endedA = await a.handle.nextEvent('ended', (IDLE_END_S + 4) * 1000);
  const waited = Date.now() - gone;
  assert.equal(endedA.reason, 'idle');
  assert.ok(waited >= IDLE_END_S * 1000 - 600, `not before idle_end_s (${waited} ms)`);
  const endedB = await b.handle.nextEvent('ended', 2000);
  assert.equal(endedB.reason, 'idle');
  assertError((await world.knock(ctx.room, ctx.created.moderator_token, 'M')).answer, 483, 'moderator token');
  assertError((await world.knock(ctx.room, ctx.tokens[1], 'B')).answer, 483, 'invitee token');
});

test('a moderator who returns within idle_end_s keeps the room', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }] });
  const a = await world.enterRoom(ctx, ctx.tokens[0], 'Anna');
  assert.equal((await ctx.moderator.request({ request: 'leave' })).counsel, 'left');
  await sleep(IDLE_END_S * 1000 / 3);
  const back = await world.person();
  const joined = await back.request({ request: 'join', room: ctx.room, token: ctx.created.moderator_token, display: 'M' });
  assert.equal(joined.counsel, 'joined');
  await a.handle.expectNoEvent('ended', IDLE_END_S * 1000 + 1500);
  const lock = await back.request({ request: 'lock' });
  assert.equal(lock.counsel, 'ok', 'the room is alive');
});

test('lobby timeout: after lobby_timeout_s a waiting person gets timeout and leaves the lobby', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }, { label: 'B' }] });
  const t0 = Date.now();
  const a = await world.enterLobby(ctx, ctx.tokens[0], 'Anna');
  const b = await world.enterLobby(ctx, ctx.tokens[1], 'Bernd');
  await world.admit(ctx, b);
  const timeout = await a.handle.nextEvent('timeout', (LOBBY_TIMEOUT_S + 4) * 1000);
  const waited = Date.now() - t0;
  assert.equal(timeout.counsel, 'timeout');
  assert.ok(waited >= LOBBY_TIMEOUT_S * 1000 - 600, `not before lobby_timeout_s (${waited} ms)`);
  const lobby = await latestEvent(ctx.moderator, 'lobby');
  assert.deepEqual(lobbyIds(lobby), [], 'the lobby is empty');
  // The admitted person was not timed out, the room goes on.
  await b.handle.expectNoEvent((d) => d && ['timeout', 'ended', 'removed'].includes(d.counsel), 10);
  // Sent away, not banned: the link knocks again.
  const again = await world.knock(ctx.room, ctx.tokens[0], 'Anna');
  assert.equal(again.answer.counsel, 'waiting');
});
