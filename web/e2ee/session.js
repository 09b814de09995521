// One person's end-to-end encryption in one room: the room keys it holds,
// frame encryption on its PeerConnection, chat, the key-rotation protocol and
// the short authentication code. See README.md for the page's side.
//
//   const s = await E2EESession.start({ key, selfId, role, send, onChange });
//   s.setParticipants(list); s.setStreams(streams, handle);
//   s.prepare(options, handle); jsep = await createOffer/createAnswer(options); s.seal(jsep, pc);
//   s.channelOpen();  const r = await s.handleData(from, text);  const t = await s.encryptChat(text);
//   moderator: await s.rotate({ exclude: [removedId] });
//   s.state() -> { kid, code, mode, ... }

import { isParticipantId } from './bytes.js';
import { ChatKeys, decryptChat, encryptChat } from './chat.js';
import {
  ExchangeError,
  checkRekeyShape,
  makeAck,
  makePub,
  makeRekey,
  newKeyPair,
  unwrap,
  verifyAck,
  verifyPub,
  verifyRekey,
} from './exchange.js';
import { MAX_KID, fragmentWithKey, generateRoomKey, importRoomKey, shortCode } from './keys.js';
import { MediaE2EE } from './media.js';

const KEEP_PAIRS = 4;
const HELLO_GAP_MS = 1000;

export class E2EESession {
  // options:
  //   key        { raw, kid } (keyFromParams) or a RoomKey (importRoomKey/generateRoomKey)
  //   selfId     own participant id (from `joined` / `waiting`)
  //   role       'moderator' | 'participant'
  //   send(text) sends a text over the plugin's data channel (Promise or value)
  //   onChange(state)  called when the key, the code or the rotation state (acks) changes;
  //             counters are read with state() when needed
  //   mode       'script' | 'encoded' (default: the best this browser has)
  //   graceMs    how long an old key still decrypts after a rotation (10000)
  //   switchDelayMs  how long after a new key arrives this page starts sending with it (500)
  //   updateUrl  keep location.hash's k/kid at the current key (history.replaceState)
  //   media      false: no frame encryption (chat and keys only; tests, API clients)
  static async start(options) {
    const s = new E2EESession(options);
    await s._init(options);
    return s;
  }

  constructor(options) {
    if (!isParticipantId(options.selfId)) throw new TypeError('selfId must be a participant id');
    if (typeof options.send !== 'function') throw new TypeError('send(text) is required');
    this.selfId = options.selfId;
    this.role = options.role === 'moderator' ? 'moderator' : 'participant';
    this.send = options.send;
    this.onChange = options.onChange || (() => {});
    this.graceMs = options.graceMs ?? 10000;
    this.switchDelayMs = options.switchDelayMs ?? 500;
    this.updateUrl = !!options.updateUrl;
    this.history = new Map(); // kid -> RoomKey (every key held in this session)
    this.accepting = new Set(); // kids media and chat still decrypt with
    this.current = null;
    this.code = null;
    this.chatKeys = new ChatKeys();
    this.pairs = []; // own ECDH key pairs, newest first
    this.pubs = new Map(); // moderator: id -> verified { kid, pubRaw, pub, rpk }
    this.removed = new Set(); // moderator: ids never to get a key again
    this.catchUps = new Set(); // moderator: "id|rpk|kid" already sent
    this.acks = new Map(); // moderator: kid -> Set(ids)
    this.admitted = new Map(); // id -> role (from the plugin's participants list)
    this.moderatorId = this.role === 'moderator' ? this.selfId : null;
    this.rotation = null;
    this.channel = false;
    this.lastHello = 0;
    this.queue = Promise.resolve();
    this.timers = new Set();
    this.counters = { chatIn: 0, chatOut: 0, chatFailed: {}, rejected: {}, rekeysApplied: 0, catchUps: 0, pubsSent: 0 };
    this.errors = []; // last few problems (no content), for the UI and tests
    this.closed = false;
  }

  async _init(options) {
    const k = options.key;
    if (!k || k.invalid) throw new Error('no valid room key');
    const key = k.base ? k : await importRoomKey(k.raw, k.kid || 0);
    if (options.media !== false) {
      this.media = await MediaE2EE.create({ mode: options.mode });
      this.media.setSelf(this.selfId);
    } else {
      this.media = null;
    }
    await this._install(key, { delaySend: false });
  }

