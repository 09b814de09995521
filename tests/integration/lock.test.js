'use strict';
// lock / unlock: while locked nobody new reaches the lobby (485).

const assert = require('node:assert/strict');
const { test, before, after } = require('node:test');

const { World, assertError, assertOk, latestEvent, lobbyIds } = require('./harness/counsel');

let world;
before(async () => {
  world = await World.start();
});
after(async () => {
  if (world) await world.close();
});

test('locked: a new knock is 485 and the lobby is unchanged; unlocked: it works again', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }, { label: 'B' }] });
  const a = await world.enterLobby(ctx, ctx.tokens[0], 'Anna');
  assertOk(await ctx.moderator.request({ request: 'lock' }), 'lock', { locked: true });
  ctx.moderator.drain();
  const b = await world.knock(ctx.room, ctx.tokens[1], 'Bernd');
  assertError(b.answer, 485);
  await ctx.moderator.expectNoEvent('lobby', 300);
  await b.handle.expectNoEvent(null, 10);
  // Whoever waited before the lock can still be admitted.
  await world.admit(ctx, a);
  assertOk(await ctx.moderator.request({ request: 'unlock' }), 'unlock', { locked: false });
  const b2 = await world.enterLobby(ctx, ctx.tokens[1], 'Bernd');
  assert.deepEqual(lobbyIds(b2.lobbyEvent), [b2.id]);
});

test('the password is locked out too', async () => {
  const ctx = await world.openRoom({ invitees: [], password: true });
  assertOk(await ctx.moderator.request({ request: 'lock' }), 'lock', { locked: true });
  assertError((await world.knock(ctx.room, ctx.created.password, 'P', { password: true })).answer, 485);
});

test('a reconnecting moderator sees the room still locked', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }] });
  assertOk(await ctx.moderator.request({ request: 'lock' }), 'lock', { locked: true });
  await ctx.moderator.session.destroy();
  const back = await world.person();
  const joined = await back.request({
    request: 'join', room: ctx.room, token: ctx.created.moderator_token, display: 'M', resume: ctx.joined.resume,
  });
  assert.equal(joined.counsel, 'resumed');
  assert.equal(joined.role, 'moderator');
  assert.equal(joined.locked, true);
});

test('only the moderator locks (487) and a refused lock changes nothing', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }, { label: 'B' }] });
  const a = await world.enterRoom(ctx, ctx.tokens[0], 'Anna');
  assertError(await a.handle.request({ request: 'lock' }), 487);
  const b = await world.enterLobby(ctx, ctx.tokens[1], 'Bernd');
  assert.equal(b.answer.counsel, 'waiting', 'still unlocked');
  const lobby = await latestEvent(ctx.moderator, 'lobby');
  assert.deepEqual(lobbyIds(lobby), [b.id]);
});
