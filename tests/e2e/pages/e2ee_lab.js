// The E2EE lab page: loads the modules of web/e2ee/ (mounted at /web/) and
// offers window.lab.* to e2ee_crypto.test.js / e2ee_media.test.js. Every
// function runs in the browser and returns plain JSON for the test to check.
//
//   lab.frames()              round trips of VP8/H.264/Opus sample frames, tampering
//   lab.capture(codec, n)     n real encoded frames of Chromium's encoder (loopback)
//   lab.ivs(n)                IVs of n frames of one sender
//   lab.senders()             per-sender keys
//   lab.wrongKey(n)           n frames under another room key
//   lab.rotation(opts)        key rotation between in-page sessions over a fake relay
//   lab.substitution()        a relay that swaps public keys and forges rekeys
//   lab.codes()               short authentication codes
//   lab.fragments()           link fragment helpers
//   lab.chat()                chat encryption
//   lab.loopback(opts)        two PeerConnections in this page, frames encrypted end to end

import * as bytes from '/web/e2ee/bytes.js';
import * as keys from '/web/e2ee/keys.js';
import * as frame from '/web/e2ee/frame.js';
import * as exchange from '/web/e2ee/exchange.js';
import * as chat from '/web/e2ee/chat.js';
import { E2EESession } from '/web/e2ee/session.js';
import { MediaE2EE, detectMode } from '/web/e2ee/media.js';
import { E2EE } from '/web/e2ee/index.js';

const { FrameCrypto } = frame;
const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rand = (n) => crypto.getRandomValues(new Uint8Array(n));

window.testState = { phase: 'loading', error: null };

// ---------------------------------------------------------------------------
// Frames

// Random payload with zero runs in it (so H.264 escaping is exercised).
function payload(n) {
  const p = rand(n);
  for (let i = 5; i + 4 < n; i += 97) p.set([0, 0, i % 4, 0], i);
  // An unencrypted frame that ends in the E2EE marker (0xe1, 1 in 256) is read
  // as an encrypted one and fails as `noKey` or `auth` instead of `unencrypted`:
  // dropped all the same, but counted elsewhere than the test expects.
  if (p[n - 1] === 0xe1) p[n - 1] = 0xe0;
  return p;
}

function sampleFrames() {
  const sps = [0, 0, 0, 1, 0x67, 0x42, 0xc0, 0x1f, 0x8c, 0x8d, 0x40, 0x50, 0x17, 0xfc, 0xb3, 0x50, 0x60, 0x60, 0x60, 0x78, 0x44, 0x23, 0x50];
  const pps = [0, 0, 0, 1, 0x68, 0xce, 0x3c, 0x80];
  const idr = [0, 0, 0, 1, 0x65, 0xb8, 0x00, 0x04];
  const h264Key = bytes.concat(new Uint8Array([...sps, ...pps, ...idr]), payload(1500));
  const h264Delta = bytes.concat(new Uint8Array([0, 0, 0, 1, 0x61, 0xe0, 0x00, 0x40]), payload(500));
  // 3-byte start codes and a slice header that ends in zero bytes
  const h264Short = bytes.concat(new Uint8Array([0, 0, 1, 0x67, 0x42, 0xc0, 0x1f, 0, 0, 1, 0x68, 0xce, 0x3c, 0x80, 0, 0, 1, 0x65, 0x88, 0, 0]), payload(300));
  return [
    { name: 'vp8-key', codec: 'vp8', data: bytes.concat(new Uint8Array([0xb0, 0x46, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01]), payload(1200)), clear: 10, tamperAt: 6 },
    { name: 'vp8-delta', codec: 'vp8', data: bytes.concat(new Uint8Array([0x31, 0x2a, 0x00]), payload(400)), clear: 3, tamperAt: 1 },
    { name: 'h264-key', codec: 'h264', data: h264Key, clear: sps.length + pps.length + idr.length, tamperAt: 10 },
    { name: 'h264-delta', codec: 'h264', data: h264Delta, clear: 8, tamperAt: 6 },
    { name: 'h264-3byte-startcodes', codec: 'h264', data: h264Short, clear: 21, tamperAt: 5 },
    { name: 'opus', codec: 'opus', data: bytes.concat(new Uint8Array([0x78]), payload(60)), clear: 1, tamperAt: 0 },
    { name: 'opus-dtx', codec: 'opus', data: new Uint8Array([0x78, 0x01]), clear: 1, tamperAt: 0 },
  ];
}

