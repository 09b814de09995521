'use strict';
// profile = "kbv" (KBV Anlage 31b) on a real Janus: create without end-to-end
// encryption or with recording is 488, the default room is encrypted and
// unrecorded, the moderator's page is told not to chime on a knock, the server
// has no recorder and writes nothing into rec_dir, and a profile server
// refuses to start next to recordings that would then never expire.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { test } = require('node:test');

const { useWorld, World, assertError } = require('./harness/counsel');
const { Janus } = require('../support/janus');

const world = useWorld({ counsel: { profile: 'kbv' } });

// Every path below `dir`, folders with a trailing slash.
function tree(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    out.push(entry.isDirectory() ? `${entry.name}/` : entry.name);
    if (entry.isDirectory()) out.push(...tree(full).map((p) => `${entry.name}/${p}`));
  }
  return out;
}

test('kbv: e2ee:false and any recording are 488; the default room is end-to-end encrypted', async () => {
  const practitioner = await world.person();
  for (const fields of [{ e2ee: false }, { recording: 'with_consent' }, { recording: 'with_consent', e2ee: false }]) {
    const answer = await practitioner.request(world.createBody(fields));
    assertError(answer, 488, JSON.stringify(fields));
    assert.match(answer.error, /KBV/);
  }
  // Shape and range errors keep their own codes.
  assertError(await practitioner.request(world.createBody({ recording: 'always' })), 481);
  const created = await practitioner.request(world.createBody({ password: true }));
  assert.equal(created.counsel, 'created');
  assert.equal(created.e2ee, true);
  assert.equal(created.recording, 'off');
  assert.match(world.janus.readLog(), /\[counsel\] profile kbv: every room end-to-end encrypted, recording off/);
});

test('kbv: the moderator is told knock_chime:false, the lobby still shows who knocks; nothing reaches rec_dir', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'Patientin' }] });
  assert.equal(ctx.joined.knock_chime, false);
  assert.equal(ctx.joined.e2ee, true);
  const guest = await world.enterLobby(ctx, ctx.tokens[0], 'Patientin');
  await world.admit(ctx, guest);
  assertError(await ctx.moderator.request({ request: 'record', action: 'request' }), 488);
  const admin = await world.admin();
  const stats = await admin.messagePlugin({ request: 'stats' });
  assert.equal(stats.recording, null, 'this server has no recorder');
  assert.equal((await ctx.moderator.request({ request: 'end' })).counsel, 'ended');
  assert.deepEqual(tree(world.janus.recDir), [], 'rec_dir stays empty (not even _links)');
});

test('without the profile the moderator is told knock_chime:true', async () => {
  const plain = await World.start();
  try {
    const ctx = await plain.openRoom();
    assert.equal(ctx.joined.knock_chime, true);
  } finally {
    await plain.close();
  }
});

test('kbv refuses to start next to recordings (they would never expire) and with rec_webdav_url', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'counsel-kbv-rec-'));
  try {
    fs.mkdirSync(path.join(dir, '_links'), { mode: 0o700 });
    // An empty link store (what any earlier start leaves) is fine.
    const ok = await Janus.start({ counsel: { profile: 'kbv', rec_dir: dir } });
    await ok.stop();
    fs.mkdirSync(path.join(dir, '0123456789abcdef'), { mode: 0o700 });
    fs.writeFileSync(path.join(dir, '0123456789abcdef', 'recording.json'), '{}', { mode: 0o600 });
    await assert.rejects(
      Janus.start({ counsel: { profile: 'kbv', rec_dir: dir } }),
      /\[counsel\] the core could not start: invalid configuration: profile kbv records nothing, but rec_dir .* still holds recordings/,
    );
    assert.deepEqual(tree(dir).sort(), ['0123456789abcdef/', '0123456789abcdef/recording.json', '_links/'], 'left as it was');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  await assert.rejects(
    Janus.start({ counsel: { profile: 'kbv', rec_webdav_url: 'https://cloud.example.org/dav/' } }),
    /profile kbv records nothing: remove rec_webdav_url/,
  );
});
