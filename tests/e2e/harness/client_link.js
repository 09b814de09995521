'use strict';
// A client on a network link of its own, so that one browser's network can
// blink, drop, change address or turn poor while everyone else's stays up.
// Inside the test namespace (run-in-netns.sh), ClientLink.create(n) makes:
//
//   test namespace: Janus (10.200.0.1 on v0), web server, other browsers
//        v0 <── veth ──> v1 ──(macvlan, bridge mode)──> c<n> 10.200.0.<10n+11>/24 in client namespace n
//
// The client namespace is held by `unshare -n sleep infinity` (dies with the
// test process); a browser runs in it through `nsenter --net` (browserPath():
// an executable that Browser.launch({ executablePath }) takes; Chromium also
// needs launchArgs('chromium'): plain host candidates, as tests/support's other
// pages have them, instead of mDNS names Janus cannot resolve). Chromium talks
// to playwright over a pipe, so nothing else is needed; Firefox's WebDriver
// BiDi WebSocket listens on 127.0.0.1 of the client namespace, so its wrapper
// (firefox_in_netns.js) relays that port into the test namespace.
//
// Why on v1's segment and not a routed link of its own: Janus sends its media
// out of v0 whatever the route says (its neighbour table then fails on v0 for
// any other subnet), so the client must be a neighbour on v0's wire. A frame
// from v0 reaches v1, whose macvlan hands it to the client namespace.
//
//   const link = await ClientLink.create(1);
//   const browser = await env.launchOn(link, engine);   // the world's (tests/support/world.js): Browser.launch with browserPath and launchArgs
//   await link.down(); await link.up();           // the client's interface goes down / up (no carrier)
//   await link.moveAddress();                     // the client gets the next address (Wi-Fi -> mobile data)
//   await link.shape({ lossPercent: 3 });         // both directions; or { kbit: 300 }; link.shape() clears
//   await link.close();
//
// This kernel has no netem (and no gact): loss is an HTB class whose pfifo
// takes no packet, fed by a u32 filter that matches 1 in 32 RTP/RTCP packets
// (first byte 10xxxxxx) by an encrypted, so random, payload byte — 3.1 % of
// every SRTP/SRTCP packet of 69 bytes and more, in each direction. STUN is
// spared: its byte there is the same in every consent check, so a byte
// filter would drop all of them or none, and ICE itself would fail. The cap is an
// HTB class at `kbit` with a 30-packet queue, as media.test.js does on lo. The
// way to the client is shaped on v0 (by the client's address), the way back
// on the client's own interface; one client is shaped at a time.

