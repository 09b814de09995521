'use strict';
// Room capacity (489): max_participants admitted (moderator included), and
// max_participants places in the lobby for password knockers (personal links
// always reach it: lockout_lobby.test.js).

const assert = require('node:assert/strict');
const { test } = require('node:test');

const { useWorld, assertError, latestEvent, lobbyIds } = require('./harness/counsel');

const MAX = 2;

const world = useWorld({ counsel: { max_participants: MAX } });

test('admitting beyond max_participants is 489 and the person stays in the lobby', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }], password: true });
  await world.enterRoom(ctx, ctx.tokens[0], 'Anna'); // moderator + Anna = MAX
  const p = await world.enterLobby(ctx, ctx.created.password, 'Paula', { password: true });
  assertError(await ctx.moderator.request({ request: 'admit', id: p.id }), 489);
  await p.handle.expectNoEvent('admitted', 300);
  const lobby = await latestEvent(ctx.moderator, 'lobby');
  assert.deepEqual(lobbyIds(lobby), [p.id], 'Paula still waits');
});

test('a full lobby answers 489 to the next knock', async () => {
  const ctx = await world.openRoom({ invitees: [], password: true });
  const knocks = [];
  for (let i = 0; i < MAX; i += 1) {
    knocks.push(await world.enterLobby(ctx, ctx.created.password, `P${i}`, { password: true }));
  }
  const extra = await world.knock(ctx.room, ctx.created.password, 'One too many', { password: true });
  assertError(extra.answer, 489);
  const lobby = await latestEvent(ctx.moderator, 'lobby');
  assert.deepEqual(lobbyIds(lobby), knocks.map((k) => k.id).sort());
});
