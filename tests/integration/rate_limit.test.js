'use strict';
// Rate limits of failed credentials (README "Rate limits"):
//   per handle 5 tries then one every 10 s; per room id 20 tries then one
//   every 3 s, unknown room ids alike; practitioner keys 5 per handle and a
//   global 10 then one per second. An empty bucket answers 486 without
//   checking the credential.

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { test, before, after } = require('node:test');

const { World, assertError, wrongLike } = require('./harness/counsel');
const { sleep } = require('./harness/util');

let world;
before(async () => {
  world = await World.start();
});
after(async () => {
  if (world) await world.close();
});

const join = (handle, room, token, display = 'Guess') => handle.request({ request: 'join', room, token, display });
const randomId = () => crypto.randomBytes(16).toString('base64url');

// `count` wrong tokens from one handle, one after the other; returns the error codes.
async function burst(handle, room, realToken, count) {
  const codes = [];
  for (let i = 0; i < count; i += 1) {
    const answer = await join(handle, room, wrongLike(realToken));
    codes.push(answer.counsel === 'error' ? answer.error_code : answer.counsel);
  }
  return codes;
}

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

test('per room: 20 wrong tokens from many handles, then 486 for anyone; the right link works again within 3 s', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }] });
  const attackers = await Promise.all([0, 1, 2, 3].map(() => world.person()));
  const started = Date.now();
  const codes = (await Promise.all(attackers.map((h) => burst(h, ctx.room, ctx.tokens[0], 5)))).flat();
  assert.deepEqual(codes, Array(20).fill(482));
  const elapsed = Date.now() - started;
  assert.ok(elapsed < 2500, `the burst was fast enough to test exactly (${elapsed} ms)`);
  const fresh = await world.person();
  assertError(await join(fresh, ctx.room, wrongLike(ctx.tokens[0])), 486, '21st wrong token, fresh handle');
  const rightNow = await world.person();
  assertError(await join(rightNow, ctx.room, ctx.tokens[0], 'Anna'), 486, 'right token while the room bucket is empty');
  await ctx.moderator.expectNoEvent('lobby', 100);
  await sleep(3100);
  const rightLater = await world.person();
  const answer = await join(rightLater, ctx.room, ctx.tokens[0], 'Anna');
  assert.equal(answer.counsel, 'waiting', `right link 3 s after the attack: ${JSON.stringify(answer)}`);
});

test('an unknown room id is limited exactly like a real one (no existence oracle)', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }] });
  const unknown = randomId();
  const onReal = await world.person();
  const onUnknown = await world.person();
  const real = [...(await burst(onReal, ctx.room, ctx.tokens[0], 6))];
  const fake = [...(await burst(onUnknown, unknown, ctx.tokens[0], 6))];
  assert.deepEqual(real, [482, 482, 482, 482, 482, 486]);
  assert.deepEqual(fake, real);
  // Room bucket for the unknown id: 20 then 486, like a real room.
  const other = randomId();
  const attackers = await Promise.all([0, 1, 2, 3].map(() => world.person()));
  const codes = (await Promise.all(attackers.map((h) => burst(h, other, ctx.tokens[0], 5)))).flat();
  assert.deepEqual(codes, Array(20).fill(482));
  assertError(await join(await world.person(), other, wrongLike(ctx.tokens[0])), 486, 'unknown room, 21st try');
});

test('practitioner keys: 5 wrong per handle then 486; a global cap across handles', async () => {
  const create = (handle, key) => handle.request(world.createBody({ practitioner_key: key }));
  const wrongKey = () => `wrong-${crypto.randomBytes(12).toString('hex')}`;
  const first = await create(await world.person(), world.janus.practitionerKey);
  assert.equal(first.counsel, 'created', 'the right key verifies once (and is remembered)');
  const attacker = await world.person();
  const codes = [];
  for (let i = 0; i < 5; i += 1) codes.push((await create(attacker, wrongKey())).error_code);
  assert.deepEqual(codes, [482, 482, 482, 482, 482]);
  assertError(await create(attacker, wrongKey()), 486, '6th wrong key on the handle');
  // A key that verified before is remembered and costs no Argon2id, so the limits (which
  // bound that cost) do not apply to it: wrong keys cannot lock a practitioner out.
  const remembered = await create(attacker, world.janus.practitionerKey);
  assert.equal(remembered.counsel, 'created', `remembered key on an exhausted handle: ${JSON.stringify(remembered)}`);
  // Global bucket (10, then one per second): 5 are used; more handles hit it.
  const others = await Promise.all([0, 1, 2, 3].map(() => world.person()));
  const more = (await Promise.all(others.map(async (h) => {
    const got = [];
    for (let i = 0; i < 5; i += 1) got.push((await create(h, wrongKey())).error_code);
    return got;
  }))).flat();
  assert.ok(more.every((c) => c === 482 || c === 486), `only 482/486: ${more}`);
  assert.ok(more.includes(486), `the global bucket ran dry across handles: ${more}`);
  // After the attack stops the right key works again from a fresh handle.
  await sleep(2000);
  const practitioner = await world.person();
  const created = await create(practitioner, world.janus.practitionerKey);
  assert.equal(created.counsel, 'created', JSON.stringify(created));
});
