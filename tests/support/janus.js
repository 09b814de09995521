'use strict';
// The tests' one way to start a real Janus (Debian's /usr/bin/janus): a fresh
// temporary folder with its own janus.jcfg, only the WebSockets transport (API
// and Admin API) on free ports, a plugins folder holding symlinks to just the
// plugins asked for, the counsel plugin's config with its own state_db,
// rec_dir and a practitioner from counsel-keygen, and a log file. Used by the
// integration tests, the browser tests (through world.js) and the benchmark
// (through janus_cli.js).
//
//   const janus = await Janus.start({ counsel: { idle_end_s: 2 } });           // 127.0.0.1, counsel only
//   const janus = await Janus.start({ netns: true, plugins: ['echotest'] });   // inside run-in-netns.sh
//   janus.wsUrl, janus.adminUrl, janus.adminSecret, janus.practitionerKey, janus.stateDb, janus.recDir
//   janus.readLog(), janus.logTail(), janus.logPath, janus.dir, janus.pid
//   await janus.admin({ janus: 'list_sessions' })     an Admin API request (admin_secret added)
//   janus.mintToken()                                 a signed Janus token (options.tokenSecret)
//   await janus.kill('SIGKILL'); await janus.restart(); await janus.stop();
//
// Every Janus dies with the process that started it (setpriv's parent-death
// signal; an exit handler for the rest).
//
// Environment: JANUS_BIN (default /usr/bin/janus), COUNSEL_PLUGIN (default
// <repo>/build-test/libjanus_counsel.so), COUNSEL_KEYGEN (default
// <repo>/build-test/counsel-keygen), COUNSEL_JANUS_DEBUG (debug level, default
// 4), COUNSEL_KEEP_TMP=1 keeps the temporary folder for a post-mortem,
// COUNSEL_JANUS_ENV: extra environment for Janus only, space-separated
// NAME=value pairs (scripts/harden preloads the ASan runtime this way; node
// must not get it).

