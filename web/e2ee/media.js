// Frame encryption on a PeerConnection: RTCRtpScriptTransform (a worker,
// preferred) or createEncodedStreams (on the main thread, fallback).
//
//   const m = await MediaE2EE.create();            // mode 'script' | 'encoded'
//   m.setSelf(id); m.addKey(roomKey); m.setSendKid(kid); m.setOwners([[mid, id], ...]);
//   m.prepare(options, handle)   // before janus.js createOffer/createAnswer
//   m.seal(jsep, pc)             // after: every sender encrypts, jsep.e2ee = true
//   await m.stats()
//
// In Chromium (the browser with createEncodedStreams) the PeerConnection must
// be created with encodedInsertableStreams: true (prepare() makes janus.js do
// that): Chromium then holds every frame until its transform is there,
// instead of ignoring a transform set late and sending in clear. Firefox and
// Safari have RTCRtpScriptTransform only, take a transform whenever it is set
// and know no such flag: there the worker's transforms alone do it. Senders get an encrypting transform before the local
// description is set (janus.js's customizeSdp hook); a sender without one
// makes seal() throw. Receivers get a decrypting transform when their track
// appears (the PeerConnection's `track` event) or at the next seal(); the
// slot of a receiver is its mid, whose sender the page names with setOwners
// (from the plugin's `streams` list). A page with two handles (a publishing
// and a receiving one, both receiving while the second connects) names them:
// the first handle's slots are its mids, a later one's "<n>/<mid>", so that
// the same mid on two PeerConnections opens with each one's sender.
// README.md, "Transforms and janus.js".

import { FrameCrypto } from './frame.js';

// Whether this browser needs encodedInsertableStreams on the PeerConnection
// for transforms set after a sender or receiver was made: the browsers that
// have the flag (Chromium, recognised by createEncodedStreams) ignore such a
// transform without it; Firefox and Safari do not have it and need none.
export function needsInsertableStreamsFlag() {
  return typeof RTCRtpSender !== 'undefined' && typeof RTCRtpSender.prototype.createEncodedStreams === 'function';
}

export function detectMode() {
  if (typeof RTCRtpSender === 'undefined' || typeof crypto === 'undefined' || !crypto.subtle) return null;
  if (typeof RTCRtpScriptTransform === 'function' && typeof Worker === 'function') return 'script';
  if (typeof RTCRtpSender.prototype.createEncodedStreams === 'function') return 'encoded';
  return null;
}

const WORKER_URL = new URL('./worker.js', import.meta.url);
const READY_TIMEOUT_MS = 20000;

// A janus.js track entry that only makes janus.js create its PeerConnection
// with encodedInsertableStreams (janus.js skips entries of unknown types).
const MARKER_TYPE = 'e2ee-insertable-streams';

// Runs the frames in a worker (RTCRtpScriptTransform).
class WorkerEngine {
  constructor() {
    this.worker = new Worker(WORKER_URL, { type: 'module', name: 'counsel-e2ee' });
    this.n = 0;
    this.waiting = new Map();
    this.failed = null;
    this.worker.addEventListener('message', (e) => {
      const msg = e.data || {};
      const w = this.waiting.get(msg.n);
      if (w) {
        this.waiting.delete(msg.n);
        w.resolve(msg);
      }
    });
    this.worker.addEventListener('error', (e) => {
      this.failed = new Error(`e2ee worker failed: ${e.message || 'load error'}`);
      for (const w of this.waiting.values()) w.reject(this.failed);
      this.waiting.clear();
    });
  }

  _ask(msg, timeoutMs = 5000) {
    if (this.failed) return Promise.reject(this.failed);
    const n = ++this.n;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(n);
        reject(new Error('e2ee worker does not answer'));
      }, timeoutMs);
      this.waiting.set(n, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
      this.worker.postMessage({ ...msg, n });
    });
  }

  // A module worker loads frame.js and keys.js first: on a busy phone or a
  // loaded machine that takes seconds, and 'encoded' (the frames on the main
  // thread) is the heavier fallback, so it gets READY_TIMEOUT_MS.
  ready() {
    return this._ask({ t: 'ping' }, READY_TIMEOUT_MS);
  }

  post(msg) {
    this.worker.postMessage(msg);
  }

  async stats() {
    return (await this._ask({ t: 'stats' })).stats;
  }

  transform(op, kind, slot) {
    return new RTCRtpScriptTransform(this.worker, { op, kind, slot: slot === undefined || slot === null ? null : String(slot) });
  }

  close() {
    this.worker.terminate();
  }
}

