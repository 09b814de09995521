'use strict';
// Tombstones survive a crash: after SIGKILL and a restart on the same
// state_db, ended rooms are still 483, and rooms that were live at the crash
// are 483 too. With rooms open, people waiting and an admission in flight at
// the SIGKILL: nothing personal is left in any file under the plugin's
// folders, and the SQLite store passes its integrity check.

const assert = require('node:assert/strict');
const { test } = require('node:test');

const { useWorld, assertError } = require('./harness/counsel');
const { marker, scanTree, integrityCheck } = require('../support/privacy_scan');

const world = useWorld();

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

test('SIGKILL mid-admission: every room 483 after restart, no name/label/title/token on disk, store consistent', async (t) => {
  const names = { title: marker('Title'), labelA: marker('LabelA'), labelB: marker('LabelB') };
  const displays = { mod: marker('Mod'), anna: marker('Anna'), bernd: marker('Bernd'), pia: marker('Pia') };
  const rooms = [];
  for (let i = 0; i < 3; i += 1) {
    const ctx = await world.openRoom(
      { title: `${names.title}${i}`, invitees: [{ label: `${names.labelA}${i}` }, { label: `${names.labelB}${i}` }], password: true },
      { display: `${displays.mod}${i}` },
    );
    await world.enterRoom(ctx, ctx.tokens[0], `${displays.anna}${i}`);
    const waiting = await world.enterLobby(ctx, ctx.tokens[1], `${displays.bernd}${i}`);
    const byPassword = await world.enterLobby(ctx, ctx.created.password, `${displays.pia}${i}`, { password: true });
    rooms.push({ ctx, waiting, byPassword });
  }
  // Admissions in flight: sent, not awaited, then the crash.
  for (const { ctx, waiting } of rooms) ctx.moderator.sendRaw({ request: 'admit', id: waiting.id }).catch(() => {});
  const { signal } = await world.janus.kill('SIGKILL');
  assert.equal(signal, 'SIGKILL');
  await Promise.allSettled(world.people.map((h) => h.close()));
  world.people = [];
  await world.janus.restart();

  for (const [i, { ctx }] of rooms.entries()) {
    for (const [what, credential, options] of [
      ['moderator token', ctx.created.moderator_token, {}],
      ['admitted token', ctx.tokens[0], {}],
      ['token admitted at the crash', ctx.tokens[1], {}],
      ['password', ctx.created.password, { password: true }],
    ]) {
      assertError((await world.knock(ctx.room, credential, 'After', options)).answer, 483, `room ${i}, ${what}`);
    }
  }

  const markers = [...Object.values(names), ...Object.values(displays)];
  for (const { ctx } of rooms) markers.push(ctx.created.moderator_token, ...ctx.tokens, ctx.created.password);
  // Every file Janus and the plugin own: state_db (+ WAL/journal), rec_dir, logs.
  // The configs are ours (they hold no personal data, only the key hash).
  const hits = scanTree(world.janus.dir, markers, { skip: (f) => f.endsWith('.jcfg') });
  t.diagnostic(`scanned ${world.janus.dir}: ${hits.length} hits`);
  assert.deepEqual(hits, [], 'no display name, label, title, token or password in any file');
  assert.equal(integrityCheck(world.janus.stateDb), 'ok', 'PRAGMA integrity_check');
});
