'use strict';
// The world of a web page test: a Janus with the counsel plugin (harness
// JanusServer), the page's own server (web/server/serve.js, so its CSP and headers
// are what is tested) and Debian's Chromium (harness Browser: fake camera
// and microphone), all inside the e2e network namespace on 10.200.0.1.
// A page can also open in Debian's Firefox (engine: 'firefox'), launched the
// first time a test asks for it.
//
//   test('...', (t) => runWeb(t, {}, async (env) => {
//     const p = await env.open('', { name: 'practitioner' });   // http://10.200.0.1:<port>/
//     const f = await env.open(link, { name: 'client', engine: 'firefox' });
//     ...
//   }));
//
// Janus runs with signed-token auth (token_auth_secret) and web/server/serve.js
// mints the page's tokens from the same secret, as scripts/run does: every
// web test goes through that path.
//
// On failure (or with COUNSEL_E2E_ARTIFACTS=always) screenshots, console logs
// and WebRTC stats of every page and Janus's log land in
// tests/e2e/test-output/<test name>/ (the harness's artifacts).

const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { Browser, JanusServer, HOST_IP, assertInTestNetns, slug, withTimeout, REPO, freePort, portAnswers, sleep } = require('../harness');

const SERVE_JS = path.join(REPO, 'web', 'server', 'serve.js');
const OUTPUT = path.resolve(__dirname, '..', 'test-output');

// web/server/serve.js on HOST_IP:<free port>, talking to `janusWs`.
// recDir: the plugin's rec_dir, for the /rec/<capability> links (optional).
// tokenSecretFile: Janus's token_auth_secret, for the tokens in /config.json (optional).
async function startWebServer(janusWs, { recDir, tokenSecretFile } = {}) {
  const port = await freePort(HOST_IP);
  const args = [SERVE_JS, '--host', HOST_IP, '--port', String(port), '--janus', janusWs];
  if (recDir) args.push('--rec-dir', recDir);
  if (tokenSecretFile) args.push('--janus-token-secret-file', tokenSecretFile);
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => {
    output += d;
  });
  child.stderr.on('data', (d) => {
    output += d;
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 10000;
  while (!(await portAnswers(HOST_IP, port))) {
    if (child.exitCode !== null) throw new Error(`web/server/serve.js exited: ${output}`);
    if (Date.now() > deadline) throw new Error(`web/server/serve.js did not listen in time: ${output}`);
    await sleep(50);
  }
  process.on('exit', () => child.kill('SIGKILL'));
  return {
    origin: `http://${HOST_IP}:${port}`,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([exited, sleep(3000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

class WebEnv {
  static async start(options = {}) {
    assertInTestNetns();
    const env = new WebEnv(options);
    try {
      const tokenSecret = crypto.randomBytes(32).toString('base64url');
      env.janus = await JanusServer.start({ plugins: ['counsel'], tokenSecret, ...(options.janus || {}) });
      const tokenSecretFile = path.join(env.janus.dir, 'token.secret');
      fs.writeFileSync(tokenSecretFile, `${tokenSecret}\n`, { mode: 0o600 });
      env.web = await startWebServer(env.janus.wsUrl, { recDir: env.janus.recDir, tokenSecretFile });
      env.browser = await Browser.launch({ origins: [env.web.origin], ...(options.browser || {}) });
    } catch (err) {
      await env.stop();
      throw err;
    }
    return env;
  }

  constructor(options) {
    this.options = options;
    this.janus = null;
    this.web = null;
    this.browser = null; // Chromium
    this.browsers = {}; // engine -> Browser (launching or launched)
  }

  // The Browser of `engine` ('chromium' or 'firefox'), launched on first use.
  browserFor(engine = 'chromium') {
    if (engine === 'chromium') return Promise.resolve(this.browser);
    if (!this.browsers[engine]) {
      this.browsers[engine] = Browser.launch({ engine, origins: [this.web.origin], ...(this.options.firefox || {}) });
      this.browsers[engine].catch(() => {});
    }
    return this.browsers[engine];
  }

  get practitionerKey() {
    return this.janus.practitionerKey;
  }

  // Opens `url` (absolute, or a path/fragment relative to the page origin) in
  // a new browser context. opts: name, viewport { width, height }, engine
  // ('chromium' default, 'firefox'), touch (a phone), initScripts.
  async open(url, { name, viewport, engine = 'chromium', touch = false, initScripts } = {}) {
    const full = /^https?:/.test(url) ? url : `${this.web.origin}/${url.replace(/^\/+/, '')}`;
    // Every URL the page requests, from the first one on (to prove nothing comes from elsewhere).
    const requests = [];
    const browser = await this.browserFor(engine);
    const tp = await browser.open(full, {
      name,
      // runWeb's pageTimeoutMs: how long a page may take to load (and each
      // engine call to answer); the harness's default is 15 s.
      ...(this.options.pageTimeoutMs ? { timeoutMs: this.options.pageTimeoutMs } : {}),
      viewport: viewport || { width: 1280, height: 860 },
      touch,
      initScripts,
      onRequest: (u) => requests.push(u),
    });
    tp.requests = requests;
    return tp;
  }

  async saveArtifacts(name) {
    const dir = path.join(OUTPUT, slug(name));
    fs.mkdirSync(dir, { recursive: true });
    for (const b of await this.launchedBrowsers()) await b.saveArtifacts(dir).catch(() => {});
    if (this.janus) {
      try {
        this.janus.saveArtifacts(dir);
      } catch {
        // gone
      }
    }
    if (this.web) fs.writeFileSync(path.join(dir, 'web-serve.log'), this.web.output());
    return dir;
  }

  // Every Browser launched so far (Chromium first).
  async launchedBrowsers() {
    const others = await Promise.allSettled(Object.values(this.browsers));
    return [this.browser, ...others.filter((r) => r.status === 'fulfilled').map((r) => r.value)].filter(Boolean);
  }

  async stop() {
    const steps = [];
    for (const b of await this.launchedBrowsers()) steps.push(b.close());
    if (this.web) steps.push(this.web.stop());
    await Promise.allSettled(steps);
    if (this.janus) await this.janus.stop().catch(() => {});
  }
}

async function runWeb(t, options, fn) {
  const name = (t && t.name) || 'web';
  const env = await WebEnv.start(options);
  let failed = false;
  try {
    await withTimeout(Promise.resolve().then(() => fn(env)), options.timeoutMs || 90000, `test "${name}"`);
  } catch (err) {
    failed = true;
    const dir = await env.saveArtifacts(`failed-${name}`).catch(() => null);
    if (dir) err.message += `\nartifacts: ${path.relative(process.cwd(), dir) || dir}`;
    if (env.janus) err.message += `\njanus log tail:\n${env.janus.logTail(25)}`;
    throw err;
  } finally {
    if (!failed && process.env.COUNSEL_E2E_ARTIFACTS === 'always') await env.saveArtifacts(name).catch(() => {});
    await env.stop();
  }
}

module.exports = { WebEnv, runWeb, startWebServer, OUTPUT };
