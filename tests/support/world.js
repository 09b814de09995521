'use strict';
// One test's world: a Janus and, for a browser test, a web server and the
// browsers, all torn down together whatever happens.
//
// Browser tests run inside run-in-netns.sh's namespace on 10.200.0.1, with one
// of two sites:
//   'pages'  the test pages (tests/e2e/pages) on a static server; each page is
//            opened with ?server=<janus ws url>. runE2E, Janus default ['echotest'].
//   'page'   the product's page through its own server (web/server/serve.js, so its CSP
//            and headers are what is tested), Janus with the counsel plugin and
//            signed-token auth, web/server/serve.js minting the page's tokens from the
//            same secret (as scripts/run does). runWeb.
// Without a site (the integration tests) the world is a Janus on 127.0.0.1 and
// the protocol clients a test opens on it (person(), admin()).
//
//   test('echo', (t) => runE2E(t, { plugins: ['echotest'] }, async (env) => {
//     const tp = await env.open('echotest.html', { audio: 0 }, { name: 'echo' });
//   }));
//   test('...', (t) => runWeb(t, {}, async (env) => {
//     const p = await env.open('', { name: 'practitioner' });            // http://10.200.0.1:<port>/
//     const f = await env.open(link, { name: 'client', engine: 'firefox' });
//   }));
//
// options:
//   plugins       Janus plugins (see janus.js)
//   janus         more Janus.start options (debugLevel, counsel, pluginConfigs, nat, media, env, launcher, ...)
//   web           more StaticServer.start options ('pages': mounts, files), or
//                 PageServer.start options ('page': loops)
//   browser       more Browser.launch options of Chromium (args, fakeVideo, fakeAudio)
//   firefox       Browser.launch options of Firefox, launched the first time a page asks for it
//                 (launchOn(link, engine): a browser on a client link of its own, tests/e2e/harness/client_link.js)
//   pageTimeoutMs ('page') how long a page may take to load (and each engine call to answer)
//   timeoutMs     the whole test body (runE2E default 60000, runWeb 90000); a hang fails with artifacts
//
// On failure screenshots, console logs, testState and WebRTC stats of every
// page, janus.log and the configs, and the web server's log land in
// tests/e2e/test-output/failed-<test name>/ (named in the error message, which
// ends with Janus's log tail); COUNSEL_E2E_ARTIFACTS=always saves those of a
// passing test too, in test-output/<test name>/.

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { Browser } = require('./browser');
const { StaticServer } = require('./http_server');
const { Janus } = require('./janus');
const { JanusAdmin, connectCounsel } = require('./janus_client');
const { PageServer } = require('./page_server');
const { slug, withTimeout } = require('./util');

const OUTPUT = path.resolve(__dirname, '..', 'e2e', 'test-output');

class World {
  // A browser world checks first that it runs inside the test namespace (Janus.start's netns).
  static async start(options = {}) {
    const world = new this(options);
    try {
      await world._start();
    } catch (err) {
      await world.close();
      throw err;
    }
    return world;
  }

  constructor(options) {
    this.options = options;
    this.site = options.site || null;
    this.janus = null;
    this.web = null;
    this.browser = null; // Chromium
    this.browsers = {}; // other engines: engine -> Browser (launching or launched)
    this.linked = []; // Browsers on a client link of their own (launchOn)
    this.people = [];
    this.admins = [];
  }

  async _start() {
    const o = this.options;
    if (!this.site) {
      this.janus = await Janus.start(o.janus || {});
      return;
    }
    // As conf/janus.jcfg.in: a page may claim its Janus session after its WebSocket dropped.
    const general = { reclaim_session_timeout: 60, ...((o.janus && o.janus.general) || {}) };
    const inNamespace = { netns: true, timestamps: true, keepFailed: true };
    if (this.site === 'pages') {
      this.janus = await Janus.start({ ...inNamespace, plugins: o.plugins || ['echotest'], ...(o.janus || {}), general });
      this.web = await StaticServer.start(o.web || {});
    } else if (this.site === 'page') {
      this.tokenSecret = crypto.randomBytes(32).toString('base64url');
      this.janus = await Janus.start({ ...inNamespace, plugins: ['counsel'], tokenSecret: this.tokenSecret, ...(o.janus || {}), general });
      const tokenSecretFile = path.join(this.janus.dir, 'token.secret');
      fs.writeFileSync(tokenSecretFile, `${this.tokenSecret}\n`, { mode: 0o600 });
      this.web = await PageServer.start(this.janus.wsUrl, { recDir: this.janus.recDir, tokenSecretFile, ...(o.web || {}) });
    } else {
      throw new Error(`unknown site ${JSON.stringify(this.site)} ('pages' or 'page')`);
    }
    this.browser = await Browser.launch({ origins: [this.web.origin], ...(o.browser || {}) });
  }

  get practitionerKey() {
    return this.janus.practitionerKey;
  }

  // --- the protocol, as a program speaks it ------------------------------------