// Runs the frames on the main thread (createEncodedStreams).
class LocalEngine {
  constructor() {
    this.fc = new FrameCrypto();
  }

  ready() {
    return Promise.resolve();
  }

  post(msg) {
    this.fc.apply(msg);
  }

  stats() {
    return Promise.resolve(this.fc.snapshot());
  }

  stream(op, kind, slot) {
    return this.fc.transformStream(op, kind, () => (slot === undefined || slot === null ? null : String(slot)));
  }

  close() {}
}

function kindOf(transceiver) {
  const t = (transceiver.sender && transceiver.sender.track) || (transceiver.receiver && transceiver.receiver.track);
  return t ? t.kind : null;
}

export class MediaE2EE {
  // mode: 'script' | 'encoded' (default: detectMode()). In 'script' mode the
  // worker must answer within READY_TIMEOUT_MS, else create() falls back to
  // 'encoded' (Chromium) or fails (Firefox, Safari: no other way).
  static async create({ mode } = {}) {
    let m = mode || detectMode();
    if (!m) throw new Error('this browser cannot encrypt media frames (no insertable streams)');
    if (m === 'script') {
      const engine = new WorkerEngine();
      try {
        await engine.ready();
        return new MediaE2EE('script', engine);
      } catch (err) {
        engine.close();
        if (mode === 'script' || typeof RTCRtpSender.prototype.createEncodedStreams !== 'function') throw err;
        m = 'encoded';
      }
    }
    return new MediaE2EE(m, new LocalEngine());
  }

  constructor(mode, engine) {
    this.mode = mode;
    this.engine = engine;
    this.pcs = new WeakSet(); // PeerConnections with our `track` listener
    this.senders = new WeakSet(); // senders that encrypt
    this.receivers = new WeakSet(); // receivers that decrypt
    this.transforms = new WeakSet(); // our RTCRtpScriptTransforms
    this.prepared = []; // { kind, ts, claimed }: sender transforms handed to janus.js
    this.problems = []; // what attach() could not do (for seal() and post-mortems)
    this.keyFrameRequests = 0;
    this.watchers = new Set();
    this.tags = new WeakMap(); // janus.js handle -> slot prefix ('' for the first)
    this.pcTags = new WeakMap(); // PeerConnection -> its handle's prefix
    this.tagCount = 0;
    this.closed = false;
  }

  // The slot prefix of a janus.js handle (none given: the first handle's).
  _tag(handle) {
    if (!handle) return '';
    let tag = this.tags.get(handle);
    if (tag === undefined) {
      this.tagCount += 1;
      tag = this.tagCount === 1 ? '' : `${this.tagCount}/`;
      this.tags.set(handle, tag);
    }
    return tag;
  }

  setSelf(id) {
    this.engine.post({ t: 'self', id });
  }

  addKey(roomKey) {
    this.engine.post({ t: 'key', kid: roomKey.kid, base: roomKey.base });
  }

  dropKey(kid) {
    this.engine.post({ t: 'drop', kid });
  }

  setSendKid(kid) {
    this.engine.post({ t: 'send', kid });
  }

  // [[mid, participant id], ...]: who sends on which receiver slot of the
  // PeerConnection of janus.js handle `handle` (replacing what it had).
  setOwners(entries, handle) {
    const tag = this._tag(handle);
    this.engine.post({ t: 'owners', tag, owners: entries.map(([mid, id]) => [tag + String(mid), id]) });
  }

  resetStats() {
    this.engine.post({ t: 'reset' });
  }

  async stats() {
    return { ...(await this.engine.stats()), keyFrameRequests: this.keyFrameRequests };
  }

