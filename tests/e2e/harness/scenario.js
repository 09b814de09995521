'use strict';
// One browser test's world: a Janus, the static web server and Chromium, all
// in the test network namespace, torn down whatever happens; on failure the
// artifacts (screenshots, console logs, testState, WebRTC stats, janus.log and
// configs) land in tests/e2e/test-output/<test name>/.
//
//   test('echo', (t) => runE2E(t, { plugins: ['echotest'] }, async (env) => {
//     const tp = await env.open('echotest.html');        // ?server=<janus ws url> is added
//     ...
//   }));
//
// options:
//   plugins       Janus plugins (see janus.js), default ['echotest']
//   janus         more JanusServer.start options (debugLevel, counsel, pluginConfigs, nat, media, env)
//   web           more StaticServer.start options (mounts, files)
//   browser       more Browser.launch options (args, fakeVideo, fakeAudio)
//   timeoutMs     the whole test body (default 60000); a hang fails with artifacts
//
// Environment: COUNSEL_E2E_ARTIFACTS=always saves artifacts of passing tests too.

const fs = require('node:fs');
const path = require('node:path');

const { Browser } = require('./browser');
const { StaticServer } = require('./http_server');
const { JanusServer } = require('./janus');
const { assertInTestNetns } = require('./netns');
const { slug, withTimeout } = require('./util');

const OUTPUT = path.resolve(__dirname, '..', 'test-output');

class E2E {
  static async start(options = {}) {
    assertInTestNetns();
    const env = new E2E(options);
    try {
      env.janus = await JanusServer.start({ plugins: options.plugins || ['echotest'], ...(options.janus || {}) });
      env.web = await StaticServer.start(options.web || {});
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
    this.browser = null;
  }

  // URL of a test page with ?server=<janus ws url> and `params`.
  url(page, params = {}) {
    return this.web.url(page, { server: this.janus.wsUrl, ...params });
  }

  // Opens a test page in a new browser context (see Browser.open for opts).
  open(page, params = {}, opts = {}) {
    return this.browser.open(this.url(page, params), opts);
  }

  // Saves every artifact under test-output/<name>/ and returns that folder.
  async saveArtifacts(name) {
    const dir = path.join(OUTPUT, slug(name));
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    if (this.browser) await this.browser.saveArtifacts(dir).catch(() => {});
    if (this.janus) {
      try {
        this.janus.saveArtifacts(dir);
      } catch {
        // janus folder gone
      }
    }
    if (this.web) fs.writeFileSync(path.join(dir, 'http-requests.json'), JSON.stringify(this.web.requests, null, 2));
    return dir;
  }

  async stop() {
    const steps = [];
    if (this.browser) steps.push(this.browser.close());
    if (this.web) steps.push(this.web.stop());
    await Promise.allSettled(steps);
    if (this.janus) await this.janus.stop().catch(() => {});
  }
}

async function runE2E(t, options, fn) {
  const name = (t && t.name) || 'e2e';
  const env = await E2E.start(options);
  let failed = false;
  try {
    await withTimeout(Promise.resolve().then(() => fn(env)), options.timeoutMs || 60000, `test "${name}"`);
  } catch (err) {
    failed = true;
    const dir = await env.saveArtifacts(name).catch(() => null);
    if (dir) err.message += `\nartifacts: ${path.relative(process.cwd(), dir) || dir}`;
    if (env.janus) err.message += `\njanus log tail:\n${env.janus.logTail(25)}`;
    throw err;
  } finally {
    if (!failed && process.env.COUNSEL_E2E_ARTIFACTS === 'always') await env.saveArtifacts(name).catch(() => {});
    await env.stop();
  }
}

module.exports = { E2E, runE2E, OUTPUT };
