'use strict';
// Phone dial-in inside the test namespace, without a phone line:
//
//   CounselPhone  counsel-phone (<build>/phone/counsel-phone) with a config of
//                 its own: SIP on 127.0.0.1:<port>, RTP on 127.0.0.1, Janus's
//                 HTTP transport, a fresh service key (its hash goes into the
//                 plugin's `phone` group: phoneServiceCredentials()).
//   SipCaller     a caller: Debian's SIPp (sip-tester) speaks SIP
//                 (phone/caller_waits.xml waits for counsel-phone's BYE,
//                 phone/caller_hangs_up.xml hangs up after -d ms); the line's
//                 audio is this process's RTP endpoint, the port the SDP offer
//                 names: G.711 A-law out (silence, a tone, in-band keys) plus
//                 RFC 4733 telephone-events, and everything it hears decoded.
//   PythonPeer    a person with a browser's media: phone/peer.py (aiortc) over
//                 stdin/stdout, sending a tone and measuring tones it receives.
//
// Tones are measured with the Goertzel algorithm (the amplitude of one
// frequency), so "audio arrived" means "that tone arrived".

const { spawn, execFileSync } = require('node:child_process');
const dgram = require('node:dgram');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

const { COUNSEL_KEYGEN, REPO, freePort, sleep, waitFor } = require('../../support');

const COUNSEL_PHONE = process.env.COUNSEL_PHONE || path.join(REPO, 'build-test', 'phone', 'counsel-phone');
const PROMPTS_DIR = process.env.COUNSEL_PHONE_PROMPTS || path.join(path.dirname(COUNSEL_PHONE), 'prompts');
const SIPP = process.env.SIPP_BIN || '/usr/bin/sipp';
const PYTHON = process.env.COUNSEL_PYTHON || '/usr/bin/python3';
const PHONE_DIR = path.join(__dirname, '..', 'phone');

const RATE = 8000;
const FRAME = 160; // 20 ms
const ALAW_PT = 8;
const EVENT_PT = 101;

// --- G.711 A-law and the Goertzel algorithm ---------------------------------------

const SEG_END = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];

function linearToAlaw(sample) {
  let pcm = sample >> 3;
  let mask = 0xd5;
  if (pcm < 0) {
    mask = 0x55;
    pcm = -pcm - 1;
  }
  let seg = SEG_END.findIndex((end) => pcm <= end);
  if (seg < 0) return 0x7f ^ mask;
  const aval = (seg << 4) | ((seg < 2 ? pcm >> 1 : pcm >> seg) & 0x0f);
  return aval ^ mask;
}

function alawToLinear(value) {
  const a = value ^ 0x55;
  let t = (a & 0x0f) << 4;
  const seg = (a & 0x70) >> 4;
  if (seg === 0) t += 8;
  else t = (t + 0x108) << Math.max(0, seg - 1);
  return a & 0x80 ? t : -t;
}

// The amplitude of `hz` in `samples` (a sine of amplitude A gives about A).
function goertzel(samples, hz, rate = RATE) {
  const n = samples.length;
  if (n === 0) return 0;
  const coeff = 2 * Math.cos((2 * Math.PI * hz) / rate);
  let s1 = 0;
  let s2 = 0;
  for (const x of samples) {
    const s = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return (2 * Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - coeff * s1 * s2))) / n;
}

function rms(samples) {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const x of samples) sum += x * x;
  return Math.sqrt(sum / samples.length);
}

const DTMF = {
  1: [697, 1209], 2: [697, 1336], 3: [697, 1477], 4: [770, 1209], 5: [770, 1336], 6: [770, 1477],
  7: [852, 1209], 8: [852, 1336], 9: [852, 1477], '*': [941, 1209], 0: [941, 1336], '#': [941, 1477],
};
const EVENT_CODES = { '*': 10, '#': 11 };

// --- credentials, processes -------------------------------------------------------------

let serviceCache = null;
// A service key for counsel-phone and its $blake2b$ hash (counsel-keygen) for the plugin's `phone` group.
function phoneServiceCredentials() {
  if (!serviceCache) serviceCache = JSON.parse(execFileSync(COUNSEL_KEYGEN, ['--json'], { encoding: 'utf8', timeout: 30000 }));
  return serviceCache;
}

function phoneBuilt() {
  return fs.existsSync(COUNSEL_PHONE) && fs.existsSync(path.join(PROMPTS_DIR, 'welcome.s16'));
}