  // Before janus.js's createOffer/createAnswer(options); `handle`: the
  // janus.js plugin handle. The customizeSdp hook attaches to the
  // PeerConnection before its local description is set.
  prepare(options, handle) {
    // Chromium ignores a transform set on a sender or receiver after the task
    // that created it unless the PeerConnection was created with
    // encodedInsertableStreams: true (then frames wait for their transform:
    // nothing leaves in clear). janus.js creates its PeerConnection that way
    // when a track entry of the first createOffer/createAnswer has
    // `transforms`. In 'encoded' mode the capture tracks carry our sender
    // transforms (janus.js pipes them); in 'script' mode an entry of a type
    // janus.js does not capture carries a dummy, so janus.js only sets the flag.
    const tracks = (options.tracks = Array.isArray(options.tracks) ? options.tracks : []);
    let marked = false;
    if (this.mode === 'encoded') {
      for (const tr of tracks) {
        if ((tr.type === 'audio' || tr.type === 'video') && tr.capture && !tr.remove) {
          const ts = this.engine.stream('encrypt', tr.type);
          tr.transforms = { ...(tr.transforms || {}), sender: ts };
          this.prepared.push({ kind: tr.type, ts, claimed: false });
          marked = true;
        }
      }
    }
    const hasPc = !!(handle && handle.webrtcStuff && handle.webrtcStuff.pc);
    if (!marked && !hasPc && !tracks.some((tr) => tr.type === MARKER_TYPE)) {
      tracks.push({ type: MARKER_TYPE, transforms: { receiver: new TransformStream() } });
    }
    const prev = options.customizeSdp;
    options.customizeSdp = (jsep) => {
      const pc = handle && handle.webrtcStuff ? handle.webrtcStuff.pc : null;
      if (pc) this.attach(pc, handle);
      if (typeof prev === 'function') prev(jsep);
    };
    return options;
  }

  // Puts transforms on every sender and on every receiver that has a mid;
  // listens for new receivers. Idempotent. `handle`: the janus.js handle
  // whose PeerConnection it is (names its slots; see above).
  attach(pc, handle) {
    if (!pc || this.closed) return;
    if (!this.pcs.has(pc)) {
      this.pcs.add(pc);
      this.pcTags.set(pc, this._tag(handle));
      pc.addEventListener('track', (e) => this._receiver(e.receiver, this._slot(pc, e.transceiver ? e.transceiver.mid : null), e.track.kind));
      this._watch(pc);
    }
    for (const t of pc.getTransceivers()) {
      if (t.currentDirection === 'stopped' || t.stopped) continue;
      const kind = kindOf(t);
      if (kind !== 'audio' && kind !== 'video') continue;
      this._sender(t.sender, kind);
      if (t.mid !== null) this._receiver(t.receiver, this._slot(pc, t.mid), kind);
    }
  }

  // A receiver's slot: its PeerConnection's prefix and its mid (null: no mid yet).
  _slot(pc, mid) {
    return mid === null || mid === undefined ? null : (this.pcTags.get(pc) || '') + String(mid);
  }

  _sender(sender, kind) {
    if (!sender || this.senders.has(sender)) return;
    if (this.mode === 'script') {
      if (sender.transform && !this.transforms.has(sender.transform)) {
        this.problems.push('sender has a foreign transform');
        return;
      }
      const tf = this.engine.transform('encrypt', kind);
      this.transforms.add(tf);
      sender.transform = tf;
      this.senders.add(sender);
      return;
    }
    try {
      const { readable, writable } = sender.createEncodedStreams();
      readable.pipeThrough(this.engine.stream('encrypt', kind)).pipeTo(writable).catch(() => {});
      this.senders.add(sender);
    } catch (err) {
      // janus.js created them already: for a track entry whose sender
      // transform prepare() set, i.e. one of ours that janus.js piped
      // (its writable side is locked then).
      const mine = this.prepared.find((p) => !p.claimed && p.kind === kind && p.ts.writable.locked);
      if (mine) {
        mine.claimed = true;
        this.senders.add(sender);
      } else {
        this.problems.push(`sender: ${err && err.message}`);
      }
    }
  }