const { execFile, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { promisify } = require('node:util');

const { CHROMIUM_BIN } = require('../../support/browser');
const { FIREFOX_BIN } = require('../../support/firefox');
const { sleep } = require('../../support/util');

const run = promisify(execFile);
const RELAY = path.join(__dirname, 'firefox_in_netns.js');

class ClientLink {
  static async create(n) {
    const link = new ClientLink(n);
    try {
      await link._setUp();
    } catch (err) {
      await link.close();
      throw err;
    }
    return link;
  }

  constructor(n) {
    this.n = n;
    this.dev = `c${n}`;
    this.hostPart = 10 * n + 11;
    this.holder = null;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `counsel-link${n}-`));
  }

  get address() {
    return `10.200.0.${this.hostPart}`;
  }

  get netns() {
    return `/proc/${this.holder.pid}/ns/net`;
  }

  // Runs `cmd args` in the test namespace / in the client's.
  async here(cmd, ...args) {
    await run(cmd, args);
  }

  async there(cmd, ...args) {
    await run('nsenter', [`--net=${this.netns}`, '--', cmd, ...args]);
  }

  async _setUp() {
    this.holder = spawn('setpriv', ['--pdeathsig', 'KILL', '--', 'unshare', '--net', '--', 'sleep', 'infinity'], { stdio: 'ignore' });
    // The holder is in its own namespace once /proc says so.
    const mine = fs.readlinkSync('/proc/self/ns/net');
    for (let i = 0; i < 100; i += 1) {
      let ns = null;
      try {
        ns = fs.readlinkSync(this.netns);
      } catch {
        // not yet there
      }
      if (ns && ns !== mine) break;
      if (this.holder.exitCode !== null) throw new Error('unshare --net failed');
      await sleep(20);
    }
    await this.here('ip', 'link', 'add', 'link', 'v1', 'name', this.dev, 'type', 'macvlan', 'mode', 'bridge');
    await this.here('ip', 'link', 'set', this.dev, 'netns', String(this.holder.pid));
    await this.there('ip', 'link', 'set', 'lo', 'up');
    await this.there('sysctl', '-qw', `net.ipv6.conf.${this.dev}.disable_ipv6=1`).catch(() => {});
    await this.there('ip', 'addr', 'add', `${this.address}/24`, 'dev', this.dev);
    await this.there('ip', 'link', 'set', this.dev, 'up');
    await this._defaultRoute();
  }

  // A default route, as every real client has: without one Chromium counts
  // itself offline after an address change (net::ERR_INTERNET_DISCONNECTED).
  // Right after `link set up` the kernel may not take it yet (its carrier
  // settles within a second): tried for up to 3 s.
  async _defaultRoute() {
    for (let i = 0; ; i += 1) {
      try {
        await this.there('ip', 'route', 'replace', 'default', 'via', '10.200.0.1', 'dev', this.dev);
        return;
      } catch (err) {
        if (i >= 30) throw err;
        await sleep(100);
      }
    }
  }

  // An executable that starts the engine's browser inside the client namespace.
  browserPath(engine = 'chromium') {
    const file = path.join(this.dir, `${engine}-in-netns`);
    const script =
      engine === 'firefox'
        ? `#!/bin/sh\nexec "${process.execPath}" "${RELAY}" "${this.netns}" "${FIREFOX_BIN}" "$@"\n`
        : `#!/bin/sh\nexec nsenter --net="${this.netns}" -- "${CHROMIUM_BIN}" "$@"\n`;
    fs.writeFileSync(file, script, { mode: 0o755 });
    return file;
  }

  // Extra launch arguments the engine needs in there.
  launchArgs(engine = 'chromium') {
    return engine === 'chromium' ? ['--disable-features=WebRtcHideLocalIpsWithMdns'] : [];
  }

  // The link goes down (the client's interface loses its carrier) / comes back.
  down() {
    return this.there('ip', 'link', 'set', this.dev, 'down');
  }

  async up() {
    await this.there('ip', 'link', 'set', this.dev, 'up');
    await this._defaultRoute();
  }

  // The client's address changes, as when a phone moves from Wi-Fi to mobile
  // data: the old address is gone, a new one takes its place.
  async moveAddress() {
    const old = this.address;
    this.hostPart += 1;
    // Old first: deleting a primary address takes the secondaries of its subnet along.
    await this.there('ip', 'addr', 'del', `${old}/24`, 'dev', this.dev);
    await this.there('ip', 'addr', 'add', `${this.address}/24`, 'dev', this.dev);
  }

  // Shapes both directions: { lossPercent: 3 } (the only loss this kernel
  // can do: 1 in 32 packets) and/or { kbit }; shape() takes everything off.
  async shape({ lossPercent = 0, kbit = 0 } = {}) {
    const match = ['match', 'ip', 'dst', `${this.address}/32`];
    await this._shapeOne((...a) => this.here(...a), 'v0', match, { lossPercent, kbit });
    await this._shapeOne((...a) => this.there(...a), this.dev, [], { lossPercent, kbit });
  }

  // `only`: u32 matches that select this client's packets (none: all of them).
  async _shapeOne(tc, dev, only, { lossPercent, kbit }) {
    await tc('tc', 'qdisc', 'del', 'dev', dev, 'root').catch(() => {});
    if (!lossPercent && !kbit) return;
    const u32 = (prio, flowid, ...extra) =>
      tc('tc', 'filter', 'add', 'dev', dev, 'parent', '1:', 'protocol', 'ip', 'prio', String(prio), 'u32', ...only, ...extra, 'flowid', flowid);
    await tc('tc', 'qdisc', 'add', 'dev', dev, 'root', 'handle', '1:', 'htb', 'default', '10', 'r2q', '1000');
    await tc('tc', 'class', 'add', 'dev', dev, 'parent', '1:', 'classid', '1:10', 'htb', 'rate', '10gbit');
    if (lossPercent) {
      if (lossPercent !== 3) throw new Error('only 3 % loss (1 in 32) is built here');
      await tc('tc', 'class', 'add', 'dev', dev, 'parent', '1:', 'classid', '1:30', 'htb', 'rate', '8bit', 'ceil', '8bit');
      await tc('tc', 'qdisc', 'add', 'dev', dev, 'parent', '1:30', 'handle', '30:', 'pfifo', 'limit', '0');
      // RTP/RTCP (version 2 in the first payload byte, IP header 20 + UDP 8),
      // and byte 40 of the UDP payload: encrypted, so random.
      await u32(1, '1:30', 'match', 'ip', 'protocol', '17', '0xff', 'match', 'u8', '0x80', '0xc0', 'at', '28',
        'match', 'u8', '0x00', '0x1f', 'at', '68');
    }
    if (kbit) {
      await tc('tc', 'class', 'add', 'dev', dev, 'parent', '1:', 'classid', '1:20', 'htb', 'rate', `${kbit}kbit`, 'ceil', `${kbit}kbit`);
      await tc('tc', 'qdisc', 'add', 'dev', dev, 'parent', '1:20', 'handle', '20:', 'pfifo', 'limit', '30');
      await u32(2, '1:20', ...(only.length ? [] : ['match', 'u32', '0', '0']));
    }
  }

  async close() {
    if (this.holder && this.holder.exitCode === null) {
      await this.shape().catch(() => {});
      this.holder.kill('SIGKILL'); // its namespace goes, and the macvlan with it
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

module.exports = { ClientLink };
