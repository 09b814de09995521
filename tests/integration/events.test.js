'use strict';
// Room events as webhooks (events_url): a whole session's lifecycle arrives
// at a receiver on 127.0.0.1 as JSON POSTs, each signed with HMAC-SHA256 over
// "<timestamp>.<body>" under events_secret, and none carries a name, label,
// title, token, password or the room id (only the room's tombstone ref and
// counts). A plugin configured with a URL but without a usable secret does
// not start.

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const http = require('node:http');
const { test, before, after } = require('node:test');

const { World } = require('./harness/counsel');
const { Janus } = require('../support/janus');
const { sleep } = require('../support/util');

const SECRET = crypto.randomBytes(24).toString('base64url'); // 32 characters
let world;
let receiver;
const received = [];

before(async () => {
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${receiver.address().port}/hooks/counsel`;
  world = await World.start({ counsel: { events_url: url, events_secret: SECRET } });
});
after(async () => {
  if (world) await world.close();
  if (receiver) receiver.close();
});

async function waitEvents(pred, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (pred(received.map((r) => JSON.parse(r.body)))) return;
    await sleep(50);
  }
  throw new Error(`events so far: ${received.map((r) => r.body).join('\n')}`);
}

test('a session\'s lifecycle arrives signed and without personal data', async () => {
  const marker = `Canary${crypto.randomBytes(4).toString('hex')}`;
  const ctx = await world.openRoom({ title: `${marker} title`, invitees: [{ label: `${marker} label` }], password: true }, { display: `${marker} Dr` });
  const guest = await world.enterRoom(ctx, ctx.tokens[0], `${marker} Anna`);
  assert.equal(guest.admitted.counsel, 'admitted');
  assert.equal((await ctx.moderator.request({ request: 'end' })).counsel, 'ended');
  await waitEvents((evs) => evs.some((e) => e.event === 'purged'));

  const events = received.map((r) => JSON.parse(r.body));
  const names = events.map((e) => e.event);
  for (const want of ['created', 'moderator_joined', 'lobby', 'admitted', 'ended', 'purged']) assert.ok(names.includes(want), `${want} in ${names}`);
  const ref = events[0].room;
  assert.match(ref, /^[0-9a-f]{16,64}$/);
  for (const e of events) assert.equal(e.room, ref, 'one room, named by its ref');
  const ended = events.find((e) => e.event === 'ended');
  assert.equal(ended.admitted, 2, 'the moderator and Anna');

  for (const r of received) {
    assert.equal(r.method, 'POST');
    assert.equal(r.url, '/hooks/counsel');
    assert.equal(r.headers['content-type'], 'application/json');
    const ts = r.headers['x-counsel-timestamp'];
    assert.ok(Math.abs(Number(ts) - Date.now() / 1000) < 60, 'a current timestamp');
    const mac = crypto.createHmac('sha256', SECRET).update(`${ts}.${r.body}`).digest('hex');
    assert.equal(r.headers['x-counsel-signature'], `sha256=${mac}`, 'signed with events_secret');
    for (const secret of [marker, ctx.room, ctx.created.moderator_token, ...ctx.tokens, ctx.created.password, SECRET]) {
      assert.ok(!r.body.includes(secret), `no personal data or credential in ${r.body}`);
    }
  }
  // A tampered body does not verify.
  const first = received[0];
  const forged = crypto.createHmac('sha256', SECRET).update(`${first.headers['x-counsel-timestamp']}.${first.body} `).digest('hex');
  assert.notEqual(first.headers['x-counsel-signature'], `sha256=${forged}`);
});

test('events_url without a usable events_secret: the plugin refuses to start', async () => {
  await assert.rejects(
    Janus.start({ counsel: { events_url: 'http://127.0.0.1:9/hook', events_secret: 'too-short' } }),
    /events_secret must have at least 32 characters/,
  );
});