  _receiver(receiver, slot, kind) {
    if (!receiver || this.receivers.has(receiver) || slot === null) return;
    if (this.mode === 'script') {
      const tf = this.engine.transform('decrypt', kind, slot);
      this.transforms.add(tf);
      receiver.transform = tf;
      this.receivers.add(receiver);
      return;
    }
    try {
      const { readable, writable } = receiver.createEncodedStreams();
      readable.pipeThrough(this.engine.stream('decrypt', kind, slot)).pipeTo(writable).catch(() => {});
      this.receivers.add(receiver);
    } catch (err) {
      this.problems.push(`receiver ${slot}: ${err && err.message}`);
    }
  }

  // Chromium 156 sometimes stops decoding H.264 after the first frame when the
  // receiver has a transform (also a pass-through one) and sends no PLI. In
  // 'script' mode a watchdog asks the sender for a key frame
  // (RTCRtpScriptTransformer.sendKeyFrameRequest) when a video receiver
  // decrypts frames but its decoder does not move for half a second.
  _watch(pc) {
    if (this.mode !== 'script') return;
    const last = new Map(); // mid -> { dec, fd, at }
    let busy = false; // a slow getStats (a starved machine) must not pile up ticks
    const timer = setInterval(async () => {
      if (this.closed || pc.connectionState === 'closed' || pc.signalingState === 'closed') {
        clearInterval(timer);
        this.watchers.delete(timer);
        return;
      }
      if (busy) return;
      busy = true;
      let report;
      let ours;
      try {
        [report, ours] = await Promise.all([pc.getStats(), this.engine.stats()]);
      } catch {
        return;
      } finally {
        busy = false;
      }
      const now = Date.now();
      report.forEach((r) => {
        if (r.type !== 'inbound-rtp' || r.kind !== 'video' || r.mid === undefined) return;
        const name = this._slot(pc, r.mid);
        const slot = ours.slots[name];
        if (!slot) return;
        const prev = last.get(r.mid) || { dec: slot.decrypted, fd: r.framesDecoded || 0, at: 0 };
        const stalled = slot.decrypted - prev.dec >= 5 && (r.framesDecoded || 0) === prev.fd;
        let at = prev.at;
        if (stalled && now - at >= 2000) {
          this.engine.post({ t: 'kick', slot: name });
          this.keyFrameRequests += 1;
          at = now;
        }
        last.set(r.mid, { dec: slot.decrypted, fd: r.framesDecoded || 0, at });
      });
    }, 500);
    this.watchers.add(timer);
  }

  // Senders of audio/video that would send without encryption.
  unprotectedSenders(pc) {
    const out = [];
    for (const t of pc.getTransceivers()) {
      if (t.currentDirection === 'stopped' || t.stopped) continue;
      const kind = kindOf(t);
      if (kind !== 'audio' && kind !== 'video') continue;
      if (!this.senders.has(t.sender)) out.push(t.mid);
    }
    return out;
  }

  // After createOffer/createAnswer: makes sure every audio/video sender
  // encrypts (throws otherwise: do not send that JSEP) and marks the JSEP
  // end-to-end encrypted for Janus. Returns the jsep.
  seal(jsep, pc) {
    if (!pc) throw new Error('e2ee: no PeerConnection');
    const cfg = typeof pc.getConfiguration === 'function' ? pc.getConfiguration() : {};
    if (needsInsertableStreamsFlag() && !cfg.encodedInsertableStreams) {
      throw new Error('e2ee: the PeerConnection was created without encodedInsertableStreams (call prepare() before the first createOffer/createAnswer)');
    }
    this.attach(pc);
    const open = this.unprotectedSenders(pc);
    if (open.length) throw new Error(`e2ee: sender(s) without encryption (mid ${open.join(', ')}): ${this.problems.join('; ')}`);
    if (jsep) jsep.e2ee = true;
    return jsep;
  }

  close() {
    this.closed = true;
    for (const t of this.watchers) clearInterval(t);
    this.watchers.clear();
    this.engine.close();
  }
}