// No start code (00 00 00/01/02) anywhere after `from`.
function startCodeAfter(data, from) {
  for (let i = from; i + 2 < data.length; i += 1) if (data[i] === 0 && data[i + 1] === 0 && data[i + 2] <= 2) return i;
  return -1;
}

async function pair(key, senderId = 11, receiverId = 22) {
  const s = new FrameCrypto();
  s.apply({ t: 'self', id: senderId });
  s.apply({ t: 'key', kid: key.kid, base: key.base });
  s.apply({ t: 'send', kid: key.kid });
  const r = new FrameCrypto();
  r.apply({ t: 'self', id: receiverId });
  r.apply({ t: 'key', kid: key.kid, base: key.base });
  r.apply({ t: 'owners', owners: [['0', senderId]] });
  return { s, r };
}

async function roundTrip(sample, key, s, r) {
  const { data, codec } = sample;
  const enc = await s.encrypt(data, codec);
  const n = frame.clearBytes(codec, data);
  const res = { name: sample.name, codec, len: data.length, encLen: enc.length, clear: n, expectedClear: sample.clear };
  res.clearKept = bytes.equalBytes(enc.subarray(0, n), data.subarray(0, n));
  // How many of the bytes after the clear ones are unchanged (about 1/256 by chance).
  let same = 0;
  const m = Math.min(data.length, enc.length);
  for (let i = n; i < m; i += 1) if (enc[i] === data[i]) same += 1;
  res.restBytes = data.length - n;
  res.restUnchanged = same;
  res.marker = enc[enc.length - 1];
  res.startCodeInCiphertext = codec === 'h264' ? startCodeAfter(enc, Math.max(0, n - 2)) : null;
  const dec = await r.decrypt(enc, codec, '0');
  res.roundTrip = !!dec && bytes.equalBytes(dec, data);
  // Tampering with a clear (AAD) byte, a ciphertext byte, the key id.
  const before = r.stats.failed.auth;
  const t1 = enc.slice();
  t1[sample.tamperAt] ^= 0x40;
  res.aadTamperDropped = (await r.decrypt(t1, codec, '0')) === null;
  const t2 = enc.slice();
  t2[n + Math.floor((enc.length - n) / 3)] ^= 0x01;
  res.ctTamperDropped = (await r.decrypt(t2, codec, '0')) === null;
  res.authFailuresCounted = r.stats.failed.auth - before;
  const t3 = enc.slice();
  t3[t3.length - 2] ^= 0x07;
  res.kidTamperDropped = (await r.decrypt(t3, codec, '0')) === null;
  // The same frame without encryption is dropped, not passed on.
  res.plainDropped = (await r.decrypt(data, codec, '0')) === null;
  return res;
}

async function frames() {
  const key = await keys.generateRoomKey();
  const { s, r } = await pair(key);
  const out = [];
  for (const sample of sampleFrames()) out.push(await roundTrip(sample, key, s, r));
  return { results: out, receiverStats: r.snapshot() };
}

// Real frames from Chromium's encoders: a loopback call whose sender hands
// copies of its encoded frames to us (createEncodedStreams, pass-through).
async function capture(codec, n = 30) {
  const pc1 = new RTCPeerConnection({ encodedInsertableStreams: true });
  const pc2 = new RTCPeerConnection();
  pc1.onicecandidate = (e) => e.candidate && pc2.addIceCandidate(e.candidate);
  pc2.onicecandidate = (e) => e.candidate && pc1.addIceCandidate(e.candidate);
  const kind = codec === 'opus' ? 'audio' : 'video';
  const stream = await navigator.mediaDevices.getUserMedia(kind === 'audio' ? { audio: true } : { video: { width: 640, height: 360 } });
  const tr = pc1.addTransceiver(stream.getTracks()[0], { direction: 'sendonly' });
  if (kind === 'video') {
    tr.setCodecPreferences(RTCRtpSender.getCapabilities('video').codecs.filter((c) => c.mimeType.toLowerCase() === `video/${codec}`));
  }
  const got = [];
  const { readable, writable } = tr.sender.createEncodedStreams();
  readable
    .pipeThrough(
      new TransformStream({
        transform(f, c) {
          if (got.length < n && f.data.byteLength > 0) {
            got.push({ type: f.type || null, mime: f.getMetadata().mimeType, data: new Uint8Array(f.data.slice(0)) });
          }
          c.enqueue(f);
        },
      }),
    )
    .pipeTo(writable);
  await pc1.setLocalDescription();
  await pc2.setRemoteDescription(pc1.localDescription);
  await pc2.setLocalDescription();
  await pc1.setRemoteDescription(pc2.localDescription);
  const deadline = Date.now() + 10000;
  while (got.length < n && Date.now() < deadline) await sleep(50);
  pc1.close();
  pc2.close();
  for (const t of stream.getTracks()) t.stop();
  return got;
}

