'use strict';
// scripts/counsel-room, the booking-system CLI, against a real Janus over its
// HTTP API: it creates the room, prints one personal link per invitee (room,
// token and, in e2ee rooms, the room key in the #fragment), the links work,
// the key reaches no server, a wrong practitioner key fails with the plugin's
// own sentence, and the key is never taken from the command line.

const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const path = require('node:path');
const { test, before, after } = require('node:test');

const { World } = require('./harness/counsel');
const { portAnswers, sleep } = require('./harness/util');

const CLI = path.resolve(__dirname, '..', '..', 'scripts', 'counsel-room');
const PAGE = 'https://counsel.example.org/';

let world;
before(async () => {
  world = await World.start({ http: true });
  const port = Number(new URL(world.janus.httpUrl).port);
  for (let i = 0; i < 100 && !(await portAnswers(port)); i += 1) await sleep(100);
});
after(async () => {
  if (world) await world.close();
});

// Runs the CLI; resolves { code, stdout, stderr }.
function run(args, { env = {}, stdin = '' } = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, '--janus', world.janus.httpUrl, '--page', PAGE, ...args], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end(stdin);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const fragment = (link) => Object.fromEntries(new URLSearchParams(new URL(link).hash.slice(1)));

test('creates an e2ee room and prints working personal links with the key in the fragment only', async () => {
  const key = world.janus.practitionerKey;
  const r = await run(['--invitee', 'Klientin', '--invitee', 'Vater', '--title', 'Erstgespräch', '--duration', '50'], {
    env: { COUNSEL_PRACTITIONER_KEY: key },
  });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.e2ee, true);
  assert.equal(out.recording, 'off');
  assert.equal(out.expires_at - out.starts_at, 50 * 60);
  assert.deepEqual(out.links.map((l) => l.label), ['Klientin', 'Vater']);
  const frags = [out.moderator_link, ...out.links.map((l) => l.link)].map((l) => {
    assert.ok(l.startsWith(`${PAGE}#`), l);
    return fragment(l);
  });
  for (const f of frags) {
    assert.equal(f.room, out.room);
    assert.match(f.token, /^[A-Za-z0-9_-]{22}$/);
    assert.match(f.k, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(f.k, frags[0].k, 'one room key');
  }
  assert.ok(!r.stdout.includes(key) && !r.stderr.includes(key), 'the practitioner key is not echoed');

  // The links work: the moderator takes the seat, an invitee waits in the lobby.
  const moderator = await world.person();
  const joined = await moderator.request({ request: 'join', room: out.room, token: frags[0].token, display: 'Dr. M' });
  assert.equal(joined.counsel, 'joined');
  assert.equal(joined.e2ee, true);
  const { answer } = await world.knock(out.room, frags[1].token, 'Klientin');
  assert.equal(answer.counsel, 'waiting');
  // The room key never reached Janus.
  assert.ok(!world.janus.readLog().includes(frags[0].k), 'the key is not in Janus\'s log');
});

test('the key may come on stdin; a recording room has no key; a password room gets its address', async () => {
  const r = await run(['--invitee', 'A', '--recording', '--password'], { stdin: `${world.janus.practitionerKey}\n` });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.e2ee, false);
  assert.equal(out.recording, 'with_consent');
  assert.equal(fragment(out.links[0].link).k, undefined);
  assert.match(out.password, /^[A-Za-z0-9]{12}$/);
  assert.deepEqual(Object.keys(fragment(out.room_address)), ['room']);
});

test('a wrong key fails with the plugin\'s sentence; bad arguments and a key on the command line are refused', async () => {
  const wrong = await run(['--invitee', 'A'], { env: { COUNSEL_PRACTITIONER_KEY: 'not-the-key-0123456789' } });
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /\(482\)/);
  assert.equal(wrong.stdout, '');
  assert.ok(!wrong.stderr.includes('not-the-key-0123456789'));

  const noKey = await run(['--invitee', 'A']);
  assert.equal(noKey.code, 2);
  assert.match(noKey.stderr, /no practitioner key/);
  const onArgv = await run(['--invitee', 'A', '--key', world.janus.practitionerKey]);
  assert.equal(onArgv.code, 2);
  assert.match(onArgv.stderr, /unknown argument --key/);
  const noInvitee = await run([], { env: { COUNSEL_PRACTITIONER_KEY: world.janus.practitionerKey } });
  assert.equal(noInvitee.code, 2);
  const badStart = await run(['--invitee', 'A', '--start', 'tomorrow-ish'], { env: { COUNSEL_PRACTITIONER_KEY: 'x' } });
  assert.equal(badStart.code, 2);
});
