'use strict';
// Tombstones survive a crash: after SIGKILL and a restart on the same
// state_db, ended rooms are still 483, and rooms that were live at the crash
// are 483 too.

const assert = require('node:assert/strict');
const { test, before, after } = require('node:test');

const { World, assertError } = require('./harness/counsel');

let world;
before(async () => {
  world = await World.start();
});
after(async () => {
  if (world) await world.close();
});

test('SIGKILL + restart: ended and live rooms answer 483; new rooms work', async () => {
  // Ended before the crash.
  const ended = await world.openRoom({ invitees: [{ label: 'A' }] });
  assert.equal((await ended.moderator.request({ request: 'end' })).counsel, 'ended');
  // Live at the crash, with a participant and a lobby member.
  const live = await world.openRoom({ invitees: [{ label: 'A' }, { label: 'B' }], password: true });
  await world.enterRoom(live, live.tokens[0], 'Anna');
  await world.enterLobby(live, live.tokens[1], 'Bernd');
  // Created but nobody joined yet.
  const fresh = await world.create({ invitees: [{ label: 'A' }] });

  const { signal } = await world.janus.kill('SIGKILL');
  assert.equal(signal, 'SIGKILL');
  await Promise.allSettled(world.people.map((h) => h.close()));
  world.people = [];
  await world.janus.restart();

  for (const [what, room, token] of [
    ['ended room, moderator token', ended.room, ended.created.moderator_token],
    ['ended room, invitee token', ended.room, ended.tokens[0]],
    ['live room, moderator token', live.room, live.created.moderator_token],
    ['live room, admitted invitee token', live.room, live.tokens[0]],
    ['live room, waiting invitee token', live.room, live.tokens[1]],
  ]) {
    assertError((await world.knock(room, token, 'After')).answer, 483, what);
  }
  assertError((await world.knock(live.room, live.created.password, 'After', { password: true })).answer, 483, 'live room, password');
  // A room created but never joined was live too: it must not come back as a room.
  const freshKnock = await world.knock(fresh.room, fresh.moderator_token, 'After');
  assertError(freshKnock.answer, 483, 'room created (no one joined) before the crash');

  // The plugin works after the restart.
  const next = await world.openRoom({ invitees: [{ label: 'A' }] });
  const a = await world.enterLobby(next, next.tokens[0], 'Anna');
  await world.admit(next, a);
});

test('a clean restart (SIGTERM) keeps tombstones as well', async () => {
  const ended = await world.openRoom({ invitees: [{ label: 'A' }] });
  assert.equal((await ended.moderator.request({ request: 'end' })).counsel, 'ended');
  const live = await world.openRoom({ invitees: [{ label: 'A' }] });
  await Promise.allSettled(world.people.map((h) => h.close()));
  world.people = [];
  await world.janus.restart();
  assertError((await world.knock(ended.room, ended.created.moderator_token, 'M')).answer, 483, 'ended room');
  assertError((await world.knock(live.room, live.created.moderator_token, 'M')).answer, 483, 'room live at shutdown');
});
