'use strict';
// Starts a real Janus (Debian's /usr/bin/janus) for a browser test, inside the
// test network namespace: a fresh temporary folder with its own janus.jcfg,
// only the WebSockets transport (API and Admin API) on 10.200.0.1, ICE pinned
// to 10.200.0.1 (`nat: ice_enforce_list`), a plugins folder holding symlinks
// to just the plugins the test asks for, and a log file.
//
//   const janus = await JanusServer.start({ plugins: ['echotest'] });
//   janus.wsUrl            ws://10.200.0.1:<port>/   (what a page passes to new Janus({server}))
//   janus.logPath, janus.dir, janus.readLog(), janus.logTail()
//   await janus.admin({ janus: 'list_sessions' })    Admin API request (admin_secret added)
//   await janus.stop()
//
// plugins: names of stock plugins ('echotest', 'videoroom', 'videocall',
// 'streaming', ...), 'counsel' (COUNSEL_PLUGIN, default
// <repo>/build-test/libjanus_counsel.so), or absolute paths of .so files.
// Every named plugin must show up in Janus's `info` answer or start() fails.
//
// Environment: JANUS_BIN (default /usr/bin/janus), COUNSEL_PLUGIN,
// COUNSEL_KEYGEN (default <repo>/build-test/counsel-keygen), COUNSEL_E2E_JANUS_DEBUG
// (default 4), COUNSEL_KEEP_TMP=1 keeps the temporary folder.

