'use strict';
// Malformed and out-of-range input: the documented codes (480, 481, 488) and
// no state change afterwards.

const assert = require('node:assert/strict');
const { test, before, after } = require('node:test');

const { World, assertError, assertOk, latestEvent, lobbyIds } = require('./harness/counsel');
const { nowS } = require('../support/util');
const { dataChannelOffer } = require('./harness/sdp');

let world;
let ctx; // one open room with invitees A, B and a password
let anna; // A, waiting in the lobby
before(async () => {
  world = await World.start();
  ctx = await world.openRoom({ invitees: [{ label: 'A' }, { label: 'B' }], password: true });
  anna = await world.enterLobby(ctx, ctx.tokens[0], 'Anna');
});
after(async () => {
  if (world) await world.close();
});

test('a body that is not an object never reaches the plugin: Janus refuses it (467)', async () => {
  const handle = await world.person();
  for (const body of ['join', 42, ['request', 'create'], null]) {
    const reply = await handle.sendRaw(body);
    assert.equal(reply.janus, 'error', `body ${JSON.stringify(body)}: ${JSON.stringify(reply)}`);
    assert.ok([455, 456, 467].includes(reply.error.code), `Janus error code ${reply.error.code}`);
  }
  // The handle still works afterwards.
  const joined = await handle.request({ request: 'join', room: ctx.room, token: ctx.tokens[1], display: 'Bernd' });
  assert.equal(joined.counsel, 'waiting');
  await handle.request({ request: 'leave' });
});

test('unknown or missing `request` is 480', async () => {
  const handle = await world.person();
  for (const body of [{}, { request: 5 }, { request: null }, { request: 'fly' }, { request: 'CREATE' }, { request: '' }]) {
    assertError(await handle.request(body), 480, JSON.stringify(body));
  }
});

test('create with wrong-typed fields is 480', async () => {
  const handle = await world.person();
  const cases = [
    { invitees: 'A' },
    { invitees: ['A'] },
    { invitees: [{ label: 5 }] },
    { invitees: [{}] },
    { invitees: undefined },
    { practitioner_key: undefined },
    { practitioner_key: 12345 },
    { e2ee: 'yes' },
    { password: 1 },
    { duration_s: '600' },
    { duration_s: 600.5 },
    { starts_at: String(nowS()) },
    { recording: true },
    { title: 7 },
  ];
  for (const override of cases) {
    const body = world.createBody(override);
    for (const [k, v] of Object.entries(override)) if (v === undefined) delete body[k];
    assertError(await handle.request(body), 480, `create ${JSON.stringify(override)}`);
  }
});

test('create with out-of-range values is 481', async () => {
  const handle = await world.person();
  const now = nowS();
  const cases = [
    { duration_s: 59 },
    { duration_s: 0 },
    { duration_s: -60 },
    { duration_s: 14401 },
    { starts_at: now - 3600 },
    { starts_at: now + 8 * 24 * 3600 },
    { invitees: [{ label: '' }] },
    { invitees: [{ label: 'x'.repeat(65) }] },
    { invitees: [{ label: 'line\nbreak' }] },
    { invitees: [{ label: 'bell\u0007' }] },
    { invitees: [{ label: 'evil\u202Eoverride' }] },
    { title: 't'.repeat(81) },
    { recording: 'always' },
  ];
  for (const override of cases) {
    assertError(await handle.request(world.createBody(override)), 481, `create ${JSON.stringify(override)}`);
  }
  // The edges that are allowed.
  const ok = await handle.request(world.createBody({ invitees: [{ label: 'x'.repeat(64) }], duration_s: 60 }));
  assert.equal(ok.counsel, 'created', JSON.stringify(ok));
});

test('e2ee with recording with_consent is 488', async () => {
  const handle = await world.person();
  assertError(await handle.request(world.createBody({ e2ee: true, recording: 'with_consent' })), 488);
  const ok = await handle.request(world.createBody({ e2ee: false, recording: 'with_consent' }));
  assert.equal(ok.counsel, 'created');
  assert.equal(ok.e2ee, false);
});