  // A new person: own WebSocket, Janus session and counsel handle (with a
  // token when Janus asks for one).
  async person() {
    const handle = await connectCounsel(this.janus.wsUrl, { token: this.tokenSecret ? this.janus.mintToken() : undefined });
    this.people.push(handle);
    return handle;
  }

  // An Admin API connection (closed with the world).
  async admin() {
    const admin = await JanusAdmin.open(this.janus.adminUrl, this.janus.adminSecret);
    this.admins.push(admin);
    return admin;
  }

  // --- pages in browsers --------------------------------------------------------

  // 'pages': the URL of a test page with ?server=<janus ws url> and `params`.
  url(page, params = {}) {
    return this.web.url(page, { server: this.janus.wsUrl, ...params });
  }

  // 'pages': open(page, params, opts) opens url(page, params) in Chromium (opts: Browser.open's).
  // 'page':  open(url, opts) opens `url` (absolute, or a path/fragment relative to
  //          the page's origin); opts: name, viewport, engine ('chromium' default,
  //          'firefox'), touch (a phone), initScripts, browser (one of launchOn).
  //          tp.requests: every URL the page asked for, from the first one on (to
  //          prove nothing comes from elsewhere).
  open(...args) {
    return this.site === 'pages' ? this._openTestPage(...args) : this._openPage(...args);
  }

  _openTestPage(page, params = {}, opts = {}) {
    return this.browser.open(this.url(page, params), opts);
  }

  async _openPage(url, { name, viewport, engine = 'chromium', touch = false, initScripts, browser: given } = {}) {
    const full = /^https?:/.test(url) ? url : `${this.web.origin}/${url.replace(/^\/+/, '')}`;
    const requests = [];
    const browser = given || (await this.browserFor(engine));
    const tp = await browser.open(full, {
      name,
      ...(this.options.pageTimeoutMs ? { timeoutMs: this.options.pageTimeoutMs } : {}),
      viewport: viewport || { width: 1280, height: 860 },
      touch,
      initScripts,
      onRequest: (u) => requests.push(u),
    });
    tp.requests = requests;
    return tp;
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

  // A Browser of `engine` inside the client namespace of `link` (a ClientLink of
  // tests/e2e/harness/client_link.js): its network can blink, drop or change
  // while everyone else's stays. Closed with the world.
  async launchOn(link, engine = 'chromium') {
    const browser = await Browser.launch({
      engine,
      origins: [this.web.origin],
      executablePath: link.browserPath(engine),
      args: link.launchArgs(engine),
      ...(engine === 'firefox' ? this.options.firefox || {} : this.options.browser || {}),
    });
    this.linked.push(browser);
    return browser;
  }

  // Every Browser launched so far (Chromium first).
  async launchedBrowsers() {
    const others = await Promise.allSettled(Object.values(this.browsers));
    return [this.browser, ...others.filter((r) => r.status === 'fulfilled').map((r) => r.value), ...this.linked].filter(Boolean);
  }

  // Saves every artifact under test-output/<name>/ and returns that folder.
  async saveArtifacts(name) {
    const dir = path.join(OUTPUT, slug(name));
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    for (const b of await this.launchedBrowsers()) await b.saveArtifacts(dir).catch(() => {});
    if (this.janus) {
      try {
        this.janus.saveArtifacts(dir);
      } catch {
        // janus folder gone
      }
    }
    if (this.web) this.web.saveArtifacts(dir);
    return dir;
  }

  // Closes every connection, page and browser, the web server, then Janus.
  async close() {
    const steps = [...this.people.map((h) => h.close()), ...this.admins.map((a) => a.close())];
    for (const b of await this.launchedBrowsers()) steps.push(b.close());
    if (this.web) steps.push(this.web.stop());
    await Promise.allSettled(steps);
    if (this.janus) await this.janus.stop().catch(() => {});
  }
}

// Runs fn(world) in a fresh world of `site` with a time limit; artifacts on failure.
async function runWorld(t, site, defaultTimeoutMs, options, fn) {
  const name = (t && t.name) || site;
  const world = await World.start({ ...options, site });
  let failed = false;
  try {
    await withTimeout(Promise.resolve().then(() => fn(world)), options.timeoutMs || defaultTimeoutMs, `test "${name}"`);
  } catch (err) {
    failed = true;
    const dir = await world.saveArtifacts(`failed-${name}`).catch(() => null);
    if (dir) err.message += `\nartifacts: ${path.relative(process.cwd(), dir) || dir}`;
    if (world.janus) err.message += `\njanus log tail:\n${world.janus.logTail(25)}`;
    throw err;
  } finally {
    if (!failed && process.env.COUNSEL_E2E_ARTIFACTS === 'always') await world.saveArtifacts(name).catch(() => {});
    await world.close();
  }
}

const runE2E = (t, options, fn) => runWorld(t, 'pages', 60000, options, fn);
const runWeb = (t, options, fn) => runWorld(t, 'page', 90000, options, fn);

module.exports = { World, runE2E, runWeb, OUTPUT };