const { spawn, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const WebSocket = require('ws');

const { HOST_IP, assertInTestNetns } = require('./netns');
const { freePort, portAnswers, sleep, withTimeout } = require('./util');
const { mintJanusToken } = require('../../../web/server/janus_token.js');

const REPO = path.resolve(__dirname, '..', '..', '..');
const JANUS_BIN = process.env.JANUS_BIN || '/usr/bin/janus';
const JANUS_LIB = '/usr/lib/x86_64-linux-gnu/janus';
const STOCK_PLUGINS = path.join(JANUS_LIB, 'plugins');
const TRANSPORTS_FOLDER = path.join(JANUS_LIB, 'transports');
const COUNSEL_PLUGIN = process.env.COUNSEL_PLUGIN || path.join(REPO, 'build-test', 'libjanus_counsel.so');
const COUNSEL_KEYGEN = process.env.COUNSEL_KEYGEN || path.join(REPO, 'build-test', 'counsel-keygen');
const OTHER_TRANSPORTS = ['libjanus_http.so', 'libjanus_mqtt.so', 'libjanus_nanomsg.so', 'libjanus_pfunix.so', 'libjanus_rabbitmq.so'];

// Every Janus this process started, so none outlives it (setpriv's
// parent-death signal covers a SIGKILL of the test process; run-in-netns.sh
// reaps whatever is left in the namespace after that).
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

// A jcfg (libconfig) value.
function jcfgValue(value) {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return `"${String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

// { group: { key: value } } -> jcfg text (one level of groups, scalar values).
function jcfgText(groups) {
  return Object.entries(groups)
    .map(([name, entries]) => {
      const lines = Object.entries(entries || {})
        .filter(([, v]) => v !== undefined && v !== null)
        .map(([k, v]) => `\t${k} = ${jcfgValue(v)}`);
      return `${name}: {\n${lines.join('\n')}\n}\n`;
    })
    .join('');
}

// Resolves a plugin spec to { file (absolute .so), link (name in the plugins folder), pkg (janus.plugin.x or null) }.
function resolvePlugin(spec) {
  if (spec === 'counsel') {
    return { file: path.resolve(COUNSEL_PLUGIN), link: 'libjanus_counsel.so', pkg: 'janus.plugin.counsel' };
  }
  if (path.isAbsolute(spec)) {
    return { file: spec, link: path.basename(spec), pkg: null };
  }
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

// One JSON request/answer over a fresh WebSocket (API or Admin API).
function wsRequest(url, protocol, body, timeoutMs = 5000) {
  return withTimeout(
    new Promise((resolve, reject) => {
      const transaction = crypto.randomBytes(8).toString('hex');
      const ws = new WebSocket(url, protocol);
      ws.on('error', reject);
      ws.on('open', () => ws.send(JSON.stringify({ ...body, transaction })));
      ws.on('message', (data) => {
        let msg;
        try {
          msg = JSON.parse(String(data));
        } catch {
          return;
        }
        if (msg.transaction !== transaction || msg.janus === 'ack') return;
        ws.close();
        resolve(msg);
      });
    }),
    timeoutMs,
    `janus ${body.janus} request`,
  );
}

class JanusServer {
  // options:
  //   plugins:       ['echotest', 'counsel', '/abs/path.so', ...] (default ['echotest'])
  //   debugLevel:    Janus debug level 0-7 (default env COUNSEL_E2E_JANUS_DEBUG or 4)
  //   pluginConfigs: { 'janus.plugin.x': { general: {...}, ... } | 'raw jcfg text' }
  //   counsel:       extra `general` settings of janus.plugin.counsel.jcfg (when 'counsel' is loaded)
  //   nat, media:    extra settings of janus.jcfg's nat / media groups
  //   env:           extra environment for the Janus process
  //   http:          also Janus's HTTP transport, on 127.0.0.1 (httpUrl; counsel-phone's API)
  //   counselPhone:  the counsel plugin's `phone` group ({ number, service_key_hash })
  //   launcher:      a command prefix Janus is started through, e.g.
  //                  ['nsenter', '-t', pid, '-m', '--'] (a mount namespace of the test's own)
  //   tokenSecret:   Janus's signed-token auth with this secret (token_auth_secret);
  //                  mintToken() then makes tokens as web/server/serve.js does
  //   startTimeoutMs (default 20000)
  static async start(options = {}) {
    assertInTestNetns();
    const janus = new JanusServer(options);
    try {
      await janus._launch();
    } catch (err) {
      await janus.stop({ keep: true }).catch(() => {});
      err.message += `\n(janus folder kept: ${janus.dir})`;
      throw err;
    }
    return janus;
  }

  constructor(options) {
    this.options = options;
    this.debugLevel = options.debugLevel ?? Number(process.env.COUNSEL_E2E_JANUS_DEBUG || 4);
    this.plugins = (options.plugins || ['echotest']).map(resolvePlugin);
    for (const p of this.plugins) {
      if (!fs.existsSync(p.file)) {
        throw new Error(`plugin not found: ${p.file}${p.pkg === 'janus.plugin.counsel' ? ' (build it or set COUNSEL_PLUGIN)' : ''}`);
      }
    }
    this.host = HOST_IP;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'counsel-e2e-janus-'));
    this.pluginsFolder = path.join(this.dir, 'plugins');
    this.emptyFolder = path.join(this.dir, 'empty');
    fs.mkdirSync(this.pluginsFolder);
    fs.mkdirSync(this.emptyFolder);
    for (const p of this.plugins) fs.symlinkSync(p.file, path.join(this.pluginsFolder, p.link));
    this.logPath = path.join(this.dir, 'janus.log');
    this.stdoutPath = path.join(this.dir, 'stdout.log');
    this.adminSecret = crypto.randomBytes(12).toString('hex');
    this.child = null;
    this.exited = null;
  }

  get wsUrl() {
    return `ws://${this.host}:${this.wsPort}/`;
  }

  get httpUrl() {
    return `http://127.0.0.1:${this.httpPort}/janus`;
  }

  get adminUrl() {
    return `ws://${this.host}:${this.adminPort}/`;
  }

  _writeConfigs() {
    const general = {
      configs_folder: this.dir,
      plugins_folder: this.pluginsFolder,
      transports_folder: TRANSPORTS_FOLDER,
      events_folder: this.emptyFolder,
      loggers_folder: this.emptyFolder,
      log_to_stdout: false,
      log_to_file: this.logPath,
      debug_level: this.debugLevel,
      debug_colors: false,
      debug_timestamps: true,
      admin_secret: this.adminSecret,
      session_timeout: 60,
      exit_on_dl_error: true,
      ...(this.options.tokenSecret ? { token_auth: true, token_auth_secret: this.options.tokenSecret } : {}),
    };
    const nat = { nice_debug: false, ice_enforce_list: this.host, ...(this.options.nat || {}) };
    const media = { ...(this.options.media || {}) };
    fs.writeFileSync(
      path.join(this.dir, 'janus.jcfg'),
      jcfgText({
        general,
        certificates: {},
        media,
        nat,
        plugins: {},
        transports: { disable: OTHER_TRANSPORTS.filter((t) => !(this.options.http && t === 'libjanus_http.so')).join(',') },
      }) +
        jcfgText({ loggers: {}, events: { broadcast: false } }),
    );
    fs.writeFileSync(
      path.join(this.dir, 'janus.transport.websockets.jcfg'),
      jcfgText({
        general: { json: 'compact', ws: true, ws_port: this.wsPort, ws_ip: this.host, wss: false },
        admin: { admin_ws: true, admin_ws_port: this.adminPort, admin_ws_ip: this.host, admin_wss: false },
      }),
    );
    if (this.options.http) {
      fs.writeFileSync(
        path.join(this.dir, 'janus.transport.http.jcfg'),
        jcfgText({
          general: { json: 'compact', base_path: '/janus', http: true, port: this.httpPort, ip: '127.0.0.1', https: false },
          admin: { admin_http: false, admin_https: false },
        }),
      );
    }
    const configs = { ...(this.options.pluginConfigs || {}) };
    if (this.plugins.some((p) => p.pkg === 'janus.plugin.counsel') && !configs['janus.plugin.counsel']) {
      configs['janus.plugin.counsel'] = this._counselConfig();
    }
    for (const [pkg, cfg] of Object.entries(configs)) {
      fs.writeFileSync(path.join(this.dir, `${pkg}.jcfg`), typeof cfg === 'string' ? cfg : jcfgText(cfg));
    }
  }

  // The counsel plugin's config: state_db and rec_dir in the temp folder, one
  // practitioner ("test") whose key is this.practitionerKey.
  _counselConfig() {
    const creds = practitionerCredentials();
    this.practitionerKey = creds.key;
    this.stateDb = path.join(this.dir, 'state', 'counsel.db');
    this.recDir = path.join(this.dir, 'rec');
    fs.mkdirSync(path.dirname(this.stateDb), { recursive: true });
    fs.mkdirSync(this.recDir, { recursive: true });
    const general = { state_db: this.stateDb, rec_dir: this.recDir, ...(this.options.counsel || {}) };
    const phone = this.options.counselPhone ? jcfgText({ phone: this.options.counselPhone }) : '';
    return `${jcfgText({ general })}${phone}practitioners = (\n\t{ id = "test"; key_hash = ${jcfgValue(creds.key_hash)}; }\n)\n`;
  }

  async _launch() {
    this.wsPort = await freePort(this.host);
    do {
      this.adminPort = await freePort(this.host);
    } while (this.adminPort === this.wsPort);
    if (this.options.http) this.httpPort = await freePort('127.0.0.1');
    this._writeConfigs();
    const out = fs.openSync(this.stdoutPath, 'a');
    const args = [...(this.options.launcher || []), 'setpriv', '--pdeathsig', 'KILL', JANUS_BIN, '-C', path.join(this.dir, 'janus.jcfg'), '-F', this.dir];
    const child = spawn(args[0], args.slice(1), {
      stdio: ['ignore', out, out],
      cwd: this.dir,
      env: { ...process.env, ...(this.options.env || {}) },
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
    const deadline = Date.now() + (this.options.startTimeoutMs || 20000);
    const ports = [[this.host, this.wsPort], [this.host, this.adminPort]];
    if (this.options.http) ports.push(['127.0.0.1', this.httpPort]);
    for (const [host, port] of ports) {
      for (;;) {
        if (exitInfo) throw new Error(`janus exited during start (${JSON.stringify(exitInfo)}); log tail:\n${this.logTail()}`);
        if (await portAnswers(host, port)) break;
        if (Date.now() > deadline) throw new Error(`janus did not open port ${port} in time; log tail:\n${this.logTail()}`);
        await sleep(100);
      }
    }
    // Janus starts without a plugin whose init failed: make that a clear error.
    const info = await wsRequest(this.wsUrl, 'janus-protocol', { janus: 'info', ...(this.options.tokenSecret ? { token: this.mintToken() } : {}) });
    this.info = info;
    const loaded = Object.keys(info.plugins || {});
    for (const p of this.plugins) {
      if (p.pkg && !loaded.includes(p.pkg)) {
        throw new Error(`${p.pkg} is not loaded (loaded: ${loaded.join(', ') || 'none'}); log tail:\n${this.logTail()}`);
      }
    }
  }

  // A signed Janus token for this Janus (options.tokenSecret).
  mintToken(options = {}) {
    return mintJanusToken(this.options.tokenSecret, options);
  }

  // An Admin API request; admin_secret and transaction are added.
  admin(body, timeoutMs = 5000) {
    return wsRequest(this.adminUrl, 'janus-admin-protocol', { ...body, admin_secret: this.adminSecret }, timeoutMs);
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

  // The last lines of the Janus log and stdout (for failure messages).
  logTail(lines = 40) {
    let text = '';
    try {
      text = fs.readFileSync(this.stdoutPath, 'utf8'); // the banner, and anything Janus printed before its log opened
    } catch {
      // not written yet
    }
    text += this.readLog();
    return text.split('\n').slice(-lines).join('\n');
  }

  // Copies janus.log (and stdout, configs) into `dir` (failure artifacts).
  saveArtifacts(dir) {
    fs.mkdirSync(dir, { recursive: true });
    for (const name of fs.readdirSync(this.dir)) {
      if (name.endsWith('.log') || name.endsWith('.jcfg')) {
        fs.copyFileSync(path.join(this.dir, name), path.join(dir, name));
      }
    }
  }

  // Sends `signal` and waits for the process to end (SIGKILL after timeoutMs).
  async kill(signal = 'SIGTERM', timeoutMs = 5000) {
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

  // Stops Janus and removes its folder (unless keep or COUNSEL_KEEP_TMP).
  async stop({ keep = false } = {}) {
    if (this.running) await this.kill('SIGTERM');
    if (!keep && !process.env.COUNSEL_KEEP_TMP) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

module.exports = { JanusServer, REPO, COUNSEL_PLUGIN, COUNSEL_KEYGEN, jcfgText };
