'use strict';
// A browser with a fake camera and microphone, inside the test network
// namespace: Debian's Chromium through playwright-core (the default), or
// Debian's firefox-esr through puppeteer-core (engine: 'firefox', see
// firefox.js). One interface for both:
//
//   const browser = await Browser.launch({ origins: [web.origin] });             // or engine: 'firefox'
//   const tp = await browser.open(web.url('echotest.html', { server: janus.wsUrl }));
//   await tp.waitForState((s) => s.webrtcUp, { message: 'webrtcup' });
//   const flow = await tp.measureFlow(3000);
//   await tp.click({ button: 'Eintreten', exact: true }); await tp.fill({ label: 'Ihr Name' }, 'Anna');
//   await browser.close();
//
// `origins` are the http:// origins treated as secure (getUserMedia and
// insertable streams need a secure context; http://10.200.0.1 is not one by
// itself). Each open() gets its own browser context (own cookies/storage) by
// default; all contexts share the one fake camera and microphone.
//
// TestPage's own methods (state, stats, evaluate, waitForFunction, pick,
// click, fill, check, press, screenshot, ...) work in both engines; `tp.page`
// is the engine's own page object (playwright's Page for Chromium,
// puppeteer's for Firefox) for what only one of them does.
//
// Environment: CHROMIUM_BIN (default /usr/bin/chromium), FIREFOX_BIN (default
// /usr/bin/firefox-esr), COUNSEL_E2E_HEADED=1 (headed, needs a display),
// COUNSEL_E2E_BROWSER_ARGS (extra Chromium args, space-separated).

