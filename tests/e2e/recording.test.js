'use strict';
// Consent-gated recording with real browsers (issue 5): a moderator and a
// client in a recording room, Chromium's fake camera and microphone, Janus
// with the counsel plugin, ffprobe on what comes out. Every page is
// pages/recording.html (the media page plus a timestamped record of the
// recording events). A watcher samples rec_dir every 50 ms and listens to its
// inotify events for the whole test, so "no file was ever created" means
// exactly that. Download links are resolved the way the page's server does it
// (web/server/rec_links.js) by a server in this process.
//
//   cd tests/e2e && ./run-in-netns.sh node --test recording.test.js     (~3 min)

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { test } = require('node:test');

const { runE2E, sleep, COUNSEL_PLUGIN, COUNSEL_KEYGEN } = require('../support');
const {
  recordingRoom, admit, publishAll, ask, consent, recordingWithConsent, waitIndicator, endSession, roomFolder, waitForFile, ffprobe,
  linkServer,
} = require('./harness/recording');

const built = fs.existsSync(COUNSEL_PLUGIN) && fs.existsSync(COUNSEL_KEYGEN);
const tools = ['/usr/bin/ffprobe', '/usr/bin/ffmpeg', '/usr/bin/janus-pp-rec'].every((f) => fs.existsSync(f));
const skip = (!built && `not built: ${COUNSEL_PLUGIN}`) || (!tools && 'needs ffmpeg and janus-tools');

// Everything that ever appears in rec_dir: sampled every 50 ms (recursively)
// and every inotify event on rec_dir and rec_dir/_links.
class RecDirWatch {
  constructor(dir) {
    this.dir = dir;
    this.seen = new Map(); // relative path -> { first, last, size, mode }
    this.notified = []; // { t, where, type, name }
    this.watchers = [];
    for (const where of ['', '_links']) {
      const full = path.join(dir, where);
      if (!fs.existsSync(full)) continue;
      this.watchers.push(
        fs.watch(full, (type, name) => this.notified.push({ t: Date.now(), where, type, name: String(name) })),
      );
    }
    this.timer = setInterval(() => this.sample(), 50);
    this.sample();
  }