async function realFrames(codec, n = 30) {
  const got = await capture(codec, n);
  const key = await keys.generateRoomKey();
  const { s, r } = await pair(key);
  const out = [];
  for (const [i, f] of got.entries()) {
    const c = frame.codecOf(f.mime, codec === 'opus' ? 'audio' : 'video');
    const res = await roundTrip({ name: `${codec}-${i}-${f.type || 'audio'}`, codec: c, data: f.data, tamperAt: codec === 'opus' ? 0 : c === 'vp8' ? 1 : 5 }, key, s, r);
    res.type = f.type;
    res.head = hex(f.data.subarray(0, 12));
    out.push(res);
  }
  return out;
}

async function ivs(n = 100000) {
  const key = await keys.generateRoomKey();
  const s = new FrameCrypto();
  s.apply({ t: 'self', id: 4242 });
  s.apply({ t: 'key', kid: 0, base: key.base });
  s.apply({ t: 'send', kid: 0 });
  const data = bytes.concat(new Uint8Array([0x78]), rand(20));
  const seen = new Set();
  const salts = new Set();
  let maxCounter = 0;
  const t0 = performance.now();
  const batch = 2000;
  for (let done = 0; done < n; done += batch) {
    const encs = await Promise.all(Array.from({ length: Math.min(batch, n - done) }, () => s.encrypt(data, 'opus')));
    for (const e of encs) {
      const iv = e.subarray(e.length - 14, e.length - 2);
      seen.add(hex(iv));
      salts.add(hex(iv.subarray(0, 4)));
      const v = new DataView(iv.buffer, iv.byteOffset, 12);
      maxCounter = Math.max(maxCounter, v.getUint32(4) * 0x100000000 + v.getUint32(8));
    }
  }
  // A second sender state of the same key (e.g. the page's worker restarted): another salt.
  const s2 = new FrameCrypto();
  s2.apply({ t: 'self', id: 4242 });
  s2.apply({ t: 'key', kid: 0, base: key.base });
  s2.apply({ t: 'send', kid: 0 });
  const e2 = await s2.encrypt(data, 'opus');
  return { n, unique: seen.size, salts: salts.size, maxCounter, ms: Math.round(performance.now() - t0), secondSaltDiffers: !salts.has(hex(e2.subarray(e2.length - 14, e2.length - 10))) };
}

async function senders() {
  const key = await keys.generateRoomKey();
  const a = new FrameCrypto();
  a.apply({ t: 'self', id: 11 });
  a.apply({ t: 'key', kid: 0, base: key.base });
  a.apply({ t: 'send', kid: 0 });
  const r = new FrameCrypto();
  r.apply({ t: 'self', id: 99 });
  r.apply({ t: 'key', kid: 0, base: key.base });
  r.apply({ t: 'owners', owners: [['a', 11], ['b', 12]] });
  const data = bytes.concat(new Uint8Array([0x31, 0x2a, 0x00]), rand(300));
  const enc = await a.encrypt(data, 'vp8');
  const asA = await r.decrypt(enc, 'vp8', 'a');
  const asB = await r.decrypt(enc, 'vp8', 'b');
  const bits = {};
  for (const [name, info] of [
    ['11/kid0', keys.INFO.frame(0, 11)],
    ['12/kid0', keys.INFO.frame(0, 12)],
    ['11/kid1', keys.INFO.frame(1, 11)],
    ['chat 11/kid0', keys.INFO.chat(0, 11)],
  ]) {
    bits[name] = hex(await keys.deriveBits(key.base, info, 256));
  }
  return { decryptsAsSender: !!asA && bytes.equalBytes(asA, data), decryptsAsOtherSender: !!asB, bits, failed: r.snapshot().failed };
}

