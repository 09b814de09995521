'use strict';
// Exactly one moderator seat per room (484), freed when the moderator's Janus
// session goes away, and no rights for anyone else.

const assert = require('node:assert/strict');
const { test, before, after } = require('node:test');

const { World, assertError, assertOk, lobbyIds, latestEvent, joinModerator } = require('./harness/counsel');

let world;
before(async () => {
  world = await World.start();
});
after(async () => {
  if (world) await world.close();
});

test('a second moderator join is 484 and the first moderator keeps the seat', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }] });
  const intruder = await world.person();
  assertError(await joinModerator(intruder, ctx), 484);
  // The real moderator still acts as moderator.
  const a = await world.enterLobby(ctx, ctx.tokens[0], 'Anna');
  await world.admit(ctx, a);
  // The refused handle got no role: it may not admit or lock.
  assertError(await intruder.request({ request: 'lock' }), 487);
});

// A moderator whose connection goes keeps the seat for reconnect_grace_s: their
// page takes it back with the resume secret of its `joined` (reconnect.test.js
// has the window's end); anyone else with the moderator token gets 484 meanwhile.
const resumeModerator = (handle, ctx, display = 'Dr. Back') =>
  handle.request({ request: 'join', room: ctx.room, token: ctx.created.moderator_token, display, resume: ctx.joined.resume });

test('the seat is retaken after the moderator\'s Janus session is destroyed', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }] });
  const a = await world.enterLobby(ctx, ctx.tokens[0], 'Anna');
  await ctx.moderator.session.destroy();
  const other = await world.person();
  assertError(await joinModerator(other, ctx, 'Dr. Other'), 484);
  const back = await world.person();
  const joined = await resumeModerator(back, ctx);
  assert.equal(joined.counsel, 'resumed');
  assert.equal(joined.role, 'moderator');
  assert.deepEqual(joined.lobby.map((w) => w.id), [a.id], 'the lobby survived the moderator\'s reconnect');
  const ok = await back.request({ request: 'admit', id: a.id });
  assertOk(ok, 'admit', { id: a.id });
  await a.handle.nextEvent('admitted', 5000);
});

test('the seat is retaken after the moderator detaches its handle', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }] });
  await ctx.moderator.detach();
  const back = await world.person();
  const joined = await resumeModerator(back, ctx);
  assert.equal(joined.counsel, 'resumed');
  assert.equal(joined.role, 'moderator');
});

test('the seat is retaken after the moderator leaves', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }] });
  const left = await ctx.moderator.request({ request: 'leave' });
  assert.equal(left.counsel, 'left');
  const back = await world.person();
  const joined = await joinModerator(back, ctx);
  assert.equal(joined.role, 'moderator');
});

test('participants and lobby members have no moderator rights (487) and nothing changes', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }, { label: 'B' }] });
  const a = await world.enterRoom(ctx, ctx.tokens[0], 'Anna');
  const b = await world.enterLobby(ctx, ctx.tokens[1], 'Bernd');
  for (const [who, handle] of [['participant', a.handle], ['lobby member', b.handle]]) {
    assertError(await handle.request({ request: 'admit', id: b.id }), 487, `${who} admit`);
    assertError(await handle.request({ request: 'deny', id: b.id }), 487, `${who} deny`);
    assertError(await handle.request({ request: 'kick', id: a.id }), 487, `${who} kick`);
    assertError(await handle.request({ request: 'lock' }), 487, `${who} lock`);
    assertError(await handle.request({ request: 'end' }), 487, `${who} end`);
    assertError(await handle.request({ request: 'incident', category: 'other' }), 487, `${who} incident`);
  }
  await b.handle.expectNoEvent(null, 300);
  await a.handle.expectNoEvent((d) => d && ['removed', 'ended'].includes(d.counsel), 10);
  // B is still waiting and the room is not locked: a third knock reaches the lobby.
  const c = await world.knock(ctx.room, ctx.tokens[1], 'Bernd again');
  assertError(c.answer, 490, 'B\'s token is still in use by B in the lobby');
  const lobby = await latestEvent(ctx.moderator, 'lobby');
  assert.deepEqual(lobbyIds(lobby), [b.id]);
});

test('a handle that has not joined may not act (487)', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }] });
  const stranger = await world.person();
  assertError(await stranger.request({ request: 'admit', id: ctx.joined.id }), 487);
  assertError(await stranger.request({ request: 'end' }), 487);
  assertError(await stranger.request({ request: 'leave' }), 487);
});
