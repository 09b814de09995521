// The page's connection to janus.plugin.counsel through janus.js (global
// `Janus`, loaded from Debian's libjs-janus-gateway by index.html).
//
//   const c = await Counsel.connect(serverUrl);
//   const answer = await c.request({ request: 'join', room, token, display });
//   c.on('event', ({ msg, jsep }) => ...)       // lobby, participants, admitted, media, ...
//   c.on('lost', ({ gone }) => ...)             // WebSocket to Janus gone (gone: the session too)
//   await c.reclaim()                           // a new WebSocket claims the same session
//   await c.probe(3000)                         // whether the WebSocket still answers
//   const rx = await c.attachSecond()           // another handle on the same session
//                                               // (the receiving handle, docs/api.md)
//
// Answers are matched to their request by Janus transaction: the plugin
// answers a request with the request's transaction and sends events without
// one. janus.js hands plugin messages to onmessage without the transaction,
// so the page gives janus.js a WebSocket subclass that notes the transaction
// of every outgoing plugin message and of the incoming message being
// dispatched (its listener runs before janus.js's, synchronously, for the
// same message). Requests are sent one at a time.
//
// A WebSocket the page gives up on (the network changed under it) is
// retired: janus.js's listeners on it never run again, so its late `close`
// cannot report a loss after the page has moved on to a new one.

import { EVENT } from './protocol.js';

const REQUEST_TIMEOUT_MS = 15000;

export class CounselError extends Error {
  constructor(code, message) {
    super(message || `error ${code}`);
    this.code = code;
  }
}

let initialized = null;
// The tap shared with TappedWebSocket (one Janus session per page at a time).
const tap = {
  sendingTag: null, // set just around handle.send(): the request that is being sent
  byTransaction: new Map(), // transaction -> request tag
  incoming: null, // the message being dispatched right now
  creating: null, // the Counsel whose janus.js call is opening a WebSocket right now
  probes: new Map(), // keepalive transaction -> resolve
};

function tappedSocketClass() {
  return class TappedWebSocket extends WebSocket {
    constructor(url, protocol) {
      super(url, protocol);
      this.retired = false;
      if (tap.creating) tap.creating.socket = this;
      super.addEventListener('message', (event) => {
        if (this.retired) return;
        try {
          tap.incoming = JSON.parse(event.data);
        } catch {
          tap.incoming = null;
        }
        const msg = tap.incoming;
        if (msg && msg.janus === 'ack' && tap.probes.has(msg.transaction)) tap.probes.get(msg.transaction)();
      });
    }

    addEventListener(type, listener, options) {
      super.addEventListener(type, (event) => this.retired || listener.call(this, event), options);
    }

    // Silences the socket for good and closes it.
    retire() {
      this.retired = true;
      try {
        this.close();
      } catch {
        // already closed
      }
    }

    send(data) {
      if (tap.sendingTag !== null) {
        try {
          const json = JSON.parse(data);
          if (json.janus === 'message' && json.transaction) {
            tap.byTransaction.set(json.transaction, tap.sendingTag);
            tap.sendingTag = null;
          }
        } catch {
          // not ours
        }
      }
      super.send(data);
    }
  };
}

export function janusAvailable() {
  return typeof window.Janus === 'function' && typeof window.adapter === 'object';
}

export function initJanus({ debug = false } = {}) {
  if (!initialized) {
    initialized = new Promise((resolve, reject) => {
      if (!janusAvailable()) {
        reject(new Error('janus.js or adapter.js did not load'));
        return;
      }
      window.Janus.init({
        debug: debug === 2 ? 'all' : debug ? ['warn', 'error'] : ['error'],
        dependencies: window.Janus.useDefaultDependencies({ adapter: window.adapter, WebSocket: tappedSocketClass() }),
        callback: () => resolve(),
      });
    });
  }
  return initialized;
}