  sample() {
    const now = Date.now();
    const walk = (rel) => {
      let entries;
      try {
        entries = fs.readdirSync(path.join(this.dir, rel), { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const r = rel ? `${rel}/${e.name}` : e.name;
        let st = null;
        try {
          st = fs.lstatSync(path.join(this.dir, r));
        } catch {
          continue;
        }
        const prev = this.seen.get(r);
        this.seen.set(r, { first: prev ? prev.first : now, last: now, size: st.size, mode: st.mode & 0o777, dir: e.isDirectory() });
        if (e.isDirectory()) walk(r);
      }
    };
    walk('');
  }

  stop() {
    clearInterval(this.timer);
    for (const w of this.watchers) w.close();
  }

  // Paths seen (excluding the link folder itself), with their times.
  paths() {
    return [...this.seen.entries()].filter(([p]) => p !== '_links');
  }
}

// How far each tile of the picture at `at` seconds is from black, per grid
// cell (row by row): the mean of |Y-16| + |U-128| + |V-128| (black: ~0;
// Chromium's fake camera, green with U=V=0: ~250).
function tileDistanceFromBlack(file, at, cols = 2, rows = 1) {
  const w = 16 * cols;
  const h = 12 * rows;
  const raw = execFileSync(
    'ffmpeg',
    ['-v', 'error', '-ss', String(at), '-i', file, '-frames:v', '1', '-vf', `scale=${w}:${h}`, '-pix_fmt', 'yuv444p', '-c:v', 'rawvideo', '-f', 'rawvideo', '-'],
    { maxBuffer: 1 << 20 },
  );
  const plane = w * h;
  const out = [];
  for (let r = 0; r < rows; r += 1)
    for (let c = 0; c < cols; c += 1) {
      let sum = 0;
      for (let y = r * 12; y < (r + 1) * 12; y += 1)
        for (let x = c * 16; x < (c + 1) * 16; x += 1) {
          const i = y * w + x;
          sum += Math.abs(raw[i] - 16) + Math.abs(raw[plane + i] - 128) + Math.abs(raw[2 * plane + i] - 128);
        }
      out.push(sum / (16 * 12));
    }
  return out;
}

// ffmpeg's volumedetect report of the audio (stderr).
function volume(file) {
  return spawnSync('ffmpeg', ['-nostdin', '-i', file, '-af', 'volumedetect', '-vn', '-f', 'null', '-'], { encoding: 'utf8' }).stderr;
}

const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');

function modesOwnerOnly(dir) {
  const bad = [];
  const walk = (p) => {
    for (const e of fs.readdirSync(p, { withFileTypes: true })) {
      const full = path.join(p, e.name);
      const mode = fs.lstatSync(full).mode & 0o777;
      if (e.isDirectory()) {
        if (mode !== 0o700) bad.push(`${full} ${mode.toString(8)}`);
        walk(full);
      } else if (mode !== 0o600) bad.push(`${full} ${mode.toString(8)}`);
    }
  };
  walk(dir);
  return bad;
}

const options = { plugins: ['counsel'], timeoutMs: 240000 };

// ---------------------------------------------------------------------------

test('everyone consents: one MP4 of the consented span, private links, wrong links 404', { skip }, (t) =>
  runE2E(t, options, async (env) => {
    const recDir = env.janus.recDir;
    const watch = new RecDirWatch(recDir);
    const links = await linkServer(recDir);
    try {
      const people = await recordingRoom(env, ['client']);
      await admit(people, 'client');
      await publishAll(people, ['moderator', 'client']);
      await ask(people, ['moderator', 'client']);
      const fromClient = await consent(people, 'client', true);
      assert.match(fromClient.download, /^\/rec\/[A-Za-z0-9_-]{22}$/);
      await sleep(300);
      assert.deepEqual(watch.paths(), [], 'nothing is written before everyone said yes');
      const fromModerator = await consent(people, 'moderator', true);
      assert.notEqual(fromModerator.download, fromClient.download, 'everyone gets a link of their own');
      const started = await waitIndicator(people.moderator.tp, 'recording');
      await waitIndicator(people.client.tp, 'recording');
      await sleep(6000);
      const ended = await endSession(people);
      const span = (ended - started) / 1000;

      const dir = roomFolder(recDir);
      assert.ok(dir, `one room folder in rec_dir: ${fs.readdirSync(recDir)}`);
      const mp4 = path.join(dir, 'recording.mp4');
      const t0 = Date.now();
      await waitForFile(mp4);
      t.diagnostic(`finalized ${(Date.now() - t0) / 1000} s after the end`);
      // The first file of the room appeared only after the last yes.
      const first = Math.min(...watch.paths().map(([, v]) => v.first));
      assert.ok(first >= fromModerator.at - 100, `first file ${first - fromModerator.at} ms after the last yes`);

      const probe = ffprobe(mp4);
      t.diagnostic(`ffprobe: ${JSON.stringify(probe)}; consented span ${span.toFixed(2)} s`);
      const video = probe.streams.filter((s) => s.codec_type === 'video');
      const audio = probe.streams.filter((s) => s.codec_type === 'audio');
      assert.equal(video.length, 1);
      assert.equal(audio.length, 1);
      assert.equal(video[0].codec_name, 'h264');
      assert.equal(audio[0].codec_name, 'aac');
      assert.equal(video[0].width, 1280); // two people side by side
      assert.equal(video[0].height, 480);
      const duration = Number(probe.format.duration);
      assert.ok(Math.abs(duration - span) <= 1, `duration ${duration} s vs consented span ${span} s`);
      // Both people are in the picture, and there is sound.
      const tiles = tileDistanceFromBlack(mp4, Math.min(3, duration / 2));
      t.diagnostic(`tiles' distance from black: ${tiles.map((l) => l.toFixed(0)).join(', ')}`);
      assert.ok(tiles.every((l) => l > 30), `both tiles show a picture: ${tiles}`);
      const vol = volume(mp4);
      const max = Number((/max_volume: (-?[\d.]+) dB/.exec(vol) || [])[1]);
      t.diagnostic(`max volume ${max} dB`);
      assert.ok(max > -40, `the mix is not silent: ${max} dB`);

      // Beside it: the consent metadata, ids and times only.
      const meta = JSON.parse(fs.readFileSync(path.join(dir, 'recording.json'), 'utf8'));
      assert.equal(meta.spans.length, 1);
      assert.deepEqual(new Set(meta.spans[0].participants), new Set([people.moderator.id, people.client.id]));
      assert.ok(meta.consent_log.some((e) => e.event === 'start'));
      const metaText = JSON.stringify(meta);
      for (const word of ['Dr. M', 'client', fromClient.download.slice(5)]) assert.ok(!metaText.includes(word), `metadata has no ${word}`);
      assert.deepEqual(fs.readdirSync(dir).sort(), ['recording.json', 'recording.mp4', 'state.json'], 'intermediates deleted');
      assert.deepEqual(modesOwnerOnly(recDir), [], 'folders 0700, files 0600');

      // The links download it; wrong ones get 404.
      const original = fs.readFileSync(mp4);
      for (const link of [fromClient.download, fromModerator.download]) {
        const res = await fetch(`${links.origin}${link}`);
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('content-type'), 'video/mp4');
        assert.equal(sha256(Buffer.from(await res.arrayBuffer())), sha256(original));
      }
      const cap = fromClient.download.slice(5);
      const wrong = [`/rec/${cap[0] === 'A' ? 'B' : 'A'}${cap.slice(1)}`, `/rec/${crypto.randomBytes(16).toString('base64url')}`, '/rec/short', `/rec/${cap}x`, '/rec/../_links'];
      for (const link of wrong) assert.equal((await fetch(`${links.origin}${link}`)).status, 404, link);
      const ranged = await fetch(`${links.origin}${fromClient.download}`, { headers: { Range: 'bytes=0-99' } });
      assert.equal(ranged.status, 206);
      assert.equal((await ranged.arrayBuffer()).byteLength, 100);

      // Janus's log names the room ref and counts, never a link or a name.
      const log = env.janus.readLog();
      assert.ok(log.includes('recording finalized'), 'the finalization is logged');
      for (const word of [cap, fromModerator.download.slice(5), 'Dr. M']) assert.ok(!log.includes(word), `log free of ${word}`);
    } finally {
      watch.stop();
      await links.close();
    }
  }),
);

test('the client declines: no file is ever created in rec_dir', { skip }, (t) =>
  runE2E(t, options, async (env) => {
    const recDir = env.janus.recDir;
    const watch = new RecDirWatch(recDir);
    try {
      const people = await recordingRoom(env, ['client']);
      await admit(people, 'client');
      await publishAll(people, ['moderator', 'client']);
      await ask(people, ['moderator', 'client']);
      const yes = await consent(people, 'moderator', true);
      assert.match(yes.download, /^\/rec\//);
      await consent(people, 'client', false);
      await waitIndicator(people.moderator.tp, 'aborted');
      await sleep(3000); // media keeps flowing between the two
      await endSession(people);
      await sleep(1000);
      t.diagnostic(`seen: ${JSON.stringify(watch.paths())}, inotify: ${JSON.stringify(watch.notified)}`);
      assert.deepEqual(watch.paths(), [], 'nothing ever appeared in rec_dir');
      assert.deepEqual(watch.notified, [], 'no inotify event in rec_dir or its link store');
      assert.deepEqual(fs.readdirSync(recDir), ['_links']);
      assert.deepEqual(fs.readdirSync(path.join(recDir, '_links')), []);
    } finally {
      watch.stop();
    }
  }),
);

test('consent withdrawn mid-way: recording stops and is deleted within a second', { skip }, (t) =>
  runE2E(t, options, async (env) => {
    const recDir = env.janus.recDir;
    const watch = new RecDirWatch(recDir);
    try {
      const people = await recordingRoom(env, ['client']);
      await admit(people, 'client');
      await publishAll(people, ['moderator', 'client']);
      await ask(people, ['moderator', 'client']);
      await consent(people, 'client', true);
      await consent(people, 'moderator', true);
      await waitIndicator(people.client.tp, 'recording');
      await sleep(3000);
      const dir = roomFolder(recDir);
      assert.ok(dir, 'recording');
      const tracks = fs.readdirSync(dir).filter((n) => n.endsWith('.mjr'));
      assert.ok(tracks.length >= 4, `tracks while recording: ${tracks}`);
      const sizes = tracks.map((n) => fs.statSync(path.join(dir, n)).size);
      assert.ok(sizes.every((s) => s > 1000), `tracks grow: ${sizes}`);

      const withdrawn = Date.now();
      const no = await consent(people, 'client', false);
      const aborted = await waitIndicator(people.moderator.tp, 'aborted', withdrawn - 50);
      // Sample until the folder is gone.
      const deadline = withdrawn + 3000;
      while (fs.existsSync(dir) && Date.now() < deadline) await sleep(10);
      const gone = Date.now();
      t.diagnostic(`answer ${no.at - withdrawn} ms, indicator ${aborted - withdrawn} ms, folder gone ${gone - withdrawn} ms after the "no"`);
      assert.ok(aborted - withdrawn <= 1000, `everyone sees the stop within 1 s (${aborted - withdrawn} ms)`);
      assert.ok(!fs.existsSync(dir) && gone - withdrawn <= 1000, `the recording is deleted within 1 s (${gone - withdrawn} ms)`);
      await sleep(2000);
      await endSession(people);
      await sleep(1000);
      assert.deepEqual(fs.readdirSync(recDir), ['_links'], 'nothing comes back');
      assert.deepEqual(fs.readdirSync(path.join(recDir, '_links')), [], 'no link survives');
      const room = path.basename(dir);
      const last = Math.max(...watch.paths().filter(([p]) => p.startsWith(room)).map(([, v]) => v.last));
      assert.ok(last - withdrawn <= 1000, `no file of the room seen later than 1 s after the "no" (${last - withdrawn} ms)`);
    } finally {
      watch.stop();
    }
  }),
);

test('a third person admitted mid-recording pauses it until they consent', { skip }, (t) =>
  runE2E(t, options, async (env) => {
    const recDir = env.janus.recDir;
    const links = await linkServer(recDir);
    try {
      const people = await recordingRoom(env, ['client', 'third']);
      await admit(people, 'client');
      await publishAll(people, ['moderator', 'client']);
      await ask(people, ['moderator', 'client']);
      await consent(people, 'client', true);
      await consent(people, 'moderator', true);
      const start1 = await waitIndicator(people.moderator.tp, 'recording');
      await sleep(4000);

      await admit(people, 'third');
      const paused = await waitIndicator(people.moderator.tp, 'paused');
      await waitIndicator(people.client.tp, 'paused');
      await people.third.tp.waitForState((s) => s.recording.events.some((e) => e.counsel === 'consent_request'), {
        message: 'the newcomer is asked',
      });
      const dir = roomFolder(recDir);
      const sizes = () => Object.fromEntries(fs.readdirSync(dir).filter((n) => n.endsWith('.mjr')).map((n) => [n, fs.statSync(path.join(dir, n)).size]));
      await sleep(500);
      const before = sizes();
      await publishAll(people, ['third']);
      await sleep(2000);
      const after = sizes();
      t.diagnostic(`paused: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
      assert.deepEqual(after, before, 'nothing is written while paused');
      assert.ok(Object.keys(after).every((n) => n.startsWith('s01-')), 'no second span yet');

      const yes = await consent(people, 'third', true);
      assert.match(yes.download, /^\/rec\//);
      const start2 = await waitIndicator(people.moderator.tp, 'recording', paused);
      await sleep(4000);
      const second = Object.keys(sizes()).filter((n) => n.startsWith('s02-'));
      assert.ok(second.length >= 6, `three people recorded in the second span: ${second}`);
      const ended = await endSession(people);

      const mp4 = path.join(dir, 'recording.mp4');
      await waitForFile(mp4);
      const consented = (paused - start1 + (ended - start2)) / 1000;
      const probe = ffprobe(mp4);
      t.diagnostic(`ffprobe: ${JSON.stringify(probe)}; consented ${consented.toFixed(2)} s (pause ${(start2 - paused) / 1000} s left out)`);
      const video = probe.streams.filter((s) => s.codec_type === 'video');
      assert.equal(video.length, 1);
      assert.equal(probe.streams.filter((s) => s.codec_type === 'audio').length, 1);
      assert.equal(video[0].width, 1280); // a 2x2 grid for three people
      assert.equal(video[0].height, 960);
      assert.ok(Math.abs(Number(probe.format.duration) - consented) <= 1, `duration ${probe.format.duration} vs ${consented}`);
      const meta = JSON.parse(fs.readFileSync(path.join(dir, 'recording.json'), 'utf8'));
      assert.equal(meta.spans.length, 2);
      assert.equal(meta.spans[1].participants.length, 3);
      // The newcomer's link works too.
      assert.equal((await fetch(`${links.origin}${yes.download}`)).status, 200);
    } finally {
      await links.close();
    }
  }),
);

test('kill -9 during a recording: the restart finalizes what was consented', { skip }, (t) =>
  runE2E(t, options, async (env) => {
    const recDir = env.janus.recDir;
    const links = await linkServer(recDir);
    try {
      const { people, yes, started } = await recordingWithConsent(env);
      await sleep(6000);
      const dir = roomFolder(recDir);
      const killed = Date.now();
      await env.janus.kill('SIGKILL');
      const span = (killed - started) / 1000;
      assert.ok(!fs.existsSync(path.join(dir, 'recording.mp4')));

      await env.janus.restart(); // the same configuration, rec_dir and state
      const mp4 = path.join(dir, 'recording.mp4');
      const t0 = Date.now();
      await waitForFile(mp4);
      t.diagnostic(`recovered ${(Date.now() - t0) / 1000} s after the restart`);
      const probe = ffprobe(mp4);
      t.diagnostic(`ffprobe: ${JSON.stringify(probe)}; consented until the kill: ${span.toFixed(2)} s`);
      assert.equal(probe.streams.filter((s) => s.codec_type === 'video' && s.codec_name === 'h264').length, 1);
      assert.equal(probe.streams.filter((s) => s.codec_type === 'audio').length, 1);
      assert.ok(Math.abs(Number(probe.format.duration) - span) <= 1, `duration ${probe.format.duration} vs ${span}`);
      // Playable to the end: decoding the whole file gives no error.
      execFileSync('ffmpeg', ['-v', 'error', '-xerror', '-i', mp4, '-f', 'null', '-']);
      const meta = JSON.parse(fs.readFileSync(path.join(dir, 'recording.json'), 'utf8'));
      assert.equal(meta.recovered_after_crash, true);
      assert.equal(meta.finalize_attempts, 1);
      // The proof of consent survives the crash: the log the marker kept as it grew.
      const events = meta.consent_log.map((e) => e.event);
      assert.deepEqual(events, ['request', 'yes', 'yes', 'start'], JSON.stringify(meta.consent_log));
      assert.deepEqual(new Set(meta.consent_log.filter((e) => e.event === 'yes').map((e) => e.participant)), new Set([people.moderator.id, people.client.id]));
      assert.equal((await fetch(`${links.origin}${yes.download}`)).status, 200, 'the link given before the crash works');
      assert.ok(env.janus.readLog().includes('recording finalized after a crash'));
    } finally {
      await links.close();
    }
  }),
);

test('a simulcast sender is recorded as one layer: the file decodes without an error', { skip }, (t) =>
  runE2E(t, options, async (env) => {
    const recDir = env.janus.recDir;
    const people = await recordingRoom(env, ['client']);
    await admit(people, 'client');
    await publishAll(people, ['moderator', 'client'], { simulcast: ['moderator'] });
    await ask(people, ['moderator', 'client']);
    await consent(people, 'client', true);
    await consent(people, 'moderator', true);
    const started = await waitIndicator(people.moderator.tp, 'recording');
    await sleep(6000);
    const ended = await endSession(people);
    const dir = roomFolder(recDir);
    const mp4 = path.join(dir, 'recording.mp4');
    await waitForFile(mp4);
    const probe = ffprobe(mp4);
    t.diagnostic(`ffprobe: ${JSON.stringify(probe)}; consented ${((ended - started) / 1000).toFixed(2)} s`);
    assert.ok(Math.abs(Number(probe.format.duration) - (ended - started) / 1000) <= 1);
    execFileSync('ffmpeg', ['-v', 'error', '-xerror', '-i', mp4, '-f', 'null', '-']);
    const tiles = tileDistanceFromBlack(mp4, 4);
    t.diagnostic(`tiles' distance from black: ${tiles.map((l) => l.toFixed(0)).join(', ')}`);
    assert.ok(tiles.every((l) => l > 30), `both tiles show a picture: ${tiles}`);
  }),
);