  get mode() {
    return this.media ? this.media.mode : null;
  }

  state() {
    const acked = this.current && this.acks.get(this.current.kid);
    return {
      kid: this.current ? this.current.kid : null,
      code: this.code,
      mode: this.mode,
      role: this.role,
      selfId: this.selfId,
      moderatorId: this.moderatorId,
      rotation: this.rotation ? { ...this.rotation, acked: acked ? [...acked] : [] } : null,
      counters: JSON.parse(JSON.stringify(this.counters)),
      errors: [...this.errors],
    };
  }

  _changed() {
    if (this.closed) return;
    try {
      this.onChange(this.state());
    } catch (err) {
      console.error('e2ee onChange', err);
    }
  }

  _problem(reason) {
    this.counters.rejected[reason] = (this.counters.rejected[reason] || 0) + 1;
    this.errors.push(reason);
    if (this.errors.length > 20) this.errors.shift();
  }

  _later(ms, fn) {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) fn();
    }, ms);
    this.timers.add(t);
  }

  // Makes `key` the current key: receivers use it at once, this page sends
  // with it after switchDelayMs (delaySend), the previous key keeps
  // decrypting for graceMs more.
  async _install(key, { delaySend }) {
    const prev = this.current;
    this.history.set(key.kid, key);
    this.accepting.add(key.kid);
    this.current = key;
    if (this.media) {
      this.media.addKey(key);
      if (delaySend && prev) {
        this._later(this.switchDelayMs, () => {
          if (this.current === key) this.media.setSendKid(key.kid);
        });
      } else {
        this.media.setSendKid(key.kid);
      }
    }
    if (prev) {
      this._later(this.switchDelayMs + this.graceMs, () => {
        if (this.current.kid === prev.kid) return;
        this.accepting.delete(prev.kid);
        if (this.media) this.media.dropKey(prev.kid);
        this.chatKeys.forget(prev.kid);
      });
    }
    this.code = await shortCode(key);
    if (this.updateUrl && typeof location !== 'undefined' && /(^#|&)k=/.test(location.hash)) {
      try {
        history.replaceState(history.state, '', fragmentWithKey(location.hash, key));
      } catch {
        // not allowed here: the page keeps its old link
      }
    }
    this._changed();
  }

  // --- the page's lists ----------------------------------------------------

  // The plugin's participants list ([{ id, role, ... }], from `joined`,
  // `admitted` and `participants`). Tells who the moderator is (only they may
  // rotate keys) and who is admitted (who gets a new key).
  setParticipants(list) {
    if (!Array.isArray(list)) return;
    this.admitted = new Map();
    for (const p of list) {
      if (!p || !isParticipantId(p.id)) continue;
      this.admitted.set(p.id, p.role);
      if (p.role === 'moderator' && this.role !== 'moderator') this.moderatorId = p.id;
    }
    if (this.role === 'moderator') this._run(() => this._catchUpAll());
  }

  // The plugin's streams list ([{ mid, id, kind }]): whose frames arrive on which mid.
  // streams: the plugin's list for the janus.js handle `handle` (whose
  // PeerConnection's receivers they name; none: the page's first handle).
  setStreams(streams, handle) {
    if (!Array.isArray(streams) || !this.media) return;
    const owners = [];
    for (const s of streams) {
      if (!s || s.mid === undefined || s.mid === null || !isParticipantId(s.id)) continue;
      owners.push([String(s.mid), s.id]);
    }
    this.media.setOwners(owners, handle);
  }

  // --- media ---------------------------------------------------------------

  prepare(options, handle) {
    if (!this.media) return options;
    return this.media.prepare(options, handle);
  }

  seal(jsep, pc) {
    if (!this.media) throw new Error('e2ee: media encryption is off in this session');
    return this.media.seal(jsep, pc);
  }

  attach(pc) {
    if (this.media) this.media.attach(pc);
  }

  async stats() {
    return this.media ? this.media.stats() : null;
  }

  // --- data channel --------------------------------------------------------

  async _send(obj) {
    await this.send(JSON.stringify(obj));
  }

  // The page's data channel is open: announce this page's public key (a
  // participant) or ask everybody for theirs (the moderator).
  channelOpen() {
    this.channel = true;
    return this._run(async () => {
      if (this.role === 'moderator') await this._send({ e2ee: 'hello', v: 1 });
      else await this._announce(this.pairs.length === 0);
    });
  }

  channelClosed() {
    this.channel = false;
  }

  async _announce(fresh) {
    if (this.role === 'moderator' || !this.channel) return;
    if (fresh || this.pairs.length === 0) {
      this.pairs.unshift(await newKeyPair());
      this.pairs.length = Math.min(this.pairs.length, KEEP_PAIRS);
    }
    await this._send(await makePub(this.current, this.selfId, this.pairs[0]));
    this.counters.pubsSent += 1;
  }

  // Runs `fn` after everything queued before it (keeps key changes ordered).
  _run(fn) {
    const p = this.queue.then(fn);
    this.queue = p.catch((err) => this._problem((err && err.reason) || 'error'));
    return p;
  }

  // The text to send for a chat message (throws RangeError when too long).
  async encryptChat(text) {
    const out = await encryptChat(this.chatKeys, this.current, this.selfId, text);
    this.counters.chatOut += 1;
    return out;
  }

  // A relayed data-channel message {from, text}. Resolves with
  //   { type: 'chat', from, text, kid }        a chat message to show
  //   { type: 'control', from, what, ... }     an E2EE message, handled here
  //   { type: 'rejected', from, reason }       dropped: 'not-e2ee' (plain text
  //       in an e2ee room), 'auth', 'noKey', 'malformed', 'bad-mac', 'not-moderator', ...
  handleData(from, text) {
    return this._run(() => this._handle(from, text)).catch((err) => {
      const reason = (err && err.reason) || 'error';
      return { type: 'rejected', from, reason };
    });
  }

  async _handle(from, text) {
    let msg = null;
    try {
      msg = JSON.parse(text);
    } catch {
      msg = null;
    }
    if (!msg || typeof msg !== 'object' || typeof msg.e2ee !== 'string') {
      this._problem('not-e2ee');
      return { type: 'rejected', from, reason: 'not-e2ee' };
    }
    if (!isParticipantId(from)) throw new ExchangeError('malformed', 'from');
    switch (msg.e2ee) {
      case 'chat':
        try {
          const t = await decryptChat(this.chatKeys, (kid) => (this.accepting.has(kid) ? this.history.get(kid) : undefined), from, msg);
          this.counters.chatIn += 1;
          return { type: 'chat', from, text: t, kid: msg.kid };
        } catch (err) {
          this.counters.chatFailed[err.reason] = (this.counters.chatFailed[err.reason] || 0) + 1;
          return { type: 'rejected', from, reason: err.reason };
        }
      case 'pub':
        return this._onPub(from, msg);
      case 'hello':
        if (this.role !== 'moderator' && this.channel && Date.now() - this.lastHello >= HELLO_GAP_MS) {
          this.lastHello = Date.now();
          await this._announce(false);
        }
        return { type: 'control', from, what: 'hello' };
      case 'rekey':
        return this._onRekey(from, msg);
      case 'ack':
        return this._onAck(from, msg);
      default:
        this._problem('unknown');
        return { type: 'rejected', from, reason: 'unknown' };
    }
  }

  // --- key rotation: participant side -------------------------------------

  async _onRekey(from, msg) {
    checkRekeyShape(msg);
    if (this.role === 'moderator') return { type: 'control', from, what: 'rekey', ignored: 'moderator' };
    if (this.moderatorId === null || from !== this.moderatorId) throw new ExchangeError('not-moderator', `rekey from ${from}`);
    if (msg.kid <= this.current.kid) return { type: 'control', from, what: 'rekey', ignored: 'stale' };
    if (msg.auth_kid !== this.current.kid) throw new ExchangeError('auth-kid', `rekey under key ${msg.auth_kid}`);
    await verifyRekey(this.current, from, msg);
    const wrap = msg.wraps.find((w) => w.to === this.selfId);
    if (!wrap) return { type: 'control', from, what: 'rekey', ignored: 'not-for-me' };
    const pair = this.pairs.find((p) => p.rpk === wrap.rpk);
    if (!pair) throw new ExchangeError('unknown-pair', 'rekey for a key pair this page does not have');
    const raw = await unwrap(msg, from, this.selfId, wrap, pair);
    const key = await importRoomKey(raw, msg.kid);
    await this._install(key, { delaySend: true });
    this.counters.rekeysApplied += 1;
    if (this.channel) {
      await this._send(await makeAck(key, this.selfId));
      await this._announce(true);
    }
    return { type: 'control', from, what: 'rekey', kid: key.kid };
  }

  // --- key rotation: moderator side ----------------------------------------

  async _onPub(from, msg) {
    if (this.role !== 'moderator') return { type: 'control', from, what: 'pub', ignored: 'not-moderator' };
    const info = await verifyPub((kid) => this.history.get(kid), from, msg);
    if (this.removed.has(from)) throw new ExchangeError('removed', `pub from ${from}`);
    const prev = this.pubs.get(from);
    if (!prev || info.kid >= prev.kid) this.pubs.set(from, info);
    await this._catchUp(from);
    return { type: 'control', from, what: 'pub', kid: info.kid };
  }

  async _onAck(from, msg) {
    if (this.role !== 'moderator') return { type: 'control', from, what: 'ack', ignored: 'not-moderator' };
    const kid = await verifyAck((k) => this.history.get(k), from, msg);
    if (!this.acks.has(kid)) this.acks.set(kid, new Set());
    this.acks.get(kid).add(from);
    this._changed();
    return { type: 'control', from, what: 'ack', kid };
  }

  async _catchUpAll() {
    for (const id of this.pubs.keys()) await this._catchUp(id);
  }

  // An admitted, not removed person whose key is older than ours (a late
  // joiner with an old link, or one who missed a rotation) gets the current key.
  async _catchUp(id) {
    const p = this.pubs.get(id);
    if (!p || p.kid >= this.current.kid || id === this.selfId) return;
    if (!this.admitted.has(id) || this.removed.has(id) || !this.channel) return;
    const tag = `${id}|${p.rpk}|${this.current.kid}`;
    if (this.catchUps.has(tag)) return;
    this.catchUps.add(tag);
    for (const m of await makeRekey(this.history.get(p.kid), this.selfId, this.current, [{ id, ...p }])) await this._send(m);
    this.counters.catchUps += 1;
    if (this.rotation && this.rotation.kid === this.current.kid && !this.rotation.wrapped.includes(id)) {
      this.rotation.wrapped.push(id);
      this.rotation.missing = this.rotation.missing.filter((m) => m !== id);
    }
    this._changed();
  }

  // Moderator: a new room key for everybody admitted except `exclude` (and
  // anybody excluded before), each wrapped for that person's announced key.
  // Resolves { kid, wrapped: [ids], missing: [ids without a known public key
  // yet: they get the key as soon as they announce one] }.
  rotate({ exclude = [] } = {}) {
    return this._run(async () => {
      if (this.role !== 'moderator') throw new Error('only the moderator rotates keys');
      if (this.current.kid >= MAX_KID) throw new Error('no key ids left: end this session and start a new one');
      for (const id of exclude) {
        this.removed.add(id);
        this.pubs.delete(id);
      }
      const newKey = await generateRoomKey(this.current.kid + 1);
      // The new key is ours first: whoever a message does not reach (data
      // channel down) gets it by catch-up when they announce their key again.
      await this._install(newKey, { delaySend: true });
      const groups = new Map(); // auth kid -> recipients
      const wrapped = [];
      const missing = [];
      for (const id of this.admitted.keys()) {
        if (id === this.selfId || this.removed.has(id)) continue;
        const p = this.pubs.get(id);
        if (!p || !this.history.has(p.kid)) {
          missing.push(id);
          continue;
        }
        if (!groups.has(p.kid)) groups.set(p.kid, []);
        groups.get(p.kid).push({ id, ...p });
      }
      this.rotation = { kid: newKey.kid, wrapped, missing, removed: [...this.removed] };
      for (const [kid, list] of groups) {
        try {
          for (const m of await makeRekey(this.history.get(kid), this.selfId, newKey, list)) await this._send(m);
          for (const r of list) {
            this.catchUps.add(`${r.id}|${r.rpk}|${newKey.kid}`);
            wrapped.push(r.id);
          }
        } catch {
          this._problem('send');
          missing.push(...list.map((r) => r.id));
        }
      }
      this._changed();
      return { kid: newKey.kid, wrapped: [...wrapped], missing: [...missing] };
    });
  }

  close() {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.media) this.media.close();
  }
}
