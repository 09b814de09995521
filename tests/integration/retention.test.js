'use strict';
// Retention (README "Retention"): what outlives a session on this node is the
// room ledger, and a tombstone there is a hash and a state, with no time and no
// person in it; recordings and their links live at most 90 days, and the
// plugin refuses a longer rec_retention_days instead of keeping them.

const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { test, after } = require('node:test');

const { World } = require('./harness/counsel');
const { Janus } = require('../support/janus');

const worlds = [];
after(async () => {
  for (const w of worlds) await w.close();
});

const sql = (db, query) => execFileSync('sqlite3', ['-readonly', '-json', db, query], { encoding: 'utf8' }).trim();

test('rec_retention_days above 90 stops the plugin with a clear sentence; 90 is accepted', async () => {
  await assert.rejects(Janus.start({ counsel: { rec_retention_days: 91 } }), /rec_retention_days must be 1 \.\. 90/);
  const world = await World.start({ counsel: { rec_retention_days: 90 } });
  worlds.push(world);
  await world.create();
});

test('after a session the ledger holds one row per room: a 32-byte hash and a state, nothing else', async () => {
  const world = await World.start();
  worlds.push(world);
  const ctx = await world.openRoom({ title: 'Erstgespräch Familie M.', invitees: [{ label: 'Klientin M.' }, { label: 'Vater M.' }] });
  await world.enterRoom(ctx, ctx.tokens[0], 'Maria Mustermann');
  assert.equal((await ctx.moderator.request({ request: 'end' })).counsel, 'ended');
  const db = world.janus.stateDb;

  // The schema: one table, two columns; no time, no text.
  const tables = JSON.parse(sql(db, "SELECT name FROM sqlite_master WHERE type IN ('table','view') ORDER BY name"));
  assert.deepEqual(tables.map((t) => t.name), ['rooms']);
  const columns = JSON.parse(sql(db, 'PRAGMA table_info(rooms)')).map((c) => `${c.name}:${c.type}`);
  assert.deepEqual(columns, ['digest:BLOB', 'state:INTEGER']);

  // The rows: hashes of 32 bytes, never the room id itself; the ended room is a tombstone.
  const rows = JSON.parse(sql(db, 'SELECT hex(digest) AS digest, length(digest) AS n, typeof(digest) AS t, state FROM rooms'));
  assert.equal(rows.length, 1);
  assert.deepEqual({ n: rows[0].n, t: rows[0].t, state: rows[0].state }, { n: 32, t: 'blob', state: 2 });
  const roomHex = Buffer.from(ctx.room, 'utf8').toString('hex').toUpperCase();
  assert.ok(!rows[0].digest.includes(roomHex), 'the room id itself is stored');

  // And nothing else of the session is on disk: no file in the state folder
  // holds the room id, a title, a label or a name.
  for (const file of fs.readdirSync(path.dirname(db))) {
    const bytes = fs.readFileSync(path.join(path.dirname(db), file));
    for (const secret of [ctx.room, 'Erstgespräch', 'Klientin M.', 'Maria Mustermann', ctx.tokens[0]]) {
      assert.equal(bytes.indexOf(Buffer.from(secret, 'utf8')), -1, `${file} holds "${secret}"`);
    }
  }
  // No recording was made: the recording folder is empty.
  assert.deepEqual(fs.readdirSync(world.janus.recDir).filter((f) => f !== '_links'), []);
});