export class Counsel {
  constructor() {
    this.debug = false;
    this.loopIndex = undefined; // Janus's event loop for its handles (undefined: Janus places them)
    this.janus = null;
    this.handle = null;
    this.listeners = new Map();
    this.queue = [];
    this.inFlight = null;
    this.closed = false; // closed by the page: nothing more is reported
    this.down = false; // the WebSocket is gone (see reclaim())
    this.socket = null; // the TappedWebSocket janus.js uses now
    this.nextTag = 1;
    this.parent = null; // the Counsel whose Janus session this handle shares
    this.children = new Set(); // handles of attachSecond() on this session
  }

  // iceServers: none by default (janus.js would otherwise ask a public STUN server).
  // token: Janus's signed token, when Janus has token auth on.
  // loopIndex: the Janus event loop for this handle and its second ones (loops.js).
  static async connect(server, { debug = false, iceServers = [], token = undefined, loopIndex = undefined } = {}) {
    await initJanus({ debug });
    const c = new Counsel();
    c.debug = debug;
    c.iceServers = iceServers;
    c.token = token;
    c.loopIndex = loopIndex;
    await c._connect(server);
    return c;
  }

  on(name, fn) {
    if (!this.listeners.has(name)) this.listeners.set(name, new Set());
    this.listeners.get(name).add(fn);
    return () => this.listeners.get(name).delete(fn);
  }

  emit(name, detail) {
    for (const fn of this.listeners.get(name) || []) {
      try {
        fn(detail);
      } catch (err) {
        console.error(`counsel ${name} listener`, err);
      }
    }
  }

