'use strict';
// Debian's Chromium through playwright-core, with a fake camera and
// microphone, inside the test network namespace.
//
//   const browser = await Browser.launch({ origins: [web.origin] });
//   const tp = await browser.open(web.url('echotest.html', { server: janus.wsUrl }));
//   await tp.waitForState((s) => s.webrtcUp, { message: 'webrtcup' });
//   const flow = await tp.measureFlow(3000);
//   await browser.close();
//
// `origins` are the http:// origins treated as secure (getUserMedia and
// insertable streams need a secure context; http://10.200.0.1 is not one by
// itself). Each open() gets its own browser context (own cookies/storage) by
// default; all contexts share the one fake camera and microphone.
//
// Environment: CHROMIUM_BIN (default /usr/bin/chromium), COUNSEL_E2E_HEADED=1
// (headed, needs a display), COUNSEL_E2E_BROWSER_ARGS (extra args, space-separated).

const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const { INIT_SCRIPT, pcStats, measureFlow, flowByKind } = require('./webrtc_stats');
const { waitFor } = require('./util');

const CHROMIUM_BIN = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const BASE_ARGS = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Keep timers and media running in background tabs/contexts.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
  '--autoplay-policy=no-user-gesture-required',
];

class TestPage {
  constructor(browser, context, page, name) {
    this.browser = browser;
    this.context = context;
    this.page = page;
    this.name = name;
    this.logs = []; // console messages and page errors, in order
    this.errors = []; // uncaught page errors
    page.on('console', (m) => this.logs.push(`${new Date().toISOString()} [${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => {
      this.errors.push(String(e && e.stack ? e.stack : e));
      this.logs.push(`${new Date().toISOString()} [pageerror] ${e}`);
    });
    page.on('crash', () => this.logs.push(`${new Date().toISOString()} [crash] page crashed`));
  }

  // window.testState of the page (null if the page has none).
  state() {
    return this.page.evaluate(() => (window.testState ? JSON.parse(JSON.stringify(window.testState)) : null));
  }

  // Polls window.testState until predicate(state) is truthy, returns that state.
  // Fails at once when the page reports an error in testState.error (unless
  // allowError) or throws an uncaught error.
  async waitForState(predicate, { timeoutMs = 20000, message = 'page state', allowError = false } = {}) {
    let lastState = null;
    try {
      return await waitFor(
        async () => {
          const s = await this.state();
          lastState = s;
          if (!allowError && s && s.error) throw new PageError(`page reported an error: ${s.error}`);
          if (this.errors.length && !allowError) throw new PageError(`uncaught page error: ${this.errors[0]}`);
          return s && predicate(s) ? s : null;
        },
        { timeoutMs, intervalMs: 100, message: `${message} on ${this.name}`, rethrow: PageError },
      );
    } catch (err) {
      err.message += `\nlast testState: ${JSON.stringify(lastState)}`;
      throw err;
    }
  }

  // Polls the WebRTC stats until predicate(stats) is truthy, returns those stats.
  async waitForStats(predicate, { timeoutMs = 15000, message = 'WebRTC stats', index } = {}) {
    return waitFor(async () => {
      const st = await this.stats({ index });
      return predicate(st) ? st : null;
    }, { timeoutMs, intervalMs: 250, message: `${message} on ${this.name}` });
  }

  // Waits until every mid of `kinds` in PeerConnection `index` (default: the
  // last) has received media: video frames decoded, audio packets received.
  async waitForMedia({ kinds = ['audio', 'video'], timeoutMs = 15000, index = -1 } = {}) {
    return this.waitForStats(
      (st) =>
        st.length > 0 &&
        kinds.every((kind) => {
          const trs = st[0].transceivers.filter((t) => t.kind === kind && t.inbound);
          return trs.length > 0 && trs.every((t) => (kind === 'video' ? t.inbound.framesDecoded > 0 : t.inbound.packetsReceived > 0));
        }),
      { timeoutMs, index, message: `incoming ${kinds.join('+')}` },
    );
  }

  stats(options) {
    return pcStats(this.page, options);
  }

  measureFlow(ms = 3000, options) {
    return measureFlow(this.page, ms, options);
  }

  async flowByKind(ms = 3000, options) {
    const flow = await measureFlow(this.page, ms, options);
    return { flow, byKind: flowByKind(flow) };
  }

  // Writes a screenshot, the console log, testState and the WebRTC stats into `dir`.
  async saveArtifacts(dir) {
    fs.mkdirSync(dir, { recursive: true });
    const base = path.join(dir, this.name);
    const tasks = [
      this.page.screenshot({ path: `${base}.png`, fullPage: true, timeout: 5000 }),
      this.state().then((s) => fs.writeFileSync(`${base}.state.json`, JSON.stringify(s, null, 2))),
      this.stats().then((s) => fs.writeFileSync(`${base}.stats.json`, JSON.stringify(s, null, 2))),
    ];
    const results = await Promise.allSettled(tasks.map((p) => withDeadline(p, 6000)));
    const failed = results.filter((r) => r.status === 'rejected').map((r) => String(r.reason && r.reason.message));
    fs.writeFileSync(
      `${base}.console.log`,
      `${this.logs.join('\n')}\n${failed.length ? `\n[harness] could not save: ${failed.join('; ')}\n` : ''}`,
    );
  }

  async close() {
    await this.context.close().catch(() => {});
  }
}

class PageError extends Error {}

function withDeadline(promise, ms) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

class Browser {
  // options: origins (secure-context origins), args (extra Chromium args),
  // fakeVideo (a .y4m/.mjpeg file for the fake camera), fakeAudio (a .wav file),
  // launchTimeoutMs (default 30000)
  static async launch(options = {}) {
    const args = [...BASE_ARGS];
    if (options.origins && options.origins.length) {
      args.push(`--unsafely-treat-insecure-origin-as-secure=${options.origins.join(',')}`);
    }
    if (options.fakeVideo) args.push(`--use-file-for-fake-video-capture=${options.fakeVideo}`);
    if (options.fakeAudio) args.push(`--use-file-for-fake-audio-capture=${options.fakeAudio}`);
    if (process.env.COUNSEL_E2E_BROWSER_ARGS) args.push(...process.env.COUNSEL_E2E_BROWSER_ARGS.split(/\s+/).filter(Boolean));
    args.push(...(options.args || []));
    const browser = await chromium.launch({
      executablePath: CHROMIUM_BIN,
      headless: !process.env.COUNSEL_E2E_HEADED,
      args,
      timeout: options.launchTimeoutMs || 30000,
      // Playwright's own SIGINT/SIGTERM/SIGHUP handling closes Chromium with the test process.
      handleSIGINT: true,
      handleSIGTERM: true,
      handleSIGHUP: true,
    });
    return new Browser(browser);
  }

  constructor(browser) {
    this.browser = browser;
    this.pages = [];
  }

  // Opens `url` in a new page (a new browser context unless `context` is given).
  // name: used for artifact files (default page1, page2, ...).
  async open(url, { name, context, timeoutMs = 15000 } = {}) {
    const ctx = context || (await this.browser.newContext({ viewport: { width: 800, height: 600 } }));
    await ctx.addInitScript(INIT_SCRIPT);
    const page = await ctx.newPage();
    page.setDefaultTimeout(timeoutMs);
    const tp = new TestPage(this, ctx, page, name || `page${this.pages.length + 1}`);
    this.pages.push(tp);
    await page.goto(url, { timeout: timeoutMs, waitUntil: 'load' });
    return tp;
  }

  async saveArtifacts(dir) {
    await Promise.allSettled(this.pages.map((p) => p.saveArtifacts(dir)));
  }

  async close() {
    // A browser that does not close in time is killed by playwright when this
    // process exits, and by run-in-netns.sh's reaper after that.
    await withDeadline(this.browser.close(), 10000).catch(() => {});
  }
}

module.exports = { Browser, TestPage, PageError, CHROMIUM_BIN, BASE_ARGS };
