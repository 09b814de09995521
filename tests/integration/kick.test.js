'use strict';
// kick: the person is removed and their personal token is burned (482 after).

const assert = require('node:assert/strict');
const { test } = require('node:test');

const { useWorld, assertError, assertOk, latestEvent, participantIds } = require('./harness/counsel');

const world = useWorld();

test('kicking an admitted participant: removed, participants updated, token burned (482)', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }, { label: 'B' }] });
  const a = await world.enterRoom(ctx, ctx.tokens[0], 'Anna');
  const b = await world.enterRoom(ctx, ctx.tokens[1], 'Bernd');
  const ok = await ctx.moderator.request({ request: 'kick', id: a.id });
  assertOk(ok, 'kick');
  const removed = await a.handle.nextEvent('removed', 5000);
  assert.equal(removed.counsel, 'removed');
  const seen = await b.handle.nextEvent(
    (d) => d && d.counsel === 'participants' && !d.participants.some((p) => p.id === a.id),
    5000,
  );
  assert.deepEqual(participantIds(seen), [ctx.joined.id, b.id].sort());
  // The burned token: 482 on a fresh connection, never the lobby.
  ctx.moderator.drain();
  const again = await world.knock(ctx.room, ctx.tokens[0], 'Anna');
  assertError(again.answer, 482);
  await ctx.moderator.expectNoEvent((d) => d && d.counsel === 'lobby' && d.waiting.length > 0, 300);
  // The other invitee's token still works.
  await b.handle.request({ request: 'leave' });
  const bBack = await world.knock(ctx.room, ctx.tokens[1], 'Bernd');
  assert.equal(bBack.answer.counsel, 'waiting');
});

test('kicking a lobby member: removed, lobby updated, token burned', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }] });
  const a = await world.enterLobby(ctx, ctx.tokens[0], 'Anna');
  assertOk(await ctx.moderator.request({ request: 'kick', id: a.id }), 'kick');
  await a.handle.nextEvent('removed', 5000);
  const lobby = await latestEvent(ctx.moderator, 'lobby');
  assert.deepEqual(lobby.waiting, []);
  assertError((await world.knock(ctx.room, ctx.tokens[0], 'Anna')).answer, 482);
});

test('kicking a password joiner bans that handle, not the password', async () => {
  const ctx = await world.openRoom({ invitees: [], password: true });
  const p = await world.enterRoom(ctx, ctx.created.password, 'Paula', { password: true });
  assertOk(await ctx.moderator.request({ request: 'kick', id: p.id }), 'kick');
  await p.handle.nextEvent('removed', 5000);
  const sameHandle = await p.handle.request({ request: 'join', room: ctx.room, password: ctx.created.password, display: 'Paula' });
  assertError(sameHandle, 482, 'the banned handle knocks again');
  const other = await world.knock(ctx.room, ctx.created.password, 'Peter', { password: true });
  assert.equal(other.answer.counsel, 'waiting', 'the room password itself stays valid');
});

test('kick of an unknown id is 481 and of oneself 487; nothing changes', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }] });
  const a = await world.enterRoom(ctx, ctx.tokens[0], 'Anna');
  const unknown = a.id === 777 ? 778 : 777;
  assertError(await ctx.moderator.request({ request: 'kick', id: unknown }), 481);
  // "not self": not allowed for the moderator's role (487).
  assertError(await ctx.moderator.request({ request: 'kick', id: ctx.joined.id }), 487, 'kick self');
  await a.handle.expectNoEvent((d) => d && ['removed', 'ended'].includes(d.counsel), 300);
  // The moderator is still the moderator.
  assertOk(await ctx.moderator.request({ request: 'lock' }), 'lock', { locked: true });
});