// Spawns a child that dies with the test process; output to `logPath`.
function spawnLogged(cmd, args, logPath, options = {}) {
  const out = fs.openSync(logPath, 'a');
  const child = spawn('setpriv', ['--pdeathsig', 'KILL', cmd, ...args], { stdio: ['ignore', out, out], ...options });
  fs.closeSync(out);
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return child;
}

class CounselPhone {
  // options: janus (a tests/support Janus started with http and phone), digitTimeoutS, maxCalls
  static async start(options) {
    const phone = new CounselPhone(options);
    await phone._launch();
    return phone;
  }

  constructor(options) {
    this.options = options;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'counsel-phone-'));
    this.logPath = path.join(this.dir, 'counsel-phone.log');
  }

  async _launch() {
    const { janus } = this.options;
    this.sipPort = await freePort('127.0.0.1');
    const keyFile = path.join(this.dir, 'service.key');
    fs.writeFileSync(keyFile, `${phoneServiceCredentials().key}\n`, { mode: 0o600 });
    const lines = [
      '[sip]',
      `listen = sip:127.0.0.1:${this.sipPort};transport=udp`,
      'allowed_sources = 127.0.0.1',
      `max_calls = ${this.options.maxCalls || 8}`,
      '[media]',
      'address = 127.0.0.1',
      'rtp_port_min = 42000',
      'rtp_port_max = 42999',
      '[janus]',
      `url = ${janus.httpUrl}`,
      `service_key_file = ${keyFile}`,
      '[calls]',
      `prompts_dir = ${PROMPTS_DIR}`,
      `digit_timeout_s = ${this.options.digitTimeoutS || 10}`,
      'log_level = verbose',
    ];
    if (janus.options.tokenSecret) {
      const secretFile = path.join(this.dir, 'janus-token.secret');
      fs.writeFileSync(secretFile, `${janus.options.tokenSecret}\n`, { mode: 0o600 });
      lines.splice(lines.indexOf('[calls]'), 0, `token_secret_file = ${secretFile}`);
    }
    this.configPath = path.join(this.dir, 'counsel-phone.conf');
    fs.writeFileSync(this.configPath, `${lines.join('\n')}\n`);
    this.child = spawnLogged(COUNSEL_PHONE, ['--config', this.configPath], this.logPath, { cwd: this.dir });
    await waitFor(() => this.readLog().includes('connected to Janus'), {
      timeoutMs: 15000,
      message: 'counsel-phone connected to Janus',
    }).catch((err) => {
      err.message += `\ncounsel-phone log:\n${this.readLog()}`;
      throw err;
    });
  }

  readLog() {
    try {
      return fs.readFileSync(this.logPath, 'utf8');
    } catch {
      return '';
    }
  }

  async stop() {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      await Promise.race([this.child.exited, sleep(5000)]);
      this.child.kill('SIGKILL');
    }
  }

  saveArtifacts(dir) {
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(this.logPath, path.join(dir, 'counsel-phone.log'));
  }

  remove() {
    if (!process.env.COUNSEL_KEEP_TMP) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

class SipCaller {
  // options: phone (CounselPhone), number (the caller's number; a canary), hangUpAfterMs (then the
  // caller hangs up; otherwise it waits for counsel-phone's BYE)
  static async call(options) {
    const caller = new SipCaller(options);
    await caller._launch();
    return caller;
  }

  constructor(options) {
    this.options = options;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'counsel-caller-'));
    this.heard = []; // [{ at, samples }]
    this.packetsIn = 0;
    this.packetsOut = 0;
    this.remote = null;
    this.source = { kind: 'silence' };
    this.queue = []; // pending keys: { digit, mode, done }
    this.seq = Math.floor(Math.random() * 65536);
    this.ts = Math.floor(Math.random() * 2 ** 31);
    this.ssrc = Math.floor(Math.random() * 2 ** 31);
    this.phase = 0;
  }

  async _launch() {
    this.socket = dgram.createSocket('udp4');
    this.socket.on('message', (msg, rinfo) => this._onRtp(msg, rinfo));
    await new Promise((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
    this.rtpPort = this.socket.address().port;
    const scenario = this.options.hangUpAfterMs ? 'caller_hangs_up.xml' : 'caller_waits.xml';
    const sipPort = await freePort('127.0.0.1');
    const mediaPort = await freePort('127.0.0.1');
    this.logPath = path.join(this.dir, 'sipp.log');
    this.child = spawnLogged(
      SIPP,
      [
        `127.0.0.1:${this.options.phone.sipPort}`,
        '-sf', path.join(PHONE_DIR, scenario),
        '-m', '1', '-l', '1',
        '-i', '127.0.0.1', '-p', String(sipPort), '-mp', String(mediaPort),
        '-set', 'caller', this.options.number || '+4930000000',
        '-set', 'rtp_port', String(this.rtpPort),
        '-d', String(this.options.hangUpAfterMs || 0),
        // The SIP messages as sent, for the canary test's positive control (the number did go out).
        '-trace_msg', '-message_file', path.join(this.dir, 'messages.log'),
        '-nostdin', '-trace_err', '-timeout', '600s',
      ],
      this.logPath,
      { cwd: this.dir },
    );
    this.ended = this.child.exited;
    this.timer = setInterval(() => this._sendDue(), 10);
    this.nextDue = null;
  }

  _onRtp(msg, rinfo) {
    if (msg.length < 12 || msg[0] >> 6 !== 2) return;
    const pt = msg[1] & 0x7f;
    const offset = 12 + 4 * (msg[0] & 0x0f);
    if (pt !== ALAW_PT || offset > msg.length) return;
    // Symmetric RTP: counsel-phone sends from the port it receives on.
    if (!this.remote) this.remote = { address: rinfo.address, port: rinfo.port };
    const samples = new Array(msg.length - offset);
    for (let i = offset; i < msg.length; i++) samples[i - offset] = alawToLinear(msg[i]);
    this.heard.push({ at: Date.now(), samples });
    this.packetsIn++;
    while (this.heard.length && this.heard[0].at < Date.now() - 30000) this.heard.shift();
  }

  // Everything heard in the last `ms`.
  lastHeard(ms) {
    const since = Date.now() - ms;
    const out = [];
    for (const h of this.heard) if (h.at >= since) out.push(...h.samples);
    return out;
  }

  // The amplitude of `hz` and the level of all that was heard in the last `ms`.
  tone(hz, ms = 2000) {
    const samples = this.lastHeard(ms);
    return { amplitude: Math.round(goertzel(samples, hz)), rms: Math.round(rms(samples)), samples: samples.length };
  }

  async waitForSound({ timeoutMs = 15000 } = {}) {
    await waitFor(() => rms(this.lastHeard(200)) > 300, { timeoutMs, intervalMs: 50, message: 'the caller hears something' });
  }

  async waitForQuiet({ timeoutMs = 30000, ms = 600 } = {}) {
    await waitFor(() => this.lastHeard(ms).length >= (ms / 1000) * RATE * 0.8 && rms(this.lastHeard(ms)) < 50, {
      timeoutMs,
      intervalMs: 50,
      message: 'the caller hears silence',
    });
  }

  // Presses keys: mode 'rfc4733' (telephone-events) or 'inband' (tones in the audio).
  keys(digits, mode = 'rfc4733') {
    return Promise.all(
      [...digits].map((digit) => new Promise((resolve) => this.queue.push({ digit, mode, frame: 0, done: resolve }))),
    );
  }

  playTone(hz, amplitude = 8000) {
    this.source = { kind: 'tone', hz, amplitude };
  }

  quiet() {
    this.source = { kind: 'silence' };
  }

  _packet(pt, marker, timestamp, payload) {
    const header = Buffer.alloc(12);
    header[0] = 0x80;
    header[1] = (marker ? 0x80 : 0) | pt;
    header.writeUInt16BE(this.seq, 2);
    header.writeUInt32BE(timestamp >>> 0, 4);
    header.writeUInt32BE(this.ssrc, 8);
    this.seq = (this.seq + 1) & 0xffff;
    return Buffer.concat([header, payload]);
  }

  _audioFrame(tones, amplitude) {
    const payload = Buffer.alloc(FRAME);
    for (let i = 0; i < FRAME; i++) {
      const t = (this.phase + i) / RATE;
      let v = 0;
      for (const hz of tones) v += amplitude * Math.sin(2 * Math.PI * hz * t);
      payload[i] = linearToAlaw(Math.max(-32768, Math.min(32767, Math.round(v))));
    }
    this.phase += FRAME;
    return payload;
  }

  // Every 20 ms one packet: a key press (5 frames of tone or event, 3 end
  // packets, then 5 frames of silence), or the current source.
  _sendDue() {
    if (!this.remote) return;
    const now = Date.now();
    if (this.nextDue === null) this.nextDue = now;
    while (this.nextDue <= now) {
      this.nextDue += 20;
      this._sendFrame();
    }
  }

  _sendFrame() {
    const key = this.queue[0];
    let packet;
    if (key && key.frame < 5) {
      if (key.mode === 'inband') {
        packet = this._packet(ALAW_PT, false, this.ts, this._audioFrame(DTMF[key.digit], 6000));
      } else {
        if (key.frame === 0) key.start = this.ts;
        const code = EVENT_CODES[key.digit] ?? Number(key.digit);
        const duration = (key.frame + 1) * FRAME;
        const payload = Buffer.from([code, 10, duration >> 8, duration & 0xff]);
        packet = this._packet(EVENT_PT, key.frame === 0, key.start, payload);
        if (key.frame === 4) {
          // The end of the event, sent three times (RFC 4733 2.5.1.4).
          const end = Buffer.from([code, 0x80 | 10, duration >> 8, duration & 0xff]);
          for (let i = 0; i < 3; i++) this._send(this._packet(EVENT_PT, false, key.start, end));
        }
      }
      key.frame++;
    } else {
      if (key) {
        key.frame++;
        if (key.frame >= 10) {
          this.queue.shift();
          key.done();
        }
      }
      const s = this.source;
      packet = this._packet(ALAW_PT, false, this.ts, this._audioFrame(s.kind === 'tone' && !key ? [s.hz] : [], s.amplitude || 0));
    }
    this.ts += FRAME;
    this._send(packet);
  }

  _send(packet) {
    this.socket.send(packet, this.remote.port, this.remote.address);
    this.packetsOut++;
  }

  readLog() {
    let text = '';
    for (const name of fs.readdirSync(this.dir)) text += fs.readFileSync(path.join(this.dir, name), 'utf8');
    return text;
  }

  async stop() {
    clearInterval(this.timer);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.child.exited;
    this.socket.close();
    if (!process.env.COUNSEL_KEEP_TMP) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

class PythonPeer {
  static async start(wsUrl, name) {
    const peer = new PythonPeer(wsUrl, name);
    await peer._launch();
    return peer;
  }

  constructor(wsUrl, name) {
    this.wsUrl = wsUrl;
    this.name = name;
    this.events = [];
    this.pending = new Map();
    this.nextId = 0;
    this.stderr = '';
  }

  async _launch() {
    this.child = spawn('setpriv', ['--pdeathsig', 'KILL', PYTHON, path.join(PHONE_DIR, 'peer.py'), this.wsUrl, this.name], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stderr.on('data', (d) => {
      this.stderr = (this.stderr + d).slice(-20000);
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    let ready;
    const readyP = new Promise((resolve) => {
      ready = resolve;
    });
    readline.createInterface({ input: this.child.stdout }).on('line', (line) => {
      let msg;
      try {
        msg = JSON.parse(line);
      } catch {
        return;
      }
      if (msg.ready) ready();
      else if (msg.event) this.events.push(msg.event);
      else if (this.pending.has(msg.id)) {
        const { resolve, reject } = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.error) reject(new Error(`${this.name}: ${msg.error}`));
        else resolve(msg);
      }
    });
    await Promise.race([
      readyP,
      this.exited.then((code) => {
        throw new Error(`peer.py ${this.name} exited (${code}): ${this.stderr}`);
      }),
      sleep(20000).then(() => {
        throw new Error(`peer.py ${this.name} did not start: ${this.stderr}`);
      }),
    ]);
  }

  _cmd(body) {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin.write(`${JSON.stringify({ id, ...body })}\n`);
    });
  }

  async request(body) {
    return (await this._cmd({ cmd: 'request', body })).answer;
  }

  async publish(toneHz) {
    return (await this._cmd({ cmd: 'publish', tone_hz: toneHz })).answer;
  }

  async tone(hz, ms = 2000) {
    return (await this._cmd({ cmd: 'tone', hz, ms })).tracks;
  }

  // The first event (since index `from`) that `pred` accepts.
  async waitForEvent(pred, { timeoutMs = 20000, from = 0, message = 'event' } = {}) {
    return waitFor(() => this.events.slice(from).find(pred), { timeoutMs, intervalMs: 50, message: `${this.name}: ${message}` });
  }

  async close() {
    if (this.child.exitCode === null) {
      await Promise.race([this._cmd({ cmd: 'close' }).catch(() => {}), sleep(3000)]);
      this.child.kill('SIGKILL');
    }
    await this.exited;
  }
}

module.exports = {
  CounselPhone, SipCaller, PythonPeer, phoneServiceCredentials, phoneBuilt, goertzel, linearToAlaw, alawToLinear,
  COUNSEL_PHONE,
};
