'use strict';
// `create` and the moderator's first `join`: the shape of every answer.

const assert = require('node:assert/strict');
const { test } = require('node:test');

const { useWorld, assertError, assertParticipantId, TOKEN_RE, PASSWORD_RE } = require('./harness/counsel');
const { nowS } = require('../support/util');

const world = useWorld({ counsel: { max_duration_s: 7200, max_participants: 4 } });

test('create answers room, moderator token, one token per invitee, defaults', async () => {
  const before = nowS();
  const created = await world.create({ invitees: [{ label: 'Mother' }, { label: 'Teacher' }], title: 'Case 7' });
  const after = nowS();
  assert.equal(created.counsel, 'created');
  assert.match(created.room, TOKEN_RE);
  assert.match(created.moderator_token, TOKEN_RE);
  assert.deepEqual(created.invites.map((i) => i.label), ['Mother', 'Teacher']);
  for (const invite of created.invites) assert.match(invite.token, TOKEN_RE);
  const all = [created.room, created.moderator_token, ...created.invites.map((i) => i.token)];
  assert.equal(new Set(all).size, all.length, 'room id and tokens are all different');
  assert.equal('password' in created, false, 'no password unless asked for');
  assert.ok(created.starts_at >= before && created.starts_at <= after, `starts_at defaults to now: ${created.starts_at}`);
  assert.equal(created.expires_at, created.starts_at + 3600, 'default duration min(3600, max_duration_s)');
  assert.equal(created.e2ee, true, 'e2ee by default');
  assert.equal(created.recording, 'off', 'recording off by default');
});

test('create with password, recording with_consent, explicit start and duration', async () => {
  const startsAt = nowS() + 600;
  const created = await world.create({
    invitees: [], password: true, recording: 'with_consent', starts_at: startsAt, duration_s: 120,
  });
  assert.equal(created.counsel, 'created');
  assert.match(created.password, PASSWORD_RE);
  assert.deepEqual(created.invites, []);
  assert.equal(created.e2ee, false, 'with_consent defaults e2ee to false');
  assert.equal(created.recording, 'with_consent');
  assert.equal(created.starts_at, startsAt);
  assert.equal(created.expires_at, startsAt + 120);
});

test('every room gets fresh identifiers', async () => {
  const a = await world.create();
  const b = await world.create();
  assert.notEqual(a.room, b.room);
  assert.notEqual(a.moderator_token, b.moderator_token);
  assert.notEqual(a.invites[0].token, b.invites[0].token);
});

test('a wrong practitioner key is 482 and creates nothing', async () => {
  const practitioner = await world.person();
  const answer = await practitioner.request(world.createBody({ practitioner_key: 'not-the-key-at-all-000000' }));
  assertError(answer, 482);
});

test('the moderator token seats the moderator with the documented answer', async () => {
  const created = await world.create({ title: 'Parents meeting', duration_s: 900 });
  const moderator = await world.person();
  const joined = await moderator.request({
    request: 'join', room: created.room, token: created.moderator_token, display: 'Dr. M',
  });
  assert.equal(joined.counsel, 'joined');
  assert.equal(joined.role, 'moderator');
  assertParticipantId(joined.id);
  assert.equal(joined.room, created.room);
  assert.equal(joined.title, 'Parents meeting');
  assert.ok(Array.isArray(joined.participants), 'participants is a list');
  assert.deepEqual(joined.lobby, []);
  assert.equal(joined.locked, false);
  assert.equal(joined.e2ee, true);
  assert.equal(joined.recording, 'off');
  assert.equal(joined.expires_at, created.expires_at);
  assert.equal(typeof joined.notice, 'string');
  assert.ok(joined.notice.length > 0, 'a notice is shown before joining');
});

test('the practitioner can create and then join on the same handle (web page flow)', async () => {
  const practitioner = await world.person();
  const created = await practitioner.request(world.createBody());
  assert.equal(created.counsel, 'created');
  const joined = await practitioner.request({
    request: 'join', room: created.room, token: created.moderator_token, display: 'Dr. Same',
  });
  assert.equal(joined.counsel, 'joined');
  assert.equal(joined.role, 'moderator');
});

test('invitees beyond max_participants - 1 are refused with 481', async () => {
  const practitioner = await world.person();
  const answer = await practitioner.request(world.createBody({
    invitees: [{ label: 'a' }, { label: 'b' }, { label: 'c' }, { label: 'd' }],
  }));
  assertError(answer, 481);
  const ok = await practitioner.request(world.createBody({ invitees: [{ label: 'a' }, { label: 'b' }, { label: 'c' }] }));
  assert.equal(ok.counsel, 'created', 'max_participants - 1 invitees are fine');
});

test('a room without invitees and without password is refused with 481', async () => {
  const practitioner = await world.person();
  assertError(await practitioner.request(world.createBody({ invitees: [] })), 481);
  assertError(await practitioner.request(world.createBody({ invitees: [], password: false })), 481);
});

test('duration_s above max_duration_s is 481, at max_duration_s is fine', async () => {
  const practitioner = await world.person();
  assertError(await practitioner.request(world.createBody({ duration_s: 7201 })), 481);
  const ok = await practitioner.request(world.createBody({ duration_s: 7200 }));
  assert.equal(ok.counsel, 'created');
  assert.equal(ok.expires_at - ok.starts_at, 7200);
});
