'use strict';
// scripts/counsel-room, the booking-system CLI, against a real Janus over its
// HTTP API: it creates the room, prints one personal link per invitee (room,
// token and, in e2ee rooms, the room key in the #fragment), the links work,
// the key reaches no server, a wrong practitioner key fails with the plugin's
// own sentence, and neither the key nor the appointment (labels, title) is
// ever taken from the command line: they come on stdin or from a 0600 file.

const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { test } = require('node:test');

const { useWorld } = require('./harness/counsel');
const { portAnswers, sleep } = require('../support/util');

const CLI = path.resolve(__dirname, '..', '..', 'scripts', 'counsel-room');
const PAGE = 'https://counsel.example.org/';

const world = useWorld({ http: true }, async (started) => {
  const port = Number(new URL(started.janus.httpUrl).port);
  for (let i = 0; i < 100 && !(await portAnswers(port)); i += 1) await sleep(100);
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

const appointment = (invitees, title) => `${JSON.stringify({ invitees, ...(title ? { title } : {}) })}\n`;

test('creates an e2ee room and prints working personal links with the key in the fragment only', async () => {
  const key = world.janus.practitionerKey;
  const r = await run(['--duration', '50'], {
    env: { COUNSEL_PRACTITIONER_KEY: key },
    stdin: appointment(['Klientin', 'Vater'], 'Erstgespräch'),
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

test('the key may come on stdin before the appointment; a recording room has no key; a password room gets its address', async () => {
  const r = await run(['--recording', '--password'], { stdin: `${world.janus.practitionerKey}\n${appointment(['A'])}` });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.e2ee, false);
  assert.equal(out.recording, 'with_consent');
  assert.equal(fragment(out.links[0].link).k, undefined);
  assert.match(out.password, /^[A-Za-z0-9]{12}$/);
  assert.deepEqual(Object.keys(fragment(out.room_address)), ['room']);
});

test('a wrong key fails with the plugin\'s sentence; bad arguments and a key on the command line are refused', async () => {
  const wrong = await run([], { env: { COUNSEL_PRACTITIONER_KEY: 'not-the-key-0123456789' }, stdin: appointment(['A']) });
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /\(482\)/);
  assert.equal(wrong.stdout, '');
  assert.ok(!wrong.stderr.includes('not-the-key-0123456789'));

  const noKey = await run([]);
  assert.equal(noKey.code, 2);
  assert.match(noKey.stderr, /no practitioner key/);
  const onArgv = await run(['--key', world.janus.practitionerKey], { stdin: appointment(['A']) });
  assert.equal(onArgv.code, 2);
  assert.match(onArgv.stderr, /unknown argument --key/);
  const noInvitee = await run([], { env: { COUNSEL_PRACTITIONER_KEY: world.janus.practitionerKey } });
  assert.equal(noInvitee.code, 2);
  assert.match(noInvitee.stderr, /no appointment on stdin/);
  const badStart = await run(['--start', 'tomorrow-ish'], { env: { COUNSEL_PRACTITIONER_KEY: 'x' }, stdin: appointment(['A']) });
  assert.equal(badStart.code, 2);
});

// ps, auditd and process accounting show every process's argv to others: the
// labels and the title (personal data) must not be there.
test('labels and the title are refused on the command line; stdin and a 0600 file work, other files do not', async () => {
  const env = { COUNSEL_PRACTITIONER_KEY: world.janus.practitionerKey };
  for (const args of [['--invitee', 'Klientin'], ['--title', 'Erstgespräch']]) {
    const r = await run(args, { env, stdin: appointment(['A']) });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /is not taken on the command line.*--appointment FILE/);
    assert.match(r.stderr, /^usage: counsel-room/m);
    assert.equal(r.stdout, '');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'counsel-room-'));
  try {
    const file = path.join(dir, 'appointment.json');
    fs.writeFileSync(file, appointment(['Mutter', 'Kind'], 'Familiengespräch'), { mode: 0o600 });
    const ok = await run(['--appointment', file], { env });
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(JSON.parse(ok.stdout).links.map((l) => l.label), ['Mutter', 'Kind']);
    for (const mode of [0o640, 0o604, 0o666]) {
      fs.chmodSync(file, mode);
      const open = await run(['--appointment', file], { env });
      assert.equal(open.code, 2, `mode ${mode.toString(8)}`);
      assert.match(open.stderr, /other users may read it .*chmod 600/);
    }
    fs.chmodSync(file, 0o600);
    fs.symlinkSync(file, path.join(dir, 'link.json'));
    assert.equal((await run(['--appointment', path.join(dir, 'link.json')], { env })).code, 2);
    for (const [text, reason] of [
      ['{"invitees": "A"}', /list of labels/],
      ['{"invitees": ["A"], "titel": "x"}', /unknown field "titel"/],
      ['["A"]', /must be a JSON object/],
      ['invitees: A', /not JSON/],
      ['{"invitees": [""]}', /list of labels/],
    ]) {
      const bad = await run([], { env, stdin: text });
      assert.equal(bad.code, 2, text);
      assert.match(bad.stderr, reason);
    }
    // A password room may have no invitee, and then needs no appointment at all.
    const passwordOnly = await run(['--password'], { env });
    assert.equal(passwordOnly.code, 0, passwordOnly.stderr);
    assert.deepEqual(JSON.parse(passwordOnly.stdout).links, []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