  _connect(server) {
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (why, gone = false) => {
        if (!settled) {
          settled = true;
          reject(new CounselError('connection', String(why)));
        } else {
          this._down(String(why), gone);
        }
      };
      tap.creating = this;
      this.janus = new window.Janus({
        server,
        iceServers: this.iceServers || [],
        ...(this.token ? { token: this.token } : {}),
        // The page says goodbye itself (leaveNow on pagehide): a destroyed
        // session would look like a dropped connection, whose seat waits.
        destroyOnUnload: false,
        success: () =>
          this._attach(() => {
            settled = true;
            resolve();
          }, fail),
        error: (err) => fail(err),
        destroyed: () => {
          if (!this.closed) fail('destroyed', true);
        },
      });
      tap.creating = null;
    });
  }

  // A handle on janus.plugin.counsel in this.janus's session; its events go to this Counsel.
  _attach(done, fail) {
    this.janus.attach({
      plugin: 'janus.plugin.counsel',
      opaqueId: `counsel-${window.Janus.randomString(12)}`,
      ...(Number.isInteger(this.loopIndex) ? { loopIndex: this.loopIndex } : {}),
      success: (handle) => {
        this.handle = handle;
        done();
      },
      error: (err) => fail(err),
      onmessage: (msg, jsep) => this._onMessage(msg, jsep),
      onlocaltrack: (track, on) => this.emit('localtrack', { track, on }),
      onremotetrack: (track, mid, on) => this.emit('remotetrack', { track, mid, on }),
      ondataopen: (label) => this.emit('dataopen', { label }),
      ondata: (data, label) => this.emit('data', { data, label }),
      webrtcState: (up, reason) => this.emit('webrtc', { up, reason }),
      iceState: (state) => this.emit('ice', { state }),
      mediaState: (type, receiving, mid) => this.emit('mediastate', { type, receiving, mid }),
      slowLink: (uplink, lost, mid) => this.emit('slowlink', { uplink, lost, mid }),
      oncleanup: () => this.emit('cleanup', {}),
      ondetached: () => fail('detached', true),
    });
  }

  // Another handle on the same Janus session (and WebSocket): its own
  // requests, events and PeerConnection; it goes down and comes back with
  // this one, and close() detaches only it.
  attachSecond() {
    return new Promise((resolve, reject) => {
      if (this.closed || this.down || !this.janus) {
        reject(new CounselError('connection', 'not connected'));
        return;
      }
      const c = new Counsel();
      c.debug = this.debug;
      c.loopIndex = this.loopIndex;
      c.parent = this;
      c.janus = this.janus;
      let settled = false;
      c._attach(
        () => {
          settled = true;
          this.children.add(c);
          resolve(c);
        },
        (why, gone = false) => {
          if (!settled) {
            settled = true;
            reject(new CounselError('connection', String(why)));
          } else {
            c._down(String(why), gone);
          }
        },
      );
    });
  }

  // The WebSocket (or with `gone` the whole Janus session) is lost: every
  // request waiting fails, and listeners hear it once until reclaim() succeeds.
  _down(why, gone = false) {
    if (this.closed || this.down) return;
    this.down = true;
    this._failAll(new CounselError('connection', why));
    for (const c of this.children) c._down(why, gone);
    this.emit('lost', { why, gone });
  }

  // Gives up on the current WebSocket (it no longer answers: the network
  // changed under it); listeners hear 'lost' as if it had closed.
  dropSocket(why = 'no answer') {
    if (this.socket) this.socket.retire();
    this._down(why);
  }

  // After 'lost': a new WebSocket claims the same Janus session (possible
  // within Janus's reclaim_session_timeout); the handle and its PeerConnection
  // stay. Rejects with CounselError 'gone' when the session no longer exists,
  // 'connection' when the server cannot be reached.
  reclaim() {
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(new CounselError('connection', 'closed'));
        return;
      }
      if (this.socket) this.socket.retire();
      tap.creating = this;
      try {
        this.janus.reconnect({
          success: () => {
            this.down = false;
            for (const c of this.children) {
              c.down = false;
              c._pump();
            }
            resolve();
            this._pump();
          },
          error: (err) => {
            const text = String(err);
            if (this.socket) this.socket.retire();
            reject(new CounselError(/no such session/i.test(text) ? 'gone' : 'connection', text));
          },
        });
      } finally {
        tap.creating = null;
      }
    });
  }

  // Whether the WebSocket still carries an answer within `timeoutMs` (a
  // keepalive and its ack): a socket can look open long after the network
  // under it changed.
  probe(timeoutMs = 3000) {
    return new Promise((resolve) => {
      const ws = this.socket;
      const session = this.janus && this.janus.getSessionId();
      if (this.closed || this.down || !ws || ws.readyState !== WebSocket.OPEN || !session) {
        resolve(false);
        return;
      }
      const transaction = `probe-${window.Janus.randomString(12)}`;
      let timer = null;
      const done = (alive) => {
        clearTimeout(timer);
        tap.probes.delete(transaction);
        resolve(alive);
      };
      timer = setTimeout(() => done(false), timeoutMs);
      tap.probes.set(transaction, () => done(true));
      try {
        ws.send(JSON.stringify({ janus: 'keepalive', session_id: session, transaction, ...(this.token ? { token: this.token } : {}) }));
      } catch {
        done(false);
      }
    });
  }

  // The page is going away: `leave` first (the seat must not wait for a
  // connection that will not come back), then the session is closed.
  leaveNow() {
    if (!this.closed && !this.down && this.handle) {
      try {
        this.handle.send({ message: { request: 'leave' } });
      } catch {
        // the socket is gone already
      }
    }
    this.close();
  }

  _onMessage(msg, jsep) {
    const incoming = tap.incoming;
    tap.incoming = null;
    const transaction = incoming && incoming.janus === 'event' ? incoming.transaction : null;
    const tag = transaction ? tap.byTransaction.get(transaction) : undefined;
    if (tag !== undefined) tap.byTransaction.delete(transaction);
    if (this.debug) console.log(`[counsel] ${tag !== undefined ? 'answer' : 'event'} ${msg && msg.counsel}${jsep ? ` + ${jsep.type}` : ''}`);
    if (this.inFlight && tag === this.inFlight.tag) {
      const pending = this.inFlight;
      this.inFlight = null;
      clearTimeout(pending.timer);
      if (msg && msg.counsel === EVENT.ERROR) pending.reject(new CounselError(msg.error_code, msg.error));
      else pending.resolve({ msg, jsep });
      this._pump();
      return;
    }
    this.emit('event', { msg: msg || {}, jsep });
  }

  // Sends `body` (with `jsep`) and resolves with { msg, jsep } of its answer;
  // rejects with a CounselError (code = the plugin's error_code) on an error answer.
  request(body, jsep = null) {
    return new Promise((resolve, reject) => {
      if (this.closed || this.down || !this.handle) {
        reject(new CounselError('connection', 'not connected'));
        return;
      }
      this.queue.push({ body, jsep, resolve, reject, tag: this.nextTag++ });
      this._pump();
    });
  }

  _pump() {
    if (this.inFlight || this.queue.length === 0 || this.closed || this.down) return;
    const item = this.queue.shift();
    this.inFlight = item;
    if (this.debug) console.log(`[counsel] request ${item.body.request}${item.jsep ? ` + ${item.jsep.type}` : ''}`);
    item.timer = setTimeout(() => {
      if (this.inFlight === item) {
        this.inFlight = null;
        item.reject(new CounselError('timeout', 'no answer'));
        this._pump();
      }
    }, REQUEST_TIMEOUT_MS);
    const msg = {
      message: item.body,
      success: () => {},
      error: (err) => {
        if (this.inFlight === item) {
          this.inFlight = null;
          clearTimeout(item.timer);
          item.reject(new CounselError('connection', String(err)));
          this._pump();
        }
      },
    };
    if (item.jsep) msg.jsep = item.jsep;
    tap.sendingTag = item.tag;
    try {
      this.handle.send(msg);
    } finally {
      tap.sendingTag = null;
    }
  }

  _failAll(err) {
    if (this.inFlight) {
      clearTimeout(this.inFlight.timer);
      this.inFlight.reject(err);
      this.inFlight = null;
    }
    for (const item of this.queue.splice(0)) item.reject(err);
  }

  // The page's LocalMedia owns the camera and microphone: janus.js must not
  // stop them when it cleans a PeerConnection up (it does so on Janus's
  // hangup too, and a new connection sends the same tracks).
  _keepTracks() {
    if (this.handle && this.handle.webrtcStuff) this.handle.webrtcStuff.streamExternal = true;
  }

  createOffer(options) {
    this._keepTracks();
    return new Promise((resolve, reject) => {
      this.handle.createOffer({ ...options, success: resolve, error: (e) => reject(new Error(`createOffer: ${errText(e)}`)) });
    });
  }

  createAnswer(options) {
    this._keepTracks();
    return new Promise((resolve, reject) => {
      this.handle.createAnswer({ ...options, success: resolve, error: (e) => reject(new Error(`createAnswer: ${errText(e)}`)) });
    });
  }

  handleRemoteJsep(jsep) {
    return new Promise((resolve, reject) => {
      this.handle.handleRemoteJsep({ jsep, success: resolve, error: (e) => reject(new Error(`handleRemoteJsep: ${errText(e)}`)) });
    });
  }

  sendData(text) {
    return new Promise((resolve, reject) => {
      this.handle.data({ text, success: resolve, error: (e) => reject(new Error(errText(e))) });
    });
  }

  peerConnection() {
    return this.handle && this.handle.webrtcStuff ? this.handle.webrtcStuff.pc : null;
  }

  // Closes the Janus session (and with it the PeerConnection). The camera and
  // microphone stay on: the page releases them (LocalMedia.stop) when it is done.
  close() {
    if (this.closed) return;
    this.closed = true;
    this._failAll(new CounselError('connection', 'closed'));
    for (const c of [...this.children]) c.close();
    if (this.parent) {
      // A second handle: only it goes (its PeerConnection with it); the session stays.
      this.parent.children.delete(this);
      try {
        if (this.handle) this.handle.detach({ noRequest: this.parent.down || this.parent.closed });
      } catch {
        // already gone
      }
      return;
    }
    try {
      this._keepTracks();
      if (this.handle) this.handle.hangup();
    } catch {
      // already gone
    }
    try {
      if (this.janus) this.janus.destroy({ notifyDestroyed: false, cleanupHandles: true });
    } catch {
      // already gone
    }
    // Whatever janus.js still does with it, nothing of it reaches the page.
    const ws = this.socket;
    if (ws) setTimeout(() => ws.retire(), 1000);
  }
}

function errText(e) {
  if (!e) return 'unknown';
  if (typeof e === 'string') return e;
  return e.message || e.name || JSON.stringify(e);
}