async function wrongKey(n = 200) {
  const k1 = await keys.generateRoomKey();
  const k2 = await keys.generateRoomKey();
  const s = new FrameCrypto();
  s.apply({ t: 'self', id: 11 });
  s.apply({ t: 'key', kid: 0, base: k1.base });
  s.apply({ t: 'send', kid: 0 });
  const r = new FrameCrypto();
  r.apply({ t: 'self', id: 22 });
  r.apply({ t: 'key', kid: 0, base: k2.base });
  r.apply({ t: 'owners', owners: [['0', 11]] });
  let passed = 0;
  const samples = sampleFrames();
  for (let i = 0; i < n; i += 1) {
    const smp = samples[i % samples.length];
    if (await r.decrypt(await s.encrypt(smp.data, smp.codec), smp.codec, '0')) passed += 1;
  }
  return { n, passed, stats: r.snapshot() };
}

// ---------------------------------------------------------------------------
// Sessions over a fake relay (what the plugin's chat data channel does:
// stamp `from`, pass the text to everybody else admitted).

class Relay {
  constructor() {
    this.members = new Map(); // id -> session
    this.log = []; // every message sent: { from, text }
    this.results = []; // { to, from, type, reason, what, ignored, kid }
    this.pending = new Set();
    this.tamper = null; // async (from, text) -> text | null (drop)
  }

  add(session) {
    this.members.set(session.selfId, session);
  }

  remove(id) {
    this.members.delete(id);
  }

  send(from, text) {
    this.log.push({ from, text });
    const p = (async () => {
      let t = text;
      if (this.tamper) t = await this.tamper(from, t);
      if (t === null) return;
      for (const [id, s] of this.members) {
        if (id === from) continue;
        const to = id;
        const q = s.handleData(from, t).then((r) => {
          this.results.push({ to, from, type: r.type, reason: r.reason, what: r.what, ignored: r.ignored, kid: r.kid, text: r.text });
        });
        this.pending.add(q);
        q.finally(() => this.pending.delete(q));
      }
    })();
    this.pending.add(p);
    p.finally(() => this.pending.delete(p));
    return Promise.resolve();
  }

  async idle() {
    for (let i = 0; i < 100 && this.pending.size; i += 1) {
      await Promise.allSettled([...this.pending]);
      await sleep(5);
    }
  }
}

async function member(relay, key, id, role, opts = {}) {
  const s = await E2EESession.start({
    key: { raw: key.raw, kid: key.kid },
    selfId: id,
    role,
    send: (text) => relay.send(id, text),
    media: false,
    graceMs: opts.graceMs ?? 300,
    switchDelayMs: 50,
  });
  relay.add(s);
  return s;
}

const roster = (ids) => ids.map(([id, role]) => ({ id, role }));
const brief = (s) => {
  const st = s.state();
  return { id: s.selfId, kid: st.kid, code: st.code, rejected: st.counters.rejected, rotation: st.rotation };
};

