'use strict';
// Janus's signed-token auth in front of the plugin (janus.jcfg token_auth +
// token_auth_secret), with the tokens our own tools mint
// (web/server/janus_token.js): web/server/serve.js hands one to every page load in
// /config.json, scripts/counsel-room mints its own. Janus must refuse a
// request without a token, with an expired, forged or tampered one, and an
// attach to janus.plugin.counsel with a token that names another plugin;
// serve.js must refuse to start with a weak secret and never print it.

const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { test, before, after } = require('node:test');

const { Janus } = require('../support/janus');
const { JanusAdmin, JanusConnection } = require('../support/janus_client');
const { portAnswers, sleep } = require('../support/util');
const { mintJanusToken } = require('../../web/server/janus_token.js');

const REPO = path.resolve(__dirname, '..', '..');
const SERVE_JS = path.join(REPO, 'web', 'server', 'serve.js');
const CLI = path.join(REPO, 'scripts', 'counsel-room');
const SECRET = crypto.randomBytes(32).toString('base64url');

let janus;
let dir;
before(async () => {
  janus = await Janus.start({ tokenSecret: SECRET, http: true });
  const port = Number(new URL(janus.httpUrl).port);
  for (let i = 0; i < 100 && !(await portAnswers(port)); i += 1) await sleep(100);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'counsel-token-'));
});
after(async () => {
  if (janus) await janus.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

// Creates a session with `token` (undefined: none); resolves the Janus reply.
async function createWith(token) {
  const conn = await JanusConnection.open(janus.wsUrl, { token });
  try {
    return await conn.transact({ janus: 'create' });
  } finally {
    await conn.close();
  }
}

// Opens a session with `token` and attaches `plugin`; resolves the attach reply.
async function attachWith(token, plugin = 'janus.plugin.counsel') {
  const conn = await JanusConnection.open(janus.wsUrl, { token });
  try {
    const session = await conn.createSession();
    return await conn.transact({ janus: 'attach', session_id: session.id, plugin });
  } finally {
    await conn.close();
  }
}

test('a token minted for the counsel plugin opens a session and the plugin, and a room can be created', async () => {
  const token = janus.mintToken();
  const conn = await JanusConnection.open(janus.wsUrl, { token });
  try {
    const session = await conn.createSession();
    const handle = await session.attach();
    const created = await handle.request({ request: 'create', practitioner_key: janus.practitionerKey, invitees: [{ label: 'C' }] });
    assert.equal(created.counsel, 'created');
  } finally {
    await conn.close();
  }
});

test('no token, an expired, a forged or a tampered token: Janus answers 403 and makes no session', async () => {
  const valid = janus.mintToken();
  const [data, signature] = valid.split(':');
  const later = `${Number(data.split(',')[0]) + 3600},${data.split(',').slice(1).join(',')}`;
  const cases = {
    none: undefined,
    expired: mintJanusToken(SECRET, { ttlSeconds: 60, now: Date.now() - 3600 * 1000 }),
    forged: mintJanusToken(crypto.randomBytes(32).toString('base64url')),
    tampered: `${later}:${signature}`,
    garbage: 'not-a-token',
  };
  const admin = await JanusAdmin.open(janus.adminUrl, janus.adminSecret);
  const sessionsBefore = new Set((await admin.call({ janus: 'list_sessions' })).sessions);
  for (const [name, token] of Object.entries(cases)) {
    const reply = await createWith(token);
    assert.equal(reply.janus, 'error', `${name}: ${JSON.stringify(reply)}`);
    assert.equal(reply.error.code, 403, `${name}: ${JSON.stringify(reply)}`);
  }
  try {
    const added = (await admin.call({ janus: 'list_sessions' })).sessions.filter((id) => !sessionsBefore.has(id));
    assert.deepEqual(added, [], 'a refused request left a session behind');
  } finally {
    await admin.conn.close();
  }
});

test('a valid token that names only another plugin cannot attach janus.plugin.counsel (405)', async () => {
  const reply = await attachWith(janus.mintToken({ plugins: ['janus.plugin.echotest'] }));
  assert.equal(reply.janus, 'error', JSON.stringify(reply));
  assert.equal(reply.error.code, 405, JSON.stringify(reply));
  const ok = await attachWith(janus.mintToken());
  assert.equal(ok.janus, 'success', JSON.stringify(ok));
});

// Starts web/server/serve.js with `args`; resolves { child, url } once it listens, or { code, output } if it exits.
function startServe(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SERVE_JS, '--host', '127.0.0.1', '--port', '0', '--janus', janus.wsUrl, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const onData = (d) => {
      output += d;
      const m = /^listening on (\S+)/m.exec(output);
      if (m) resolve({ child, url: m[1], output: () => output });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => resolve({ code, output: () => output }));
  });
}

test('web/server/serve.js puts a fresh token into every /config.json, and that token opens the plugin', async () => {
  const file = path.join(dir, 'token.secret');
  fs.writeFileSync(file, `${SECRET}\n`, { mode: 0o600 });
  const serve = await startServe(['--janus-token-secret-file', file]);
  assert.ok(serve.child, `serve.js did not start: ${serve.output()}`);
  try {
    const config = async () => (await fetch(`${serve.url}config.json`)).json();
    const first = await config();
    await sleep(1100); // tokens carry their expiry in seconds: the next one differs
    const second = await config();
    assert.equal(typeof first.token, 'string');
    assert.notEqual(first.token, second.token, 'every load gets its own token');
    assert.ok(first.token.startsWith(`${first.token.split(',')[0]},janus,janus.plugin.counsel:`), first.token);
    const expiry = Number(first.token.split(',')[0]);
    const hours = (expiry - Date.now() / 1000) / 3600;
    assert.ok(hours > 5.9 && hours <= 6, `default lifetime 6 h, got ${hours.toFixed(2)} h`);
    const reply = await attachWith(first.token);
    assert.equal(reply.janus, 'success', JSON.stringify(reply));
    assert.ok(!serve.output().includes(SECRET), 'serve.js printed the secret');
  } finally {
    serve.child.kill('SIGTERM');
  }
});

test('web/server/serve.js refuses to start with a missing or weak secret, and does not echo it', async () => {
  const weak = path.join(dir, 'weak.secret');
  fs.writeFileSync(weak, 'short-secret\n');
  for (const file of [weak, path.join(dir, 'absent.secret')]) {
    const r = await startServe(['--janus-token-secret-file', file]);
    assert.equal(r.child, undefined, 'serve.js started anyway');
    assert.equal(r.code, 2, r.output());
    assert.match(r.output(), /token secret/);
    assert.ok(!r.output().includes('short-secret'), 'the weak secret was echoed');
  }
  // And without token auth, /config.json carries no token at all.
  const plain = await startServe([]);
  try {
    const cfg = await (await fetch(`${plain.url}config.json`)).json();
    assert.equal(cfg.token, undefined);
  } finally {
    plain.child.kill('SIGTERM');
  }
});

test('scripts/counsel-room mints its own token from the secret file; without it Janus refuses', async () => {
  const file = path.join(dir, 'cli.secret');
  fs.writeFileSync(file, `${SECRET}\n`, { mode: 0o600 });
  const run = (extra) =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [CLI, '--janus', janus.httpUrl, '--page', 'https://counsel.example.org/', ...extra], {
        env: { PATH: process.env.PATH, COUNSEL_PRACTITIONER_KEY: janus.practitionerKey },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      child.stdin.end('{"invitees": ["C"]}\n');
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
  const ok = await run(['--janus-token-secret-file', file]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).links.length, 1);
  const refused = await run([]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /Unauthorized|token/i);
});

