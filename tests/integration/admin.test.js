'use strict';
// The Admin API (Janus `message_plugin` and `handle_info` over the admin
// WebSocket): counts and roles only, never names, labels, titles or credentials.

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { test } = require('node:test');

const { useWorld, assertError } = require('./harness/counsel');

let admin;
const world = useWorld({ admin: true }, async (started) => {
  admin = await started.admin();
});

const STATS_REQUEST = { request: 'stats' };
const COUNTS = ['rooms', 'lobby', 'admitted', 'handles', 'rooms_created', 'rooms_ended'];

async function stats() {
  const response = await admin.messagePlugin(STATS_REQUEST);
  assert.equal(response.counsel, 'stats', JSON.stringify(response));
  for (const key of COUNTS) assert.ok(Number.isSafeInteger(response[key]) && response[key] >= 0, `${key}: ${response[key]}`);
  return response;
}

// Every string the test handed the plugin that is personal or secret.
function assertNoSecrets(value, secrets, what) {
  const text = JSON.stringify(value);
  for (const secret of secrets) assert.ok(!text.includes(secret), `${what} contains ${JSON.stringify(secret)}: ${text}`);
}

test('message_plugin answers counts that follow the rooms, and nothing personal', async () => {
  const marker = `zq${crypto.randomBytes(4).toString('hex')}`;
  const base = await stats();
  const ctx = await world.openRoom({
    invitees: [{ label: `Label ${marker}` }, { label: `Other ${marker}` }], title: `Title ${marker}`, password: true,
  }, { display: `Doctor ${marker}` });
  const a = await world.enterRoom(ctx, ctx.tokens[0], `Anna ${marker}`);
  const b = await world.enterLobby(ctx, ctx.tokens[1], `Bernd ${marker}`);
  const during = await stats();
  assert.equal(during.rooms, base.rooms + 1);
  assert.equal(during.rooms_created, base.rooms_created + 1);
  assert.equal(during.rooms_ended, base.rooms_ended);
  assert.equal(during.lobby, base.lobby + 1, 'one lobby member');
  assert.equal(during.admitted, base.admitted + 2, 'moderator and one participant admitted');
  assert.ok(during.handles >= base.handles + 3, `handles: ${during.handles}`);
  const secrets = [marker, ctx.room, ctx.created.moderator_token, ...ctx.tokens, ctx.created.password];
  assertNoSecrets(during, secrets, 'stats');

  // handle_info: the plugin's part shows role and state, no name.
  for (const [who, handle] of [['moderator', ctx.moderator], ['participant', a.handle], ['lobby member', b.handle]]) {
    const info = await admin.handleInfo(handle.session.id, handle.id);
    assert.equal(info.plugin, 'janus.plugin.counsel');
    assert.ok(info.plugin_specific && typeof info.plugin_specific === 'object', `${who}: plugin_specific present`);
    assertNoSecrets(info.plugin_specific, secrets, `handle_info of the ${who}`);
  }

  assert.equal((await ctx.moderator.request({ request: 'end' })).counsel, 'ended');
  const afterEnd = await stats();
  assert.equal(afterEnd.rooms, base.rooms);
  assert.equal(afterEnd.rooms_ended, base.rooms_ended + 1);
  assert.equal(afterEnd.lobby, base.lobby);
  assert.equal(afterEnd.admitted, base.admitted);
});

test('rejected creates and joins change no count', async () => {
  const base = await stats();
  const handle = await world.person();
  assertError(await handle.request(world.createBody({ duration_s: 1 })), 481);
  assertError(await handle.request(world.createBody({ invitees: 'x' })), 480);
  assertError(await handle.request(world.createBody({ e2ee: true, recording: 'with_consent' })), 488);
  assertError(await handle.request(world.createBody({ practitioner_key: 'wrong-wrong-wrong' })), 482);
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }] });
  const mid = await stats();
  assert.equal(mid.rooms_created, base.rooms_created + 1, 'only the valid create counted');
  assert.equal(mid.rooms, base.rooms + 1);
  const bad = await world.person();
  assertError(await bad.request({ request: 'join', room: ctx.room, token: ctx.tokens[0], display: '' }), 481);
  const after = await stats();
  assert.equal(after.lobby, mid.lobby, 'a rejected join adds nobody to a lobby');
  assert.equal(after.admitted, mid.admitted);
});