async function rotation() {
  const relay = new Relay();
  const k0 = await keys.generateRoomKey();
  const M = await member(relay, k0, 1001, 'moderator');
  const A = await member(relay, k0, 1002, 'participant');
  const B = await member(relay, k0, 1003, 'participant');
  const C = await member(relay, k0, 1004, 'participant'); // to be removed
  const everyone = roster([[1001, 'moderator'], [1002, 'participant'], [1003, 'participant'], [1004, 'participant']]);
  for (const s of [M, A, B, C]) s.setParticipants(everyone);
  for (const s of [M, A, B, C]) await s.channelOpen();
  await relay.idle();
  const pubsKnown = [...M.pubs.keys()].sort();
  const before = [M, A, B, C].map(brief);

  // The moderator removes C (the plugin kicks C: C leaves the relay, the list shrinks) and rotates.
  const kicked = 1004;
  relay.remove(kicked);
  const remaining = everyone.filter((p) => p.id !== kicked);
  for (const s of [M, A, B]) s.setParticipants(remaining);
  const rotated = await M.rotate({ exclude: [kicked] });
  await relay.idle();
  await sleep(120); // switchDelayMs
  const after = [M, A, B, C].map(brief);

  // C captured everything the relay carried: give it every message from the log.
  const captured = relay.log.filter((m) => m.from !== kicked);
  const cResults = [];
  for (const m of captured) {
    const r = await C.handleData(m.from, m.text);
    cResults.push({ from: m.from, e2ee: JSON.parse(m.text).e2ee, type: r.type, reason: r.reason, ignored: r.ignored });
  }
  // C tries harder: relabels A's wrap as its own and re-MACs it with the old
  // key (which it knows), so its session really tries to unwrap it with C's key pair.
  const rekeys = captured.map((m) => ({ from: m.from, msg: JSON.parse(m.text) })).filter((m) => m.msg.e2ee === 'rekey');
  const forgedResults = [];
  const directTries = [];
  for (const { from, msg } of rekeys) {
    for (const w of msg.wraps) {
      const forged = { ...msg, wraps: [{ ...w, to: kicked, rpk: C.pairs[0].rpk }] };
      delete forged.mac;
      const text = exchange._internal.rekeyText(from, forged);
      const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await keys.authKey(C.current), bytes.utf8(text)));
      forged.mac = bytes.toB64u(mac);
      const r = await C.handleData(from, JSON.stringify(forged));
      forgedResults.push({ wrapTo: w.to, type: r.type, reason: r.reason });
      // And with the low-level unwrap, pretending to be the addressee, with each of C's key pairs.
      for (const p of C.pairs) {
        try {
          await exchange.unwrap(msg, from, w.to, w, p);
          directTries.push({ wrapTo: w.to, ok: true });
        } catch (err) {
          directTries.push({ wrapTo: w.to, ok: false, reason: err.reason });
        }
      }
    }
  }

  // Chat and frames after the rotation.
  const chatText = 'Neuer Schlüssel, gleiche Vertraulichkeit ✓';
  const ct = await A.encryptChat(chatText);
  const chatAtB = await B.handleData(A.selfId, ct);
  const chatAtC = await C.handleData(A.selfId, ct);
  const frameCheck = async (sender, receiver) => {
    const s = new FrameCrypto();
    s.apply({ t: 'self', id: sender.selfId });
    s.apply({ t: 'key', kid: sender.current.kid, base: sender.current.base });
    s.apply({ t: 'send', kid: sender.current.kid });
    const r = new FrameCrypto();
    r.apply({ t: 'self', id: receiver.selfId });
    for (const kid of receiver.accepting) r.apply({ t: 'key', kid, base: receiver.history.get(kid).base });
    r.apply({ t: 'owners', owners: [['0', sender.selfId]] });
    const data = bytes.concat(new Uint8Array([0x31, 0x2a, 0x00]), rand(200));
    const out = await r.decrypt(await s.encrypt(data, 'vp8'), 'vp8', '0');
    return { ok: !!out && bytes.equalBytes(out, data), failed: r.snapshot().failed };
  };
  const frameAtB = await frameCheck(A, B);
  const frameAtC = await frameCheck(A, C);

  // After the grace period the old key is gone for the remaining people.
  await sleep(500);
  const oldChat = await C.encryptChat('alter Schlüssel');
  const oldChatAtB = await B.handleData(C.selfId, oldChat);
  // The removed person announcing again is ignored by the moderator.
  relay.add(C);
  C.setParticipants(everyone);
  const cPubs = relay.results.length;
  await C._run(() => C._announce(true));
  await relay.idle();
  const cAtM = relay.results.slice(cPubs).filter((r) => r.to === M.selfId);
  relay.remove(kicked);

  // A late joiner whose link still has key 0 gets the current key (catch-up).
  const D = await member(relay, k0, 1005, 'participant');
  const withD = [...remaining, { id: 1005, role: 'participant' }];
  for (const s of [M, A, B, D]) s.setParticipants(withD);
  await D.channelOpen();
  await relay.idle();
  await sleep(120);
  const late = brief(D);

  const acked = M.state().rotation.acked.sort();
  const res = {
    pubsKnown,
    before,
    rotated,
    after,
    cResults,
    forgedResults,
    directTries,
    chatAtB,
    chatAtC,
    chatText,
    frameAtB,
    frameAtC,
    oldChatAtB,
    cAtM,
    late,
    mCode: M.state().code,
    acked,
    messageSizes: relay.log.map((m) => ({ e2ee: JSON.parse(m.text).e2ee, bytes: bytes.utf8(m.text).length })),
  };
  for (const s of [M, A, B, C, D]) s.close();
  return res;
}

