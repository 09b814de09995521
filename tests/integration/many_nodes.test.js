'use strict';
// Many nodes (README "Many nodes"): two Janus nodes share one real PostgreSQL
// server (Debian's postgresql, on 127.0.0.1 with a password, started by
// tests/tools/pg_sandbox.sh). A room lives on one node: the other answers 491
// while it runs and 483 once it ended there, for every credential; a node's
// crash and restart tombstone only its own rooms; the store's password never
// reaches a log; a node whose store is unreachable does not start.

const assert = require('node:assert/strict');
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { test, before, after } = require('node:test');

const { World, assertError } = require('./harness/counsel');
const { Janus } = require('../support/janus');

const SANDBOX = path.resolve(__dirname, '..', 'tools', 'pg_sandbox.sh');

let pgDir;
let conninfo = '';
let skip = false;
let a;
let b;
before(async () => {
  pgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'counsel-pg-'));
  const started = spawnSync(SANDBOX, ['start', pgDir], { encoding: 'utf8' });
  if (started.status === 77) {
    skip = `PostgreSQL is not installed: ${started.stderr.trim()}`;
    return;
  }
  assert.equal(started.status, 0, started.stderr);
  conninfo = started.stdout.trim().replace(/^CONNINFO=/, '');
  const store = (node) => ({ counsel: { store: 'postgres', postgres_conninfo: conninfo, node_id: node } });
  a = await World.start(store('node-a'));
  b = await World.start(store('node-b'));
});
after(async () => {
  for (const w of [a, b]) if (w) await w.close();
  if (pgDir) execFileSync(SANDBOX, ['stop', pgDir]);
});

const password = () => /password=(\S+)/.exec(conninfo)[1];

test('a room runs on one node: 491 on the other while live, 483 there once it ended', async (t) => {
  if (skip) return t.skip(skip);
  const ctx = await a.openRoom({ invitees: [{ label: 'A' }, { label: 'B' }] });
  const anna = await a.enterRoom(ctx, ctx.tokens[0], 'Anna');
  assert.ok(anna.admitted);

  // Node B knows the room is live elsewhere, whatever the credential.
  assertError((await b.knock(ctx.room, ctx.tokens[1], 'Bernd')).answer, 491, 'token on B');
  assertError((await b.knock(ctx.room, ctx.created.moderator_token, 'M')).answer, 491, 'moderator token on B');
  // B's own rooms work meanwhile.
  await b.create();

  assert.equal((await ctx.moderator.request({ request: 'end' })).counsel, 'ended');
  for (const [what, credential] of [['used token', ctx.tokens[0]], ['unused token', ctx.tokens[1]], ['moderator token', ctx.created.moderator_token]]) {
    assertError((await b.knock(ctx.room, credential, 'Again')).answer, 483, `${what} on B`);
    assertError((await a.knock(ctx.room, credential, 'Again')).answer, 483, `${what} on A`);
  }
});

test('a crash of node B tombstones B\'s live rooms only; A\'s room runs on', async (t) => {
  if (skip) return t.skip(skip);
  const onA = await a.openRoom({ invitees: [{ label: 'A' }] });
  const onB = await b.openRoom({ invitees: [{ label: 'A' }] });
  await b.janus.kill('SIGKILL');
  await b.janus.restart();
  // B's live rooms (this one and the one the first test created there) are swept.
  assert.match(b.janus.readLog(), /[12] room\(s\) left live by an unclean stop are now tombstoned/);
  assertError((await b.knock(onB.room, onB.tokens[0], 'Anna')).answer, 483, 'B\'s own room after its crash');
  assertError((await a.knock(onB.room, onB.tokens[0], 'Anna')).answer, 483, 'B\'s room seen from A');
  // A's room is untouched: its guest still gets in on A, and B still says 491.
  const guest = await a.enterLobby(onA, onA.tokens[0], 'Anna');
  assert.equal(guest.answer.counsel, 'waiting');
  assertError((await b.knock(onA.room, onA.tokens[0], 'Anna')).answer, 491, 'A\'s room on restarted B');
});

test('the store\'s password is in no log, and a node that cannot reach its store does not start', async (t) => {
  if (skip) return t.skip(skip);
  for (const [name, w] of [['A', a], ['B', b]]) {
    const log = w.janus.readLog();
    assert.match(log, /room ledger: PostgreSQL, shared, this node is node-/, `${name} names its store`);
    assert.ok(!log.includes(password()), `node ${name}'s log holds the PostgreSQL password`);
  }
  const unreachable = conninfo.replace(/port=\d+/, 'port=1');
  let failure;
  try {
    const c = await Janus.start({ counsel: { store: 'postgres', postgres_conninfo: unreachable, node_id: 'node-c' } });
    await c.stop();
  } catch (err) {
    failure = err;
  }
  assert.ok(failure, 'a node without its store started anyway');
  assert.match(failure.message, /cannot connect to PostgreSQL/);
  assert.ok(!failure.message.includes(password()), 'the start failure shows the password');
  await assert.rejects(
    Janus.start({ counsel: { store: 'postgres', postgres_conninfo: conninfo } }),
    /node_id must be/,
  );
});
