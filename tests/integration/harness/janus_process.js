'use strict';
// Starts a real Janus (Debian's /usr/bin/janus) with the counsel plugin in a
// fresh temporary folder: its own configs, its own state_db, only the
// WebSockets transport on free 127.0.0.1 ports, and a log file.
//
//   const janus = await JanusProcess.start({ plugin: { idle_end_s: 2 } });
//   janus.wsUrl, janus.adminUrl, janus.adminSecret, janus.logPath,
//   janus.practitionerKey, janus.stateDb
//   await janus.kill('SIGKILL'); await janus.restart(); await janus.stop();
//
// Environment: COUNSEL_PLUGIN (path of libjanus_counsel.so), COUNSEL_KEYGEN
// (path of counsel-keygen), JANUS_BIN (default /usr/bin/janus),
// COUNSEL_KEEP_TMP=1 keeps the temporary folder for a post-mortem,
// COUNSEL_JANUS_ENV: extra environment for Janus only, space-separated NAME=value
// pairs (scripts/harden preloads the ASan runtime this way; node must not get it).

const { spawn, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { freePort, portAnswers, sleep } = require('./util');
const { connectCounsel } = require('./janus_client');
const { mintJanusToken } = require('../../../web/server/janus_token.js');

const REPO = path.resolve(__dirname, '..', '..', '..');
const PLUGIN = process.env.COUNSEL_PLUGIN || path.join(REPO, 'build-test', 'libjanus_counsel.so');
const KEYGEN = process.env.COUNSEL_KEYGEN || path.join(REPO, 'build-test', 'counsel-keygen');
const JANUS_BIN = process.env.JANUS_BIN || '/usr/bin/janus';
const TRANSPORTS_FOLDER = '/usr/lib/x86_64-linux-gnu/janus/transports';
const EVENTS_FOLDER = '/usr/lib/x86_64-linux-gnu/janus/events';
const OTHER_EVENT_HANDLERS = [
  'libjanus_gelfevh.so', 'libjanus_mqttevh.so', 'libjanus_nanomsgevh.so', 'libjanus_rabbitmqevh.so', 'libjanus_wsevh.so',
];
const OTHER_TRANSPORTS = [
  'libjanus_http.so', 'libjanus_mqtt.so', 'libjanus_nanomsg.so', 'libjanus_pfunix.so', 'libjanus_rabbitmq.so',
];

// Every Janus this process started, so none outlives it (even on a crash of
// the test process; setpriv's parent-death signal covers a SIGKILL of it).
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

let keygenCache = null;
// A practitioner key and its Argon2id hash from the built counsel-keygen.
function practitionerCredentials() {
  if (!keygenCache) {
    if (!fs.existsSync(KEYGEN)) throw new Error(`counsel-keygen not found at ${KEYGEN} (set COUNSEL_KEYGEN)`);
    const out = execFileSync(KEYGEN, ['--json'], { encoding: 'utf8', timeout: 30000 });
    const parsed = JSON.parse(out);
    if (typeof parsed.key !== 'string' || typeof parsed.key_hash !== 'string') {
      throw new Error('counsel-keygen --json did not print {"key","key_hash"}');
    }
    keygenCache = parsed;
  }
  return keygenCache;
}

// A jcfg (libconfig) value.
function jcfgValue(value) {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return `"${String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function jcfgGroup(entries) {
  return Object.entries(entries)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `\t${k} = ${jcfgValue(v)}`)
    .join('\n');
}

// COUNSEL_JANUS_ENV as an object.
function janusEnv(options) {
  const extra = {};
  for (const pair of (process.env.COUNSEL_JANUS_ENV || '').split(/\s+/).filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`COUNSEL_JANUS_ENV: not NAME=value: ${pair}`);
    extra[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return { ...process.env, ...extra, ...(options.env || {}) };
}

class JanusProcess {
  // options:
  //   debugLevel: Janus debug level 0-7 (default 4, or env COUNSEL_JANUS_DEBUG)
  //   plugin:     extra `general` settings of janus.plugin.counsel.jcfg
  //   admin:      also open the Admin API over WebSockets (default true)
  //   practitioners: extra [{id, key_hash, ...}] entries (every field is written)
  //   pluginConfigTail: raw text appended to janus.plugin.counsel.jcfg
  //   env:        extra environment of Janus ({NAME: value})
  //   eventBackend: URL: Debian's sample event handler posts every event there
  //   http:       also open Janus's HTTP API on 127.0.0.1 (httpUrl)
  //   tokenSecret: Janus's signed-token auth with this secret (token_auth_secret)
  //   phone:      the counsel plugin's `phone` group ({ number, service_key_hash })
  static async start(options = {}) {
    const janus = new JanusProcess(options);
    try {
      await janus._launch();
    } catch (err) {
      await janus.stop().catch(() => {});
      throw err;
    }
    return janus;
  }

  constructor(options) {
    if (!fs.existsSync(PLUGIN)) throw new Error(`plugin not found at ${PLUGIN} (set COUNSEL_PLUGIN)`);
    this.options = options;
    this.debugLevel = options.debugLevel ?? Number(process.env.COUNSEL_JANUS_DEBUG || 4);
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'counsel-it-'));
    this.pluginsFolder = path.join(this.dir, 'plugins');
    this.emptyFolder = path.join(this.dir, 'empty');
    fs.mkdirSync(this.pluginsFolder);
    fs.mkdirSync(this.emptyFolder);
    fs.symlinkSync(path.resolve(PLUGIN), path.join(this.pluginsFolder, 'libjanus_counsel.so'));
    this.stateDb = path.join(this.dir, 'state', 'counsel.db');
    fs.mkdirSync(path.dirname(this.stateDb));
    this.recDir = path.join(this.dir, 'rec');
    fs.mkdirSync(this.recDir);
    this.logPath = path.join(this.dir, 'janus.log');
    this.stdoutPath = path.join(this.dir, 'stdout.log');
    this.adminSecret = crypto.randomBytes(12).toString('hex');
    const creds = practitionerCredentials();
    this.practitionerKey = creds.key;
    this.practitionerKeyHash = creds.key_hash;
    this.child = null;
    this.exited = null;
    this.starts = 0;
  }

  get wsUrl() {
    return `ws://127.0.0.1:${this.wsPort}/`;
  }

  get httpUrl() {
    return `http://127.0.0.1:${this.httpPort}/janus`;
  }

  get adminUrl() {
    return `ws://127.0.0.1:${this.adminPort}/`;
  }

  _writeConfigs() {
    const general = {
      configs_folder: this.dir,
      plugins_folder: this.pluginsFolder,
      transports_folder: TRANSPORTS_FOLDER,
      events_folder: this.options.eventBackend ? EVENTS_FOLDER : this.emptyFolder,
      loggers_folder: this.emptyFolder,
      log_to_stdout: false,
      log_to_file: this.logPath,
      debug_level: this.debugLevel,
      debug_colors: false,
      debug_timestamps: false,
      admin_secret: this.adminSecret,
      session_timeout: 60,
      exit_on_dl_error: true,
      ...(this.options.tokenSecret ? { token_auth: true, token_auth_secret: this.options.tokenSecret } : {}),
    };
    fs.writeFileSync(
      path.join(this.dir, 'janus.jcfg'),
      `general: {\n${jcfgGroup(general)}\n}\n` +
        'certificates: {\n}\nmedia: {\n}\nnat: {\n\tnice_debug = false\n}\n' +
        'plugins: {\n}\n' +
        `transports: {\n\tdisable = "${OTHER_TRANSPORTS.filter((t) => !(this.options.http && t === 'libjanus_http.so')).join(',')}"\n}\n` +
        'loggers: {\n}\n' +
        (this.options.eventBackend
          ? `events: {\n\tbroadcast = true\n\tdisable = "${OTHER_EVENT_HANDLERS.join(',')}"\n}\n`
          : 'events: {\n\tbroadcast = false\n}\n'),
    );
    if (this.options.eventBackend) {
      fs.writeFileSync(
        path.join(this.dir, 'janus.eventhandler.sampleevh.jcfg'),
        `general: {\n${jcfgGroup({ enabled: true, events: 'all', grouping: true, json: 'compact', backend: this.options.eventBackend })}\n}\n`,
      );
    }
    const admin = this.options.admin !== false;
    fs.writeFileSync(
      path.join(this.dir, 'janus.transport.websockets.jcfg'),
      `general: {\n${jcfgGroup({ json: 'compact', ws: true, ws_port: this.wsPort, ws_ip: '127.0.0.1', wss: false })}\n}\n` +
        `admin: {\n${jcfgGroup(
          admin
            ? { admin_ws: true, admin_ws_port: this.adminPort, admin_ws_ip: '127.0.0.1', admin_wss: false }
            : { admin_ws: false, admin_wss: false },
        )}\n}\n`,
    );
    if (this.options.http) {
      fs.writeFileSync(
        path.join(this.dir, 'janus.transport.http.jcfg'),
        `general: {\n${jcfgGroup({ json: 'compact', base_path: '/janus', http: true, port: this.httpPort, ip: '127.0.0.1', https: false })}\n}\n` +
          `admin: {\n${jcfgGroup({ admin_http: false, admin_https: false })}\n}\n`,
      );
    }
    const pluginGeneral = {
      state_db: this.stateDb,
      rec_dir: this.recDir,
      ...(this.options.plugin || {}),
    };
    const practitioners = [{ id: 'test', key_hash: this.practitionerKeyHash }, ...(this.options.practitioners || [])];
    const list = practitioners.map(
      (p) => `\t{ ${Object.entries(p).map(([k, v]) => `${k} = ${jcfgValue(v)};`).join(' ')} }`,
    );
    fs.writeFileSync(
      path.join(this.dir, 'janus.plugin.counsel.jcfg'),
      `general: {\n${jcfgGroup(pluginGeneral)}\n}\npractitioners = (\n${list.join(',\n')}\n)\n` +
        (this.options.phone ? `phone: {\n${jcfgGroup(this.options.phone)}\n}\n` : '') +
        (this.options.pluginConfigTail || ''),
    );
  }

  async _launch() {
    this.wsPort = await freePort();
    this.adminPort = await freePort();
    while (this.adminPort === this.wsPort) this.adminPort = await freePort();
    if (this.options.http) {
      this.httpPort = await freePort();
      while ([this.wsPort, this.adminPort].includes(this.httpPort)) this.httpPort = await freePort();
    }
    this._writeConfigs();
    const out = fs.openSync(this.stdoutPath, 'a');
    const args = ['--pdeathsig', 'KILL', JANUS_BIN, '-C', path.join(this.dir, 'janus.jcfg'), '-F', this.dir];
    const child = spawn('setpriv', args, { stdio: ['ignore', out, out], cwd: this.dir, env: janusEnv(this.options) });
    fs.closeSync(out);
    this.child = child;
    this.starts += 1;
    live.add(child);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        live.delete(child);
        resolve({ code, signal });
      });
    });
    let exitInfo = null;
    this.exited.then((info) => {
      exitInfo = info;
    });
    const deadline = Date.now() + 20000;
    for (;;) {
      if (exitInfo) {
        throw new Error(`janus exited during start (${JSON.stringify(exitInfo)}); log tail:\n${this.logTail()}`);
      }
      if (await portAnswers(this.wsPort)) break;
      if (Date.now() > deadline) throw new Error(`janus did not open its WebSocket port in 20 s; log tail:\n${this.logTail()}`);
      await sleep(100);
    }
    if (this.options.admin !== false) {
      while (!(await portAnswers(this.adminPort))) {
        if (exitInfo || Date.now() > deadline) throw new Error(`janus admin port did not open; log tail:\n${this.logTail()}`);
        await sleep(100);
      }
    }
    await this._probePlugin();
  }

  // Janus starts without a plugin whose init failed: make that a clear error.
  async _probePlugin() {
    let handle;
    try {
      handle = await connectCounsel(this.wsUrl, { token: this.options.tokenSecret ? this.mintToken() : undefined });
    } catch (err) {
      const counselLines = this.readLog().split('\n').filter((l) => l.includes('[counsel]')).join('\n');
      throw new Error(`janus.plugin.counsel is not available (${err.message}); plugin log lines:\n${counselLines}\nlog tail:\n${this.logTail()}`);
    }
    await handle.detach().catch(() => {});
    await handle.close();
  }

  // A signed Janus token for this Janus (options.tokenSecret), as web/server/serve.js mints them.
  mintToken(options = {}) {
    return mintJanusToken(this.options.tokenSecret, options);
  }

  get pid() {
    return this.child ? this.child.pid : null;
  }

  get running() {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  // The last lines of the Janus log (for failure messages).
  logTail(lines = 40) {
    let text = '';
    for (const file of [this.logPath, this.stdoutPath]) {
      try {
        text += fs.readFileSync(file, 'utf8');
      } catch {
        // not written yet
      }
    }
    return text.split('\n').slice(-lines).join('\n');
  }

  readLog() {
    try {
      return fs.readFileSync(this.logPath, 'utf8');
    } catch {
      return '';
    }
  }

  // Sends `signal` and waits for the process to end.
  async kill(signal = 'SIGKILL', timeoutMs = 10000) {
    if (!this.running) return this.exited ? this.exited : null;
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

  // Starts Janus again in the same folder: same configs, same state_db, new ports.
  async restart() {
    if (this.running) await this.kill('SIGTERM');
    await this._launch();
  }

  // Stops Janus (gracefully, SIGKILL after 10 s) and removes the temporary folder.
  async stop() {
    if (this.running) await this.kill('SIGTERM');
    if (!process.env.COUNSEL_KEEP_TMP) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

module.exports = { JanusProcess, PLUGIN, KEYGEN, REPO };
