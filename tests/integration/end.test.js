'use strict';
// end: everyone is told, the room is purged and tombstoned: 483 for every
// credential afterwards.

const assert = require('node:assert/strict');
const { test } = require('node:test');

const { useWorld, assertError, wrongLike } = require('./harness/counsel');

const world = useWorld();

test('end: ended(moderator) to the moderator, to participants and to the lobby; 483 afterwards', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }, { label: 'B' }, { label: 'C' }], password: true });
  const a = await world.enterRoom(ctx, ctx.tokens[0], 'Anna');
  const b = await world.enterLobby(ctx, ctx.tokens[1], 'Bernd');
  const ended = await ctx.moderator.request({ request: 'end' });
  assert.deepEqual({ counsel: ended.counsel, reason: ended.reason }, { counsel: 'ended', reason: 'moderator' });
  for (const [who, guest] of [['participant', a], ['lobby member', b]]) {
    const event = await guest.handle.nextEvent('ended', 5000);
    assert.equal(event.reason, 'moderator', `${who}: ${JSON.stringify(event)}`);
  }
  // Every credential of the room now answers 483: moderator token, used and
  // unused personal tokens, the password.
  const tries = [
    ['moderator token', ctx.created.moderator_token, false],
    ['admitted person\'s token', ctx.tokens[0], false],
    ['lobby member\'s token', ctx.tokens[1], false],
    ['unused token', ctx.tokens[2], false],
    ['password', ctx.created.password, true],
  ];
  for (const [what, credential, password] of tries) {
    const knock = await world.knock(ctx.room, credential, 'Again', { password });
    assertError(knock.answer, 483, what);
  }
  // "A tombstoned id answers 483 forever": whatever the credential.
  assertError((await world.knock(ctx.room, wrongLike(ctx.tokens[0]), 'Again')).answer, 483, 'wrong token');
  // The old handles are out of the room: moderator requests no longer work.
  const admit = await ctx.moderator.request({ request: 'admit', id: b.id });
  assert.equal(admit.counsel, 'error', `admit after end: ${JSON.stringify(admit)}`);
  await b.handle.expectNoEvent('admitted', 200);
});

test('ending one room leaves another untouched', async () => {
  const one = await world.openRoom({ invitees: [{ label: 'A' }] });
  const two = await world.openRoom({ invitees: [{ label: 'A' }] });
  const a2 = await world.enterRoom(two, two.tokens[0], 'Anna');
  assert.equal((await one.moderator.request({ request: 'end' })).counsel, 'ended');
  await a2.handle.expectNoEvent('ended', 300);
  await two.moderator.expectNoEvent('ended', 10);
  const lock = await two.moderator.request({ request: 'lock' });
  assert.equal(lock.counsel, 'ok');
});

test('a room that ended before anyone but the moderator came is 483 for its invitees', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }] });
  assert.equal((await ctx.moderator.request({ request: 'end' })).counsel, 'ended');
  assertError((await world.knock(ctx.room, ctx.tokens[0], 'Anna')).answer, 483);
});
