'use strict';
// A flood of wrong requests, as an attacker with only the public page sends
// them: several WebSocket connections, each with one Janus session, a fresh
// counsel handle every `perHandle` requests, paced to `rate` requests per
// second overall. It counts how each request was answered, so a lockout test
// can print the figures and check that every wrong attempt got 482/486.
//
//   const flood = Flood.start(world.janus.wsUrl, { body: (i) => ({ request: 'join', ... }) });
//   await flood.running(1000);          // the flood is in full swing
//   ...the rightful request, timed...
//   const figures = await flood.stop(); // {sent, answers: {"482": n, ...}, seconds, rate, handles}

const { JanusConnection, PLUGIN } = require('../../support/janus_client');
const { sleep } = require('../../support/util');

// The answer's kind: the plugin's error code, its `counsel`, or janus-<code>.
function kindOf(reply) {
  if (reply.janus === 'error') return `janus-${reply.error && reply.error.code}`;
  const data = reply.plugindata && reply.plugindata.data;
  if (!data) return `janus-${reply.janus}`;
  return data.counsel === 'error' ? String(data.error_code) : data.counsel;
}

class Flood {
  // body(i): the i-th request body. rate: requests per second overall.
  // detach: false keeps every handle attached until stop() (e.g. lobby members).
  static start(url, { body, rate = 500, workers = 50, perHandle = 5, detach = true }) {
    return new Flood(url, { body, rate, workers, perHandle, detach });
  }

  constructor(url, options) {
    this.options = options;
    this.answers = {};
    this.sent = 0;
    this.handles = 0;
    this.stopped = false;
    this.connections = [];
    this.started = Date.now();
    this.workers = Array.from({ length: options.workers }, () => this._worker(url));
  }

  // Resolves `ms` after the start, once every worker has sent something.
  async running(ms) {
    await sleep(Math.max(0, this.started + ms - Date.now()));
    for (let i = 0; i < 100 && this.sent < this.options.workers && !this.stopped; i += 1) await sleep(50);
  }

  async _worker(url) {
    const { body, rate, workers, perHandle, detach } = this.options;
    const conn = await JanusConnection.open(url);
    this.connections.push(conn);
    const session = await conn.createSession();
    const every = (workers * 1000) / rate; // ms between this worker's requests
    let next = Date.now();
    let handle = null;
    for (let n = 0; !this.stopped; n += 1) {
      if (n % perHandle === 0) {
        if (handle && detach) await handle.detach().catch(() => {});
        handle = await session.attach(PLUGIN);
        this.handles += 1;
      }
      const i = this.sent;
      this.sent += 1;
      const reply = await handle.sendRaw(body(i)).catch(() => ({ janus: 'error', error: { code: 'no-answer' } }));
      const kind = kindOf(reply);
      this.answers[kind] = (this.answers[kind] || 0) + 1;
      next += every;
      const wait = next - Date.now();
      if (wait > 0) await sleep(wait);
      else if (wait < -1000) next = Date.now(); // fell behind: do not burst to catch up
    }
  }

  // Stops sending, waits for every answer, closes the connections.
  async stop() {
    this.stopped = true;
    const seconds = (Date.now() - this.started) / 1000;
    await Promise.allSettled(this.workers);
    await Promise.allSettled(this.connections.map((c) => c.close()));
    const answered = Object.values(this.answers).reduce((a, b) => a + b, 0);
    return { sent: this.sent, answered, answers: this.answers, seconds, rate: this.sent / seconds, handles: this.handles };
  }
}

// "N requests in S s (R/s) from H fresh handles: {"482":a,"486":b}"
function describeFlood(f) {
  return `${f.sent} requests in ${f.seconds.toFixed(1)} s (${Math.round(f.rate)}/s) from ${f.handles} handles: ${JSON.stringify(f.answers)}`;
}

// Runs `request()` and returns [its result, milliseconds it took].
async function timed(request) {
  const t0 = process.hrtime.bigint();
  const result = await request();
  return [result, Number(process.hrtime.bigint() - t0) / 1e6];
}

module.exports = { Flood, describeFlood, timed };