async function substitution() {
  const relay = new Relay();
  const k0 = await keys.generateRoomKey();
  const M = await member(relay, k0, 2001, 'moderator');
  const A = await member(relay, k0, 2002, 'participant');
  const list = roster([[2001, 'moderator'], [2002, 'participant']]);
  M.setParticipants(list);
  A.setParticipants(list);
  const server = await exchange.newKeyPair(); // the server's own key pair
  const serverMacKey = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  let mode = 'swap-point';
  relay.tamper = async (from, text) => {
    const msg = JSON.parse(text);
    if (msg.e2ee !== 'pub' || from !== A.selfId || mode === 'none') return text;
    msg.pub = server.pub;
    if (mode === 'own-mac') {
      const t = `janus-counsel/pub/v1|${from}|${msg.kid}|${msg.pub}`;
      msg.mac = bytes.toB64u(new Uint8Array(await crypto.subtle.sign('HMAC', serverMacKey, bytes.utf8(t))));
    }
    return JSON.stringify(msg);
  };
  await M.channelOpen();
  await A.channelOpen(); // pub with the server's point, A's MAC
  await relay.idle();
  mode = 'own-mac';
  await A._run(() => A._announce(true)); // pub with the server's point and the server's MAC
  await relay.idle();
  const rejectedAtM = { ...M.state().counters.rejected };
  const pubKnown = M.pubs.has(A.selfId);
  const rotated = await M.rotate();
  await relay.idle();
  const aAfterRotate = brief(A);

  // The server forges a rekey in the moderator's name with its own key and MAC.
  const bogusKey = await keys.generateRoomKey(1);
  const forged = await exchange.makeRekey(await keys.generateRoomKey(0), M.selfId, bogusKey, [{ id: A.selfId, pubRaw: A.pairs[0].pubRaw, pub: A.pairs[0].pub, rpk: A.pairs[0].rpk }]);
  const forgedAtA = await A.handleData(M.selfId, JSON.stringify(forged[0]));
  // A genuine-looking rekey from somebody who is not the moderator.
  const notModAtA = await A.handleData(A.selfId + 7, JSON.stringify(forged[0]));
  const aAfterForgery = brief(A);

  // The tampering stops; the moderator asks again; A's genuine key gets the current room key.
  mode = 'none';
  await sleep(1100); // A answers at most one hello a second
  await M._run(() => M._send({ e2ee: 'hello', v: 1 }));
  await relay.idle();
  await sleep(120);
  const aHealed = brief(A);
  const res = { rejectedAtM, pubKnown, rotated, aAfterRotate, forgedAtA, notModAtA, aAfterForgery, aHealed, mAfter: brief(M) };
  M.close();
  A.close();
  return res;
}

async function codes() {
  const k = await keys.generateRoomKey();
  const same = await keys.importRoomKey(k.raw, 0);
  const other = await keys.generateRoomKey();
  const flipped = k.raw.slice();
  flipped[31] ^= 1;
  const near = await keys.importRoomKey(flipped, 0);
  const c = await keys.shortCode(k);
  const many = new Set();
  for (let i = 0; i < 200; i += 1) many.add(await keys.shortCode(await keys.generateRoomKey()));
  return { code: c, same: await keys.shortCode(same), other: await keys.shortCode(other), oneBitOff: await keys.shortCode(near), distinctOf200: many.size };
}

