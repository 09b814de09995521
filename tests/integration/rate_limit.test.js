'use strict';
// Rate limits of failed credentials (docs/api.md "Rate limits"):
//   per handle 5 tries then one every 10 s (tokens, passwords, practitioner
//   keys); wrong room passwords also per room id, 20 tries then one every
//   3 s, unknown room ids alike; tokens never wait for a room's limit.
//   Practitioner keys with counsel-keygen's $blake2b$ hash are judged at once
//   (only Argon2id checks wait for a limit: lockout_create.test.js). An empty
//   bucket answers 486 without checking the credential.

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { test } = require('node:test');

const { useWorld, assertError, wrongLike } = require('./harness/counsel');
const { sleep } = require('../support/util');

const world = useWorld();

const join = (handle, room, token, display = 'Guess') => handle.request({ request: 'join', room, token, display });
const joinPassword = (handle, room, password, display = 'Guess') => handle.request({ request: 'join', room, password, display });
const randomId = () => crypto.randomBytes(16).toString('base64url');

// `count` wrong credentials like `real` from one handle, one after the other
// (`send`: join or joinPassword); returns the error codes.
async function burst(handle, room, real, count, send = join) {
  const codes = [];
  for (let i = 0; i < count; i += 1) {
    const answer = await send(handle, room, wrongLike(real));
    codes.push(answer.counsel === 'error' ? answer.error_code : answer.counsel);
  }
  return codes;
}
const passwordBurst = (handle, room, realPassword, count) => burst(handle, room, realPassword, count, joinPassword);

test('per handle: 5 wrong tokens give 482, then 486 even for the right token; again after 10 s', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }, { label: 'B' }] });
  const attacker = await world.person();
  assert.deepEqual(await burst(attacker, ctx.room, ctx.tokens[0], 5), [482, 482, 482, 482, 482]);
  assertError(await join(attacker, ctx.room, wrongLike(ctx.tokens[0])), 486, '6th wrong token');
  assertError(await join(attacker, ctx.room, ctx.tokens[0]), 486, 'right token on an exhausted handle');
  await ctx.moderator.expectNoEvent('lobby', 200);
  // Another handle is not affected (the room bucket still has tries left).
  const other = await world.knock(ctx.room, ctx.tokens[0], 'Anna');
  assert.equal(other.answer.counsel, 'waiting');
  // After the documented 10 s the exhausted handle gets one more try.
  await sleep(10500);
  const later = await join(attacker, ctx.room, ctx.tokens[1], 'Bernd');
  assert.equal(later.counsel, 'waiting', `after 10 s: ${JSON.stringify(later)}`);
});

test('per room: 20 wrong passwords from many handles, then 486 for the password; tokens never wait; the password works again within 3 s', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }], password: true });
  const { password } = ctx.created;
  const attackers = await Promise.all([0, 1, 2, 3].map(() => world.person()));
  const started = Date.now();
  const codes = (await Promise.all(attackers.map((h) => passwordBurst(h, ctx.room, password, 5)))).flat();
  assert.deepEqual(codes, Array(20).fill(482));
  const elapsed = Date.now() - started;
  assert.ok(elapsed < 2500, `the burst was fast enough to test exactly (${elapsed} ms)`);
  assertError(await joinPassword(await world.person(), ctx.room, wrongLike(password)), 486, '21st wrong password, fresh handle');
  assertError(await joinPassword(await world.person(), ctx.room, password, 'Paula'), 486, 'the password while the room bucket is empty');
  // A token is never held up by the room's limit (128 bits need none).
  const anna = await join(await world.person(), ctx.room, ctx.tokens[0], 'Anna');
  assert.equal(anna.counsel, 'waiting', `a token while the password is limited: ${JSON.stringify(anna)}`);
  await sleep(3100);
  const later = await joinPassword(await world.person(), ctx.room, password, 'Paula');
  assert.equal(later.counsel, 'waiting', `the password 3 s after the attack: ${JSON.stringify(later)}`);
});

test('an unknown room id is limited exactly like a real one (no existence oracle)', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }], password: true });
  const unknown = randomId();
  // Tokens: only the handle's own limit, on real and unknown ids alike.
  const real = await burst(await world.person(), ctx.room, ctx.tokens[0], 6);
  const fake = await burst(await world.person(), unknown, ctx.tokens[0], 6);
  assert.deepEqual(real, [482, 482, 482, 482, 482, 486]);
  assert.deepEqual(fake, real);
  // Passwords: the room's limit, 20 then 486, for an unknown id as for a real one.
  for (const room of [ctx.room, randomId()]) {
    const attackers = await Promise.all([0, 1, 2, 3].map(() => world.person()));
    const codes = (await Promise.all(attackers.map((h) => passwordBurst(h, room, ctx.created.password, 5)))).flat();
    assert.deepEqual(codes, Array(20).fill(482), room === ctx.room ? 'real room' : 'unknown room');
    assertError(await joinPassword(await world.person(), room, wrongLike(ctx.created.password)), 486, '21st try');
  }
});

test('practitioner keys: 5 wrong per handle then 486; the right key is judged at once, even there', async () => {
  const create = (handle, key) => handle.request(world.createBody({ practitioner_key: key }));
  const wrongKey = () => `wrong-${crypto.randomBytes(12).toString('hex')}`;
  const attacker = await world.person();
  const codes = [];
  for (let i = 0; i < 5; i += 1) codes.push((await create(attacker, wrongKey())).error_code);
  assert.deepEqual(codes, [482, 482, 482, 482, 482]);
  assertError(await create(attacker, wrongKey()), 486, '6th wrong key on the handle');
  // counsel-keygen's $blake2b$ hash costs no Argon2id: the right key needs no limit, on any handle.
  const right = await create(attacker, world.janus.practitionerKey);
  assert.equal(right.counsel, 'created', `the right key on an exhausted handle: ${JSON.stringify(right)}`);
  // No cap across handles for keys that cost nothing to check: every handle's first five are judged.
  const others = await Promise.all([0, 1, 2, 3].map(() => world.person()));
  const more = (await Promise.all(others.map(async (h) => {
    const got = [];
    for (let i = 0; i < 5; i += 1) got.push((await create(h, wrongKey())).error_code);
    return got;
  }))).flat();
  assert.deepEqual(more, Array(20).fill(482));
  const created = await create(await world.person(), world.janus.practitionerKey);
  assert.equal(created.counsel, 'created', JSON.stringify(created));
});
