'use strict';
// web/server/rec_links.js, the link resolver the page's server mounts at
// /rec/: a link store written the way the plugin writes it (SHA-256 of the
// capability -> {room, granted_at, expires_at}), then every answer checked:
// the file for a live link (whole, ranges, HEAD), the same 404 for anything
// else. No browser, no Janus (runs anywhere: node --test recording_links.test.js).

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { test, before, after } = require('node:test');

const recLinks = require('../../web/server/rec_links.js');

let dir;
let server;
let origin;
const room = '0123456789abcdef';
const content = crypto.randomBytes(100000);
const now = Math.floor(Date.now() / 1000);

function mint() {
  // 16 random bytes as unpadded base64url: what the plugin hands out.
  return crypto.randomBytes(16).toString('base64url');
}
function publish(cap, entry) {
  const digest = crypto.createHash('sha256').update(cap).digest('hex');
  fs.writeFileSync(path.join(dir, '_links', digest), JSON.stringify(entry), { mode: 0o600 });
}

const live = mint();
const expired = mint();
const otherRoom = mint();
const tampered = mint();

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rec-links-'));
  fs.mkdirSync(path.join(dir, '_links'), { mode: 0o700 });
  fs.mkdirSync(path.join(dir, room), { mode: 0o700 });
  fs.writeFileSync(path.join(dir, room, 'recording.mp4'), content, { mode: 0o600 });
  publish(live, { room, granted_at: now, expires_at: now + 3600 });
  publish(expired, { room, granted_at: now - 10, expires_at: now - 1 });
  publish(otherRoom, { room: 'fedcba9876543210', granted_at: now, expires_at: now + 3600 });
  publish(tampered, { room: '../../etc', granted_at: now, expires_at: now + 3600 });
  server = http.createServer((req, res) => recLinks.serve(req, res, { recDir: dir, headers: { 'X-Test': '1' } }));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
});

after(async () => {
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a live link downloads the recording', async () => {
  const res = await fetch(`${origin}/rec/${live}`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'video/mp4');
  assert.match(res.headers.get('content-disposition'), /^attachment/);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(res.headers.get('x-test'), '1', "the server's own headers are kept");
  assert.ok(Buffer.from(await res.arrayBuffer()).equals(content));
});

test('byte ranges and HEAD (players seek)', async () => {
  const part = await fetch(`${origin}/rec/${live}`, { headers: { Range: 'bytes=100-199' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), `bytes 100-199/${content.length}`);
  assert.ok(Buffer.from(await part.arrayBuffer()).equals(content.subarray(100, 200)));
  const tail = await fetch(`${origin}/rec/${live}`, { headers: { Range: 'bytes=-10' } });
  assert.ok(Buffer.from(await tail.arrayBuffer()).equals(content.subarray(content.length - 10)));
  const beyond = await fetch(`${origin}/rec/${live}`, { headers: { Range: `bytes=${content.length}-` } });
  assert.equal(beyond.status, 416);
  const head = await fetch(`${origin}/rec/${live}`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(Number(head.headers.get('content-length')), content.length);
});

test('everything else is the same 404', async () => {
  const wrong = [
    `/rec/${expired}`,
    `/rec/${otherRoom}`, // its file does not exist
    `/rec/${tampered}`, // a link file pointing outside rec_dir
    `/rec/${mint()}`, // unknown
    `/rec/${live.slice(0, 21)}B`, // more than 128 bits
    `/rec/${live}x`,
    `/rec/${live.slice(1)}`,
    '/rec/',
    '/rec/..%2F_links',
    `/rec/${encodeURIComponent('../') + live}`,
  ];
  const bodies = new Set();
  for (const p of wrong) {
    const res = await fetch(`${origin}${p}`);
    assert.equal(res.status, 404, p);
    bodies.add(await res.text());
  }
  assert.equal(bodies.size, 1, 'one answer for every kind of wrong link');
  const post = await fetch(`${origin}/rec/${live}`, { method: 'POST' });
  assert.equal(post.status, 405);
});

test('lookup() for servers that only need the path', () => {
  assert.deepEqual(recLinks.lookup(dir, live, now), { file: path.join(dir, room, 'recording.mp4'), size: content.length });
  assert.equal(recLinks.lookup(dir, live, now + 3600), null, 'expired an hour later');
  assert.equal(recLinks.lookup(dir, expired, now), null);
  assert.equal(recLinks.lookup(dir, 'not a capability', now), null);
  assert.ok(recLinks.isRecPath('/rec/x'));
  assert.ok(!recLinks.isRecPath('/record'));
});