const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const { launchFirefox } = require('./firefox');
const { RESOLVE_TARGET } = require('./targets');
const { INIT_SCRIPT, pcStats, measureFlow, flowByKind } = require('./webrtc_stats');
const { sleep, waitFor } = require('./util');

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
    this.engine = browser.engine;
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

  // --- the same in both engines -------------------------------------------

  // Runs fn(arg) in the page; returns its (JSON-able) result.
  evaluate(fn, arg) {
    return this.page.evaluate(fn, arg);
  }

  // Polls fn(arg) in the page until it is truthy.
  async waitForFunction(fn, arg, { timeout = 15000 } = {}) {
    if (this.engine === 'firefox') return this.page.waitForFunction(fn, { timeout, polling: 100 }, arg);
    return this.page.waitForFunction(fn, arg, { timeout });
  }

  // Waits until `selector` matches an element that is shown (or, hidden: true, none that is).
  async waitVisible(selector, { timeout = 15000, hidden = false } = {}) {
    try {
      await this.waitForFunction(
        ({ sel, hidden: h }) => {
          const el = document.querySelector(sel);
          const r = el ? el.getBoundingClientRect() : null;
          const shown = !!el && r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
          return h ? !shown : shown;
        },
        { sel: selector, hidden },
        { timeout },
      );
    } catch (err) {
      err.message = `${this.name}: ${selector} not ${hidden ? 'hidden' : 'shown'} in ${timeout} ms (${err.message.split('\n')[0]})`;
      throw err;
    }
  }

  // A CSS selector for `target`: a selector string as it is, or one element
  // found the way a person finds it: { label: 'Ihr Name' } (a form field by
  // its label / aria-label), { button: 'Senden' } (a button by its name),
  // { link: '…' }; `exact: true` compares the whole name, else a
  // case-insensitive part of it (as playwright's getByLabel / getByRole);
  // `within: '#dlg-confirm'` looks only inside that element (targets.js).
  // Waits until exactly one shown element matches.
  async pick(target, { timeout = 15000 } = {}) {
    if (typeof target === 'string') return target;
    const n = (this.picks = (this.picks || 0) + 1);
    let last = null;
    try {
      await waitFor(
        async () => {
          last = await this.page.evaluate(RESOLVE_TARGET, { ...target, n });
          return last && last.selector;
        },
        { timeoutMs: timeout, intervalMs: 100, message: `${this.name}: ${JSON.stringify(target)}` },
      );
    } catch (err) {
      err.message += ` (${last ? last.problem : 'not found'})`;
      throw err;
    }
    return last.selector;
  }

  // Runs action(selector) on the element `target` names; when the page
  // replaced that element in between (a list re-rendered), finds it again.
  async act(target, action, options) {
    for (let attempt = 1; ; attempt += 1) {
      const sel = await this.pick(target, options);
      try {
        return await action(sel);
      } catch (err) {
        const gone = !(await this.page.evaluate((s) => !!document.querySelector(s), sel).catch(() => false));
        if (typeof target === 'string' || !gone || attempt >= 5) throw err;
      }
    }
  }

  click(target, options) {
    return this.act(target, (sel) => this.page.click(sel), options);
  }

  // A finger's tap (pages opened with touch: true).
  tap(target, options) {
    return this.act(target, (sel) => this.page.tap(sel), options);
  }

  // Sets a text field's value as typing would end (input and change events).
  fill(target, text, options) {
    return this.act(target, (sel) => this.page.evaluate(
      ({ sel, text }) => {
        const el = document.querySelector(sel);
        el.focus();
        el.value = text;
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));
      },
      { sel, text },
    ), options);
  }

  // Ticks (on: true) or unticks a checkbox by clicking it when needed.
  async check(target, on = true, options) {
    const sel = await this.pick(target, options);
    const checked = () => this.page.evaluate((s) => document.querySelector(s).checked, sel);
    if ((await checked()) !== on) await this.page.click(sel);
    if ((await checked()) !== on) throw new Error(`${this.name}: ${JSON.stringify(target)} did not become ${on ? 'checked' : 'unchecked'}`);
  }

  async inputValue(target, options) {
    const sel = await this.pick(target, options);
    return this.page.evaluate((s) => document.querySelector(s).value, sel);
  }

  press(key) {
    return this.page.keyboard.press(key);
  }

  sleep(ms) {
    return sleep(ms);
  }

  // A screenshot (buffer; written to `path` too when given).
  screenshot({ path: file, fullPage = true } = {}) {
    if (this.engine === 'firefox') return this.page.screenshot({ path: file, fullPage });
    return this.page.screenshot({ path: file, fullPage, animations: 'disabled', caret: 'hide' });
  }

  // The viewport, e.g. to turn a phone from portrait to landscape.
  setViewport({ width, height }) {
    if (this.engine === 'firefox') return this.page.setViewport({ width, height });
    return this.page.setViewportSize({ width, height });
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
      this.screenshot({ path: `${base}.png` }),
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
  // options: engine ('chromium', default, or 'firefox'), origins (secure-context
  // origins); Chromium: args (extra args), fakeVideo (a .y4m/.mjpeg file for the
  // fake camera), fakeAudio (a .wav file); Firefox: prefs (extra preferences);
  // launchTimeoutMs.
  static async launch(options = {}) {
    const engine = options.engine || 'chromium';
    if (engine === 'firefox') return new Browser(await launchFirefox(options), engine);
    if (engine !== 'chromium') throw new Error(`unknown browser engine ${engine}`);
    const args = [...BASE_ARGS];
    if (options.origins && options.origins.length) {
      args.push(`--unsafely-treat-insecure-origin-as-secure=${options.origins.join(',')}`);
    }
    if (options.fakeVideo) args.push(`--use-file-for-fake-video-capture=${options.fakeVideo}`);
    if (options.fakeAudio) args.push(`--use-file-for-fake-audio-capture=${options.fakeAudio}`);
    if (process.env.COUNSEL_E2E_BROWSER_ARGS) args.push(...process.env.COUNSEL_E2E_BROWSER_ARGS.split(/\s+/).filter(Boolean));
    args.push(...(options.args || []));
    const browser = await chromium.launch({
      // executablePath: e.g. a wrapper that starts it in another network namespace (client_link.js).
      executablePath: options.executablePath || CHROMIUM_BIN,
      headless: !process.env.COUNSEL_E2E_HEADED,
      args,
      timeout: options.launchTimeoutMs || 30000,
      // Playwright's own SIGINT/SIGTERM/SIGHUP handling closes Chromium with the test process.
      handleSIGINT: true,
      handleSIGTERM: true,
      handleSIGHUP: true,
    });
    return new Browser(browser, engine);
  }

  constructor(browser, engine = 'chromium') {
    this.browser = browser;
    this.engine = engine;
    this.pages = [];
  }

  // Opens `url` in a new page (a new browser context unless `context` is given).
  // name: used for artifact files (default page1, page2, ...); viewport
  // { width, height } (default 800x600); touch: a phone (touch events, mobile
  // viewport); onRequest(url): every request the context makes; initScripts:
  // more scripts (strings) to run before the page's own.
  async open(url, { name, context, timeoutMs = 15000, viewport, touch = false, onRequest, initScripts = [] } = {}) {
    const size = viewport || { width: 800, height: 600 };
    let ctx = context;
    let page;
    if (this.engine === 'firefox') {
      ctx = ctx || (await this.browser.createBrowserContext());
      // Its own window: a background tab gets no rendering (puppeteer's
      // clicks wait for an IntersectionObserver that then never fires).
      page = await ctx.newPage({ type: 'window' });
      await page.setViewport({ ...size, hasTouch: touch, isMobile: touch });
      for (const script of [INIT_SCRIPT, ...initScripts]) await page.evaluateOnNewDocument(script);
      if (onRequest) page.on('request', (r) => onRequest(r.url()));
    } else {
      ctx = ctx || (await this.browser.newContext({ viewport: size, hasTouch: touch, isMobile: touch, ...(touch ? { deviceScaleFactor: 2 } : {}) }));
      for (const script of [INIT_SCRIPT, ...initScripts]) await ctx.addInitScript(script);
      if (onRequest) ctx.on('request', (r) => onRequest(r.url()));
      page = await ctx.newPage();
    }
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
    // A browser that does not close in time is killed by playwright / puppeteer
    // when this process exits, and by run-in-netns.sh's reaper after that.
    await withDeadline(this.browser.close(), 10000).catch(() => {});
  }
}

module.exports = { Browser, TestPage, PageError, CHROMIUM_BIN, BASE_ARGS };