async function fragments() {
  const k = await E2EE.createRoomKey();
  const params = E2EE.linkParams();
  const link = `#${new URLSearchParams({ room: 'RoomIdRoomIdRoomId1234', token: 'TokTokTokTokTokTokTok1', ...params })}`;
  const back = E2EE.fromFragment(new URLSearchParams(link.slice(1)));
  const rotated = await keys.importRoomKey((await keys.generateRoomKey()).raw, 7);
  const replaced = E2EE.fragmentWithKey(link, rotated);
  const backRotated = E2EE.fromFragment(replaced);
  const bad = ['#k=short', `#k=${params.k}&kid=256`, `#k=${params.k}&kid=01`, '#kid=3', `#k=${params.k}=`, `#k=${params.k.slice(0, -1)}+`];
  return {
    params,
    link,
    roundTrip: !!back && !back.invalid && bytes.equalBytes(back.raw, k.raw) && back.kid === 0,
    none: E2EE.fromFragment('#room=x&token=y'),
    replaced,
    replacedKeepsFields: new URLSearchParams(replaced.slice(1)).get('room') === 'RoomIdRoomIdRoomId1234' && new URLSearchParams(replaced.slice(1)).get('token') === 'TokTokTokTokTokTokTok1',
    rotatedRoundTrip: !!backRotated && bytes.equalBytes(backRotated.raw, rotated.raw) && backRotated.kid === 7,
    bad: bad.map((h) => ({ h, r: E2EE.fromFragment(h) })),
    keyLength: params.k.length,
  };
}

async function chatTest() {
  const k = await keys.generateRoomKey();
  const relay = new Relay();
  const A = await member(relay, k, 31, 'participant');
  const B = await member(relay, k, 32, 'participant');
  const text = 'Termin am Dienstag um 15 Uhr — passt das? 😊';
  const ct = await A.encryptChat(text);
  const atB = await B.handleData(31, ct);
  const relabelled = await B.handleData(33, ct); // the server claims someone else sent it
  const plain = await B.handleData(31, 'Klartext vom Server');
  const wrongRoom = await member(new Relay(), await keys.generateRoomKey(), 34, 'participant');
  const atWrong = await wrongRoom.handleData(31, ct);
  let tooLong = null;
  try {
    await A.encryptChat('x'.repeat(chat.MAX_CHAT_BYTES + 1));
  } catch (err) {
    tooLong = err.name;
  }
  const longest = await A.encryptChat('ü'.repeat(chat.MAX_CHAT_BYTES / 2));
  const res = {
    ct,
    ctContainsText: ct.includes('Dienstag'),
    atB,
    relabelled,
    plain,
    atWrong,
    tooLong,
    longestBytes: bytes.utf8(longest).length,
  };
  for (const s of [A, B, wrongRoom]) s.close();
  return res;
}

// ---------------------------------------------------------------------------
// Loopback media: pc1 (sender, participant 11) -> pc2 (receiver, participant 22)

async function inbound(pc) {
  const out = {};
  (await pc.getStats()).forEach((r) => {
    if (r.type !== 'inbound-rtp') return;
    const tr = pc.getTransceivers().find((t) => t.receiver.track && t.receiver.track.id === r.trackIdentifier);
    const mid = r.mid ?? (tr ? tr.mid : r.id);
    out[mid] = { kind: r.kind, packetsReceived: r.packetsReceived, framesDecoded: r.framesDecoded, totalAudioEnergy: r.totalAudioEnergy };
    if (r.kind === 'video') Object.assign(out[mid], { framesReceived: r.framesReceived, keyFramesDecoded: r.keyFramesDecoded, pliCount: r.pliCount, framesDropped: r.framesDropped, packetsLost: r.packetsLost, decoder: r.decoderImplementation });
  });
  return out;
}