const { spawn, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { JanusAdmin, JanusConnection } = require('./janus_client');
const { jcfgText, jcfgList } = require('./jcfg');
const { HOST_IP, assertInTestNetns } = require('./netns');
const { LOOPBACK, freePort, portAnswers, sleep } = require('./util');

const REPO = path.resolve(__dirname, '..', '..');
const { mintJanusToken } = require(path.join(REPO, 'web', 'server', 'janus_token.js'));

const JANUS_BIN = process.env.JANUS_BIN || '/usr/bin/janus';
const JANUS_LIB = '/usr/lib/x86_64-linux-gnu/janus';
const STOCK_PLUGINS = path.join(JANUS_LIB, 'plugins');
const TRANSPORTS_FOLDER = path.join(JANUS_LIB, 'transports');
const EVENTS_FOLDER = path.join(JANUS_LIB, 'events');
const COUNSEL_PLUGIN = process.env.COUNSEL_PLUGIN || path.join(REPO, 'build-test', 'libjanus_counsel.so');
const COUNSEL_KEYGEN = process.env.COUNSEL_KEYGEN || path.join(REPO, 'build-test', 'counsel-keygen');
const COUNSEL = 'janus.plugin.counsel';
const OTHER_TRANSPORTS = ['libjanus_http.so', 'libjanus_mqtt.so', 'libjanus_nanomsg.so', 'libjanus_pfunix.so', 'libjanus_rabbitmq.so'];
const OTHER_EVENT_HANDLERS = ['libjanus_gelfevh.so', 'libjanus_mqttevh.so', 'libjanus_nanomsgevh.so', 'libjanus_rabbitmqevh.so', 'libjanus_wsevh.so'];

// Every Janus this process started, so none outlives it.
const live = new Set();
process.on('exit', () => {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});

// A plugin spec -> { file (absolute .so), link (name in the plugins folder), pkg (janus.plugin.x or null) }.
function resolvePlugin(spec) {
  if (spec === 'counsel') return { file: path.resolve(COUNSEL_PLUGIN), link: 'libjanus_counsel.so', pkg: COUNSEL };
  if (path.isAbsolute(spec)) return { file: spec, link: path.basename(spec), pkg: null };
  if (!/^[a-z0-9]+$/.test(spec)) throw new Error(`unknown plugin spec ${JSON.stringify(spec)}`);
  return { file: path.join(STOCK_PLUGINS, `libjanus_${spec}.so`), link: `libjanus_${spec}.so`, pkg: `janus.plugin.${spec}` };
}

let keygenCache = null;
// A practitioner key and its Argon2id hash from the built counsel-keygen.
function practitionerCredentials() {
  if (!keygenCache) {
    if (!fs.existsSync(COUNSEL_KEYGEN)) throw new Error(`counsel-keygen not found at ${COUNSEL_KEYGEN} (set COUNSEL_KEYGEN)`);
    const parsed = JSON.parse(execFileSync(COUNSEL_KEYGEN, ['--json'], { encoding: 'utf8', timeout: 30000 }));
    if (typeof parsed.key !== 'string' || typeof parsed.key_hash !== 'string') {
      throw new Error('counsel-keygen --json did not print {"key","key_hash"}');
    }
    keygenCache = parsed;
  }
  return keygenCache;
}

// COUNSEL_JANUS_ENV as an object.
function envFromVariable() {
  const extra = {};
  for (const pair of (process.env.COUNSEL_JANUS_ENV || '').split(/\s+/).filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`COUNSEL_JANUS_ENV: not NAME=value: ${pair}`);
    extra[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return extra;
}

// n distinct free ports on `host`.
async function freePorts(host, n) {
  const ports = [];
  while (ports.length < n) {
    const port = await freePort(host);
    if (!ports.includes(port)) ports.push(port);
  }
  return ports;
}

class Janus {
  // options:
  //   plugins:       ['counsel'] (default), stock names ('echotest', 'videoroom', ...) or
  //                  absolute paths of .so files; every named plugin must be loaded or start() fails
  //   netns:         inside run-in-netns.sh's namespace: every port on 10.200.0.1 and ICE pinned
  //                  there (`nat: ice_enforce_list`); checked. Default: 127.0.0.1, no pinning
  //   debugLevel:    Janus debug level 0-7 (default env COUNSEL_JANUS_DEBUG or 4)
  //   timestamps:    debug_timestamps (default false: each log line is exactly what Janus wrote)
  //   general, nat, media: extra settings of janus.jcfg's groups (e.g. general: { event_loops: 2 })
  //   admin:         the Admin API over WebSockets (default true)
  //   http:          also Janus's HTTP API on 127.0.0.1 (httpUrl; what counsel-phone talks to)
  //   eventBackend:  URL: Debian's sample event handler posts every event there
  //   tokenSecret:   Janus's signed-token auth with this secret (token_auth_secret); mintToken()
  //                  then makes tokens as the page's server does
  //   counsel:       extra `general` settings of janus.plugin.counsel.jcfg
  //   practitioners: more [{ id, key_hash, ... }] entries after "test" (every field is written)
  //   phone:         the counsel plugin's `phone` group ({ number, service_key_hash }: dial-in)
  //   pluginConfigTail: raw text appended to janus.plugin.counsel.jcfg
  //   pluginConfigs: { 'janus.plugin.x': { group: {...} } | 'raw jcfg text' } (a counsel one replaces the generated one)
  //   env:           extra environment of Janus ({ NAME: value })
  //   launcher:      a command prefix Janus is started through, e.g.
  //                  ['nsenter', '-t', pid, '-m', '--'] (a mount namespace of the test's own)
  //   wrapper:       a command Janus runs under (valgrind, ...): an array, or fn(dir) -> array
  //   startTimeoutMs (default 20000)
  //   keepFailed:    keep the folder after a failed start (and say where)
  static async start(options = {}) {
    if (options.netns) assertInTestNetns();
    const janus = new Janus(options);
    try {
      await janus._launch();
    } catch (err) {
      const keep = !!options.keepFailed;
      await janus.stop({ keep }).catch(() => {});
      if (keep) err.message += `\n(janus folder kept: ${janus.dir})`;
      throw err;
    }
    return janus;
  }

  constructor(options) {
    this.options = options;
    this.host = options.netns ? HOST_IP : LOOPBACK;
    this.debugLevel = options.debugLevel ?? Number(process.env.COUNSEL_JANUS_DEBUG || 4);
    this.plugins = (options.plugins || ['counsel']).map(resolvePlugin);
    for (const p of this.plugins) {
      if (!fs.existsSync(p.file)) {
        throw new Error(`plugin not found: ${p.file}${p.pkg === COUNSEL ? ' (build it or set COUNSEL_PLUGIN)' : ''}`);
      }
    }
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'counsel-janus-'));
    this.pluginsFolder = path.join(this.dir, 'plugins');
    this.emptyFolder = path.join(this.dir, 'empty');
    fs.mkdirSync(this.pluginsFolder);
    fs.mkdirSync(this.emptyFolder);
    for (const p of this.plugins) fs.symlinkSync(p.file, path.join(this.pluginsFolder, p.link));
    this.logPath = path.join(this.dir, 'janus.log');
    this.stdoutPath = path.join(this.dir, 'stdout.log');
    this.adminSecret = crypto.randomBytes(12).toString('hex');
    if (this.plugins.some((p) => p.pkg === COUNSEL)) {
      const creds = practitionerCredentials();
      this.practitionerKey = creds.key;
      this.practitionerKeyHash = creds.key_hash;
      this.stateDb = path.join(this.dir, 'state', 'counsel.db');
      this.recDir = path.join(this.dir, 'rec');
      fs.mkdirSync(path.dirname(this.stateDb));
      fs.mkdirSync(this.recDir);
    }
    this.child = null;
    this.exited = null;
  }

  get wsUrl() {
    return `ws://${this.host}:${this.wsPort}/`;
  }

  get adminUrl() {
    return `ws://${this.host}:${this.adminPort}/`;
  }

  get httpUrl() {
    return `http://${LOOPBACK}:${this.httpPort}/janus`;
  }

  _writeConfigs() {
    const o = this.options;
    const general = {
      configs_folder: this.dir,
      plugins_folder: this.pluginsFolder,
      transports_folder: TRANSPORTS_FOLDER,
      events_folder: o.eventBackend ? EVENTS_FOLDER : this.emptyFolder,
      loggers_folder: this.emptyFolder,
      log_to_stdout: false,
      log_to_file: this.logPath,
      debug_level: this.debugLevel,
      debug_colors: false,
      debug_timestamps: !!o.timestamps,
      admin_secret: this.adminSecret,
      session_timeout: 60,
      exit_on_dl_error: true,
      ...(o.tokenSecret ? { token_auth: true, token_auth_secret: o.tokenSecret } : {}),
      ...(o.general || {}),
    };
    const nat = { nice_debug: false, ...(o.netns ? { ice_enforce_list: this.host } : {}), ...(o.nat || {}) };
    const transports = { disable: OTHER_TRANSPORTS.filter((t) => !(o.http && t === 'libjanus_http.so')).join(',') };
    const events = o.eventBackend ? { broadcast: true, disable: OTHER_EVENT_HANDLERS.join(',') } : { broadcast: false };
    const files = {
      'janus.jcfg': jcfgText({ general, certificates: {}, media: o.media || {}, nat, plugins: {}, transports, loggers: {}, events }),
      'janus.transport.websockets.jcfg': jcfgText({
        general: { json: 'compact', ws: true, ws_port: this.wsPort, ws_ip: this.host, wss: false },
        admin: this.adminPort
          ? { admin_ws: true, admin_ws_port: this.adminPort, admin_ws_ip: this.host, admin_wss: false }
          : { admin_ws: false, admin_wss: false },
      }),
    };
    if (o.eventBackend) {
      files['janus.eventhandler.sampleevh.jcfg'] = jcfgText({
        general: { enabled: true, events: 'all', grouping: true, json: 'compact', backend: o.eventBackend },
      });
    }
    if (o.http) {
      files['janus.transport.http.jcfg'] = jcfgText({
        general: { json: 'compact', base_path: '/janus', http: true, port: this.httpPort, ip: LOOPBACK, https: false },
        admin: { admin_http: false, admin_https: false },
      });
    }
    if (this.stateDb) files[`${COUNSEL}.jcfg`] = this._counselConfig();
    for (const [pkg, cfg] of Object.entries(o.pluginConfigs || {})) {
      files[`${pkg}.jcfg`] = typeof cfg === 'string' ? cfg : jcfgText(cfg);
    }
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(this.dir, name), text);
  }

  // The counsel plugin's config: state_db and rec_dir in the folder, practitioner
  // "test" (key: this.practitionerKey) and options.practitioners.
  _counselConfig() {
    const general = { state_db: this.stateDb, rec_dir: this.recDir, ...(this.options.counsel || {}) };
    const practitioners = [{ id: 'test', key_hash: this.practitionerKeyHash }, ...(this.options.practitioners || [])];
    const phone = this.options.phone ? jcfgText({ phone: this.options.phone }) : '';
    return jcfgText({ general }) + phone + jcfgList('practitioners', practitioners) + (this.options.pluginConfigTail || '');
  }

  async _launch() {
    const o = this.options;
    const ports = await freePorts(this.host, 1 + (o.admin !== false));
    this.wsPort = ports.shift();
    this.adminPort = o.admin !== false ? ports.shift() : null;
    // The HTTP API stays on the loopback: counsel-phone, its one user, runs beside
    // Janus and is sent the callers' RTP on 127.0.0.1.
    this.httpPort = o.http ? (await freePorts(LOOPBACK, 1))[0] : null;
    this._writeConfigs();
    const wrapper = typeof o.wrapper === 'function' ? o.wrapper(this.dir) : o.wrapper || [];
    const args = [...(o.launcher || []), 'setpriv', '--pdeathsig', 'KILL', ...wrapper, JANUS_BIN, '-C', path.join(this.dir, 'janus.jcfg'), '-F', this.dir];
    const out = fs.openSync(this.stdoutPath, 'a');
    const child = spawn(args[0], args.slice(1), {
      stdio: ['ignore', out, out],
      cwd: this.dir,
      env: { ...process.env, ...envFromVariable(), ...(o.env || {}) },
    });
    fs.closeSync(out);
    this.child = child;
    live.add(child);
    let exitInfo = null;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        live.delete(child);
        exitInfo = { code, signal };
        resolve(exitInfo);
      });
    });
    const timeoutMs = o.startTimeoutMs || 20000;
    const deadline = Date.now() + timeoutMs;
    const listening = [[this.wsPort, this.host], [this.adminPort, this.host], [this.httpPort, LOOPBACK]].filter(([port]) => port);
    for (const [port, host] of listening) {
      for (;;) {
        if (exitInfo) throw new Error(`janus exited during start (${JSON.stringify(exitInfo)}); log tail:\n${this.logTail()}`);
        if (await portAnswers(port, host)) break;
        if (Date.now() > deadline) throw new Error(`janus did not open port ${port} in ${timeoutMs} ms; log tail:\n${this.logTail()}`);
        await sleep(100);
      }
    }
    await this._checkPlugins();
  }

  // Janus starts without a plugin whose init failed: make that a clear error.
  async _checkPlugins() {
    const conn = await JanusConnection.open(this.wsUrl, { token: this.options.tokenSecret ? this.mintToken() : undefined });
    let info;
    try {
      info = await conn.transact({ janus: 'info' });
    } finally {
      await conn.close();
    }
    const loaded = Object.keys(info.plugins || {});
    for (const p of this.plugins) {
      if (!p.pkg || loaded.includes(p.pkg)) continue;
      const own = p.pkg === COUNSEL ? `; plugin log lines:\n${this.readLog().split('\n').filter((l) => l.includes('[counsel]')).join('\n')}` : '';
      throw new Error(`${p.pkg} is not available (loaded: ${loaded.join(', ') || 'none'})${own}\nlog tail:\n${this.logTail()}`);
    }
  }

  // A signed Janus token for this Janus (options.tokenSecret), as the page's server mints them.
  mintToken(options = {}) {
    return mintJanusToken(this.options.tokenSecret, options);
  }

  // One Admin API request over its own connection; resolves with the full reply.
  async admin(body, timeoutMs = 5000) {
    const admin = await JanusAdmin.open(this.adminUrl, this.adminSecret);
    try {
      return await admin.call(body, timeoutMs);
    } finally {
      await admin.close();
    }
  }

  // handle_info of every handle of every session: [{ session_id, handle_id, info }]
  async allHandleInfo() {
    const out = [];
    const sessions = (await this.admin({ janus: 'list_sessions' })).sessions || [];
    for (const sessionId of sessions) {
      const handles = (await this.admin({ janus: 'list_handles', session_id: sessionId })).handles || [];
      for (const handleId of handles) {
        const info = await this.admin({ janus: 'handle_info', session_id: sessionId, handle_id: handleId });
        out.push({ session_id: sessionId, handle_id: handleId, info: info.info });
      }
    }
    return out;
  }

  get pid() {
    return this.child ? this.child.pid : null;
  }

  get running() {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  readLog() {
    try {
      return fs.readFileSync(this.logPath, 'utf8');
    } catch {
      return '';
    }
  }

  // The last lines of stdout (the banner, anything printed before the log
  // opened) and the log, for failure messages.
  logTail(lines = 40) {
    let text = '';
    for (const file of [this.stdoutPath, this.logPath]) {
      try {
        text += fs.readFileSync(file, 'utf8');
      } catch {
        // not written yet
      }
    }
    return text.split('\n').slice(-lines).join('\n');
  }

  // Copies the logs and configs into `dir` (failure artifacts).
  saveArtifacts(dir) {
    fs.mkdirSync(dir, { recursive: true });
    for (const name of fs.readdirSync(this.dir)) {
      if (name.endsWith('.log') || name.endsWith('.jcfg')) fs.copyFileSync(path.join(this.dir, name), path.join(dir, name));
    }
  }

  // Sends `signal` and waits for the process to end (SIGKILL after timeoutMs).
  async kill(signal = 'SIGTERM', timeoutMs = 10000) {
    if (!this.running) return this.exited;
    this.child.kill(signal);
    let timer;
    const forced = new Promise((resolve) => {
      timer = setTimeout(() => {
        if (this.running) this.child.kill('SIGKILL');
        resolve();
      }, timeoutMs);
    });
    await Promise.race([this.exited, forced]);
    clearTimeout(timer);
    return this.exited;
  }

  // Starts Janus again in the same folder: same configs, state_db and rec_dir; new ports.
  async restart() {
    if (this.running) await this.kill('SIGTERM');
    await this._launch();
  }

  // Stops Janus (SIGTERM, SIGKILL after timeoutMs) and removes its folder
  // (unless keep or COUNSEL_KEEP_TMP=1).
  async stop({ keep = false, timeoutMs = 10000 } = {}) {
    if (this.running) await this.kill('SIGTERM', timeoutMs);
    if (!keep && !process.env.COUNSEL_KEEP_TMP) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

module.exports = { Janus, REPO, COUNSEL_PLUGIN, COUNSEL_KEYGEN };