test('bad joins (480, 481, 488) leave no trace: nobody new in the lobby, the token not in use', async () => {
  const token = ctx.tokens[1];
  ctx.moderator.drain();
  const cases = [
    [{ room: ctx.room, token, display: 5 }, 480],
    [{ room: ctx.room, token }, 480],
    [{ room: 12, token, display: 'B' }, 480],
    [{ room: ctx.room, display: 'B' }, 480],
    [{ room: ctx.room, token: 42, display: 'B' }, 480],
    [{ room: ctx.room, token, display: '' }, 481],
    [{ room: ctx.room, token, display: 'x'.repeat(65) }, 481],
    [{ room: ctx.room, token, display: 'tab\there' }, 481],
    [{ room: ctx.room, token, display: 'new\nline' }, 481],
    [{ room: ctx.room, token: 'short', display: 'B' }, 481],
    [{ room: 'not a room!', token, display: 'B' }, 481],
    [{ room: ctx.room, token, password: ctx.created.password, display: 'B' }, 488],
  ];
  for (const [fields, code] of cases) {
    const handle = await world.person();
    assertError(await handle.request({ request: 'join', ...fields }), code, `join ${JSON.stringify(fields)}`);
  }
  await ctx.moderator.expectNoEvent('lobby', 300);
  // B's token is neither in use nor rate-limited nor burned.
  const bernd = await world.enterLobby(ctx, token, 'Bernd');
  assert.deepEqual(lobbyIds(bernd.lobbyEvent), [anna.id, bernd.id].sort());
  assertOk(await ctx.moderator.request({ request: 'deny', id: bernd.id }), 'deny');
  await bernd.handle.nextEvent('denied', 5000);
});

test('bad moderator requests (480, 481) change nothing: Anna still waits', async () => {
  const m = ctx.moderator;
  const cases = [
    [{ request: 'admit' }, 480],
    [{ request: 'admit', id: String(anna.id) }, 480],
    [{ request: 'admit', id: 1.5 }, 480],
    [{ request: 'admit', id: 0 }, 481],
    [{ request: 'admit', id: -1 }, 481],
    [{ request: 'admit', id: 2 ** 53 }, 481],
    [{ request: 'deny', id: true }, 480],
    [{ request: 'kick', id: null }, 480],
    [{ request: 'mute', id: anna.id }, 480],
    [{ request: 'mute', id: anna.id, audio: 'yes' }, 480],
    [{ request: 'incident' }, 480],
    [{ request: 'incident', category: 'aliens' }, 481],
  ];
  for (const [body, code] of cases) {
    assertError(await m.request(body), code, JSON.stringify(body));
  }
  await anna.handle.expectNoEvent((d) => d && ['admitted', 'denied', 'removed', 'muted'].includes(d.counsel), 300);
  const lobby = await latestEvent(m, 'lobby');
  assert.ok(lobby.waiting.some((w) => w.id === anna.id), 'Anna is still in the lobby');
  // A valid incident goes through.
  assertOk(await m.request({ request: 'incident', category: 'technical' }), 'incident');
  await world.admit(ctx, anna);
});

test('a JSEP where none is expected is 480 and the join does not happen', async () => {
  const handle = await world.person();
  const token = ctx.tokens[1];
  ctx.moderator.drain();
  const reply = await handle.sendRaw(
    { request: 'join', room: ctx.room, token, display: 'Bernd' },
    { jsep: dataChannelOffer() },
  );
  assert.equal(reply.janus, 'event', `Janus passed the JSEP on: ${JSON.stringify(reply)}`);
  assertError(reply.plugindata.data, 480);
  await ctx.moderator.expectNoEvent('lobby', 300);
  // Same handle, no JSEP: the join works (nothing was half-done).
  const joined = await handle.request({ request: 'join', room: ctx.room, token, display: 'Bernd' });
  assert.equal(joined.counsel, 'waiting');
  await handle.request({ request: 'leave' });
});