// Options: mode 'script' | 'encoded' (rmode: the receiver's, if another); codec 'VP8' | 'H264'; wrongKey (the
// receiver has another room key); plainReceiver (no decryption at all);
// renegotiate (a second video m-line offered later); flag (the
// PeerConnections' encodedInsertableStreams, default true); attach: when the
// sender gets its transform: 'early' (right after addTransceiver, default),
// 'afterCreateOffer', 'late' (500 ms later), 'never'. seal() is only called
// when flag and attach allow it (it refuses unflagged PeerConnections).
async function loopback({ mode, rmode, codec = 'VP8', wrongKey: wrong = false, plainReceiver = false, seconds = 3, renegotiate = false, flag = true, attach = 'early' } = {}) {
  const key = await keys.generateRoomKey();
  const rkey = wrong ? await keys.generateRoomKey() : key;
  const S = await MediaE2EE.create({ mode });
  S.setSelf(11);
  S.addKey(key);
  S.setSendKid(0);
  const R = plainReceiver ? null : await MediaE2EE.create({ mode: rmode || mode });
  if (R) {
    R.setSelf(22);
    R.addKey(rkey);
    R.setSendKid(0);
  }
  const cfg = flag ? { encodedInsertableStreams: true } : {};
  const pc1 = new RTCPeerConnection(cfg);
  const pc2 = new RTCPeerConnection(plainReceiver ? {} : cfg);
  pc1.onicecandidate = (e) => e.candidate && pc2.addIceCandidate(e.candidate);
  pc2.onicecandidate = (e) => e.candidate && pc1.addIceCandidate(e.candidate);
  const sinks = [];
  pc2.addEventListener('track', (e) => {
    // Play what arrives (audio energy is only measured for played audio).
    const el = document.createElement(e.track.kind);
    el.autoplay = true;
    el.srcObject = new MediaStream([e.track]);
    document.getElementById('remote').append(el);
    sinks.push(el);
  });
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360 } });
  const pick = (t) => {
    if (t.receiver.track.kind !== 'video') return;
    t.setCodecPreferences(RTCRtpSender.getCapabilities('video').codecs.filter((c) => c.mimeType.toLowerCase() === `video/${codec.toLowerCase()}`));
  };
  for (const track of stream.getTracks()) pick(pc1.addTransceiver(track, { direction: 'sendonly' }));
  if (R) R.attach(pc2);
  if (attach === 'early') S.attach(pc1); // in the task that made the senders
  let sealError = null;
  const negotiate = async () => {
    if (attach === 'afterCreateOffer') {
      const offer = await pc1.createOffer();
      S.attach(pc1);
      await pc1.setLocalDescription(offer);
    } else if (attach === 'late') {
      await sleep(500);
      S.attach(pc1);
      await pc1.setLocalDescription();
    } else {
      await pc1.setLocalDescription();
    }
    if (attach !== 'never') {
      try {
        S.seal(null, pc1);
      } catch (err) {
        sealError = err.message;
      }
    }
    await pc2.setRemoteDescription(pc1.localDescription);
    if (R) R.setOwners(pc1.getTransceivers().map((t) => [t.mid, 11]));
    await pc2.setLocalDescription();
    if (R && flag) R.seal(null, pc2);
    await pc1.setRemoteDescription(pc2.localDescription);
  };
  await negotiate();
  await sleep(seconds * 1000);
  const first = await inbound(pc2);
  let second = null;
  if (renegotiate) {
    // A new m-line offered to a PeerConnection that already receives: its
    // receiver gets the transform from the `track` event.
    const extra = stream.getVideoTracks()[0].clone();
    pick(pc1.addTransceiver(extra, { direction: 'sendonly' }));
    S.attach(pc1);
    await negotiate();
    await sleep(seconds * 1000);
    second = await inbound(pc2);
  }
  const res = {
    mode: S.mode,
    receiverMode: R ? R.mode : null,
    codec,
    first,
    second,
    sealError,
    sender: await S.stats(),
    receiver: R ? await R.stats() : null,
    mids: pc1.getTransceivers().map((t) => t.mid),
    negotiatedCodecs: [],
  };
  (await pc2.getStats()).forEach((r) => {
    if (r.type === 'codec') res.negotiatedCodecs.push(r.mimeType);
  });
  pc1.close();
  pc2.close();
  for (const el of sinks) el.remove();
  for (const t of stream.getTracks()) t.stop();
  S.close();
  if (R) R.close();
  return res;
}

window.lab = {
  bytes,
  keys,
  frame,
  exchange,
  chatModule: chat,
  E2EE,
  E2EESession,
  MediaE2EE,
  detectMode,
  frames,
  capture,
  realFrames,
  ivs,
  senders,
  wrongKey,
  rotation,
  substitution,
  codes,
  fragments,
  chat: chatTest,
  loopback,
};
window.testState.phase = 'ready';
window.testState.mode = detectMode();
document.getElementById('phase').textContent = 'ready';
