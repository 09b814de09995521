'use strict';
// Recording on a disk that fills up (issue 18): rec_dir is a small tmpfs in a
// mount namespace of this test's own — a sleeping holder process made with
// `unshare --mount` keeps it; Janus is started inside it through `nsenter`,
// and this process reaches it through /proc/<holder>/root — so nothing of it
// is visible to the machine, and it survives a restart of Janus. A filler
// file (fallocate) beside rec_dir fills the disk on demand.
//
//   - the disk fills during a consented recording: the span stops at once,
//     everyone sees {state:"failed", reason:"disk_full"}, the Admin API counts
//     it; the end finds no space to finalize: the finalization waits, the links
//     404; space comes back while Janus runs: it is finalized, recording.json
//     says where the recording really ends, keeps the consent log and the label
//     finalized_after_failure — and not recovered_after_crash
//   - the same failed finalization across a kill -9: the restart finalizes it
//     with its consent log, labelled as what happened
//
//   cd tests/e2e && ./run-in-netns.sh node --test recording_disk_full.test.js   (~4 min, root)

const assert = require('node:assert/strict');
const { execFileSync, spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { test } = require('node:test');

const { runE2E, sleep, waitFor, COUNSEL_PLUGIN, COUNSEL_KEYGEN } = require('../support');
const {
  recordingWithConsent, waitIndicator, recEvents, endSession, roomFolder, waitForFile, ffprobe, linkServer,
} = require('./harness/recording');

const built = fs.existsSync(COUNSEL_PLUGIN) && fs.existsSync(COUNSEL_KEYGEN);
const tools = ['/usr/bin/ffprobe', '/usr/bin/ffmpeg', '/usr/bin/janus-pp-rec', '/usr/bin/nsenter'].every((f) => fs.existsSync(f));
const skip =
  (!built && `not built: ${COUNSEL_PLUGIN}`) ||
  (!tools && 'needs ffmpeg, janus-tools and util-linux') ||
  (process.getuid() !== 0 && 'needs root (mount namespace, tmpfs)');

const DISK_MB = 48;

// A tmpfs of `mb` MB in a mount namespace of this test's own. `root` is its
// path as this process sees it; Janus gets `launcher` and `recDir` (a folder on it).
async function smallDisk(mb) {
  const mnt = fs.mkdtempSync(path.join(os.tmpdir(), 'counsel-e2e-recfs-'));
  const holder = spawn(
    'unshare',
    ['--mount', '--propagation', 'private', '--', 'setpriv', '--pdeathsig', 'KILL', 'sh', '-c',
      'mount -t tmpfs -o "size=$1,mode=0700" counsel-e2e-rec "$2" && echo ready && exec sleep 3600', 'sh', `${mb}m`, mnt],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise((resolve, reject) => {
    holder.stdout.on('data', (d) => String(d).includes('ready') && resolve());
    holder.once('exit', (code) => reject(new Error(`the tmpfs holder exited (${code})`)));
  });
  const root = `/proc/${holder.pid}/root${mnt}`;
  assert.equal(fs.statfsSync(root).type, 0x01021994, 'a tmpfs'); // TMPFS_MAGIC
  assert.notEqual(fs.statfsSync(mnt).type, 0x01021994, 'not visible outside its namespace');
  return {
    root,
    recDir: `${mnt}/rec`,
    launcher: ['nsenter', '-t', String(holder.pid), '-m', '--'],
    // Takes all free space but `leaveKb` in one step (fallocate: all or nothing,
    // so the space the plugin gives back later is not eaten by the filler);
    // the recording's own writes then use up the rest.
    fill(leaveKb = 64) {
      for (let i = 0; i < 20; i += 1) {
        const st = fs.statfsSync(root);
        const bytes = st.bavail * st.bsize - leaveKb * 1024;
        if (spawnSync('fallocate', ['-l', String(bytes), `${root}/filler`]).status === 0) return bytes;
        fs.rmSync(`${root}/filler`, { force: true });
      }
      throw new Error('fallocate never fitted');
    },
    free() {
      fs.rmSync(`${root}/filler`, { force: true });
    },
    stop() {
      holder.kill('SIGKILL');
      fs.rmSync(mnt, { recursive: true, force: true });
    },
  };
}

const stats = async (env) =>
  (await env.janus.admin({ janus: 'message_plugin', plugin: 'janus.plugin.counsel', request: { request: 'stats' } })).response.recording;

// Consented recording of a moderator and a client until the disk fills; returns what the test needs.
async function recordUntilTheDiskFills(t, env, disk) {
  const { people, yes, started } = await recordingWithConsent(env);
  await waitIndicator(people.client.tp, 'recording');
  await sleep(4000);
  const recRoot = `${disk.root}/rec`;
  const dir = roomFolder(recRoot);
  assert.ok(dir, `one room folder: ${fs.readdirSync(recRoot)}`);
  assert.equal(fs.statSync(path.join(dir, 'reserve')).size, 1 << 20, 'space kept aside for the marker');

  const filler = disk.fill();
  const filled = Date.now();
  t.diagnostic(`disk filled (a filler of ${(filler / 1048576).toFixed(1)} MB, 64 kB left to the recording)`);
  const failed = {};
  for (const who of ['moderator', 'client']) {
    failed[who] = await waitIndicator(people[who].tp, 'failed', started, 15000);
    const event = (await recEvents(people[who].tp)).find((e) => e.counsel === 'recording' && e.state === 'failed');
    assert.equal(event.reason, 'disk_full', JSON.stringify(event));
  }
  t.diagnostic(`"failed" seen ${failed.moderator - filled} ms (moderator) and ${failed.client - filled} ms (client) after the disk filled`);
  // The track files stop growing.
  const sizes = () => Object.fromEntries(fs.readdirSync(dir).filter((n) => n.endsWith('.mjr')).map((n) => [n, fs.statSync(path.join(dir, n)).size]));
  const before = sizes();
  assert.ok(Object.keys(before).length >= 4, `tracks: ${JSON.stringify(before)}`);
  await sleep(2000);
  assert.deepEqual(sizes(), before, 'nothing is written after the failure');
  const rec = await stats(env);
  assert.equal(rec.write_failures, 1, JSON.stringify(rec));
  return { people, yes, started, filled, failed, dir };
}

// What recording.json must say after a finalization that first failed for space.
function checkMetadata(t, ctx, { crashed }) {
  const mp4 = path.join(ctx.dir, 'recording.mp4');
  const meta = JSON.parse(fs.readFileSync(path.join(ctx.dir, 'recording.json'), 'utf8'));
  t.diagnostic(`recording.json: ${JSON.stringify({ ...meta, consent_log: meta.consent_log.map((e) => e.event) })}`);
  assert.equal(meta.recovered_after_crash, crashed);
  assert.equal(meta.finalized_after_failure, 'no_space');
  assert.ok(meta.finalize_attempts >= 2, `attempts ${meta.finalize_attempts}`);
  // The span ends where the writing stopped: after the start, before anyone was told.
  assert.equal(meta.spans.length, 1);
  const span = meta.spans[0];
  assert.equal(span.failure, 'disk_full');
  assert.ok(span.end_ms <= ctx.failed.moderator + 50 && span.end_ms >= ctx.started - 1000, `span end ${span.end_ms - ctx.filled} ms after the fill`);
  assert.ok(Math.abs(span.end_ms - ctx.filled) <= 2000, `span end ${span.end_ms - ctx.filled} ms from the fill`);
  // The proof of consent, ids and times only, including the failure.
  const events = meta.consent_log.map((e) => e.event);
  assert.deepEqual(events.slice(0, 5), ['request', 'yes', 'yes', 'start', 'failed'], JSON.stringify(meta.consent_log));
  assert.deepEqual(new Set(meta.consent_log.filter((e) => e.event === 'yes').map((e) => e.participant)), new Set([ctx.people.moderator.id, ctx.people.client.id]));
  assert.ok(!JSON.stringify(meta).includes('Dr. M'));
  // The MP4 holds the span up to the failure, playable to its end.
  const probe = ffprobe(mp4);
  const duration = Number(probe.format.duration);
  t.diagnostic(`MP4 ${duration} s for a span of ${(span.end_ms - span.start_ms) / 1000} s`);
  assert.ok(Math.abs(duration - (span.end_ms - span.start_ms) / 1000) <= 1, `duration ${duration}`);
  execFileSync('ffmpeg', ['-v', 'error', '-xerror', '-i', mp4, '-f', 'null', '-']);
  assert.deepEqual(fs.readdirSync(ctx.dir).sort(), ['recording.json', 'recording.mp4', 'state.json'], 'intermediates and the reserve are gone');
}

// A test body on a small disk, with Janus, browsers and a link server; everything torn down after.
async function onSmallDisk(t, body) {
  const disk = await smallDisk(DISK_MB);
  const options = { plugins: ['counsel'], timeoutMs: 300000, janus: { launcher: disk.launcher, counsel: { rec_dir: disk.recDir } } };
  try {
    await runE2E(t, options, async (env) => {
      const links = await linkServer(`${disk.root}/rec`);
      try {
        await body(env, disk, links);
      } finally {
        await links.close();
      }
    });
  } finally {
    disk.stop();
  }
}

test('the disk fills during a recording: it stops at once, everyone is told, and it is finalized when space returns', { skip }, (t) =>
  onSmallDisk(t, async (env, disk, links) => {
    const ctx = await recordUntilTheDiskFills(t, env, disk);
    await endSession(ctx.people);
    // No space to finalize: it waits (the tools do not even start), the link leads nowhere yet.
    const waiting = await waitFor(
      async () => {
        const now = await stats(env);
        return now.finalize_waiting === 1 ? now : null;
      },
      { timeoutMs: 30000, message: 'finalization waiting' },
    );
    t.diagnostic(`waiting: ${JSON.stringify(waiting)}`);
    assert.ok(waiting.finalize_failed >= 1);
    assert.ok(!fs.existsSync(path.join(ctx.dir, 'recording.mp4')));
    assert.equal((await fetch(`${links.origin}${ctx.yes.download}`)).status, 404);
    const marker = JSON.parse(fs.readFileSync(path.join(ctx.dir, 'state.json'), 'utf8'));
    assert.equal(marker.state, 'finalizing');
    assert.equal(marker.finalize_failure, 'no_space');
    assert.deepEqual(marker.consent_log.map((e) => e.event).slice(0, 5), ['request', 'yes', 'yes', 'start', 'failed']);

    // Space comes back while Janus runs.
    const freed = Date.now();
    disk.free();
    await waitForFile(path.join(ctx.dir, 'recording.mp4'));
    t.diagnostic(`finalized ${(Date.now() - freed) / 1000} s after space came back`);
    checkMetadata(t, ctx, { crashed: false });
    assert.equal((await fetch(`${links.origin}${ctx.yes.download}`)).status, 200, 'the link works now');
    const done = await stats(env);
    t.diagnostic(`admin: ${JSON.stringify(done)}`);
    assert.equal(done.finalized, 1);
    assert.ok(done.finalize_retried >= 1);
    assert.equal(done.finalize_waiting, 0);
    const log = env.janus.readLog();
    assert.match(log, /cannot be written \(disk_full\)/);
    assert.match(log, /recording finalized after \d+ failed attempt\(s\) \(no_space\)/);
    assert.ok(!log.includes(disk.recDir), 'no path in the log');
  }),
);

test('a finalization that failed for space survives kill -9: the restart finishes it with its consent log', { skip }, (t) =>
  onSmallDisk(t, async (env, disk, links) => {
    const ctx = await recordUntilTheDiskFills(t, env, disk);
    await endSession(ctx.people);
    await waitFor(async () => (await stats(env)).finalize_waiting === 1, { timeoutMs: 30000, message: 'finalization waiting' });
    await env.janus.kill('SIGKILL');
    disk.free();
    await env.janus.restart(); // the same configuration, rec_dir and mount namespace
    await waitForFile(path.join(ctx.dir, 'recording.mp4'));
    // Nothing was being recorded when Janus died: the session had ended, only the finalization waited.
    checkMetadata(t, ctx, { crashed: false });
    assert.equal((await fetch(`${links.origin}${ctx.yes.download}`)).status, 200);
  }),
);
