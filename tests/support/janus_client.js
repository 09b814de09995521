'use strict';
// The tests' one Janus WebSocket API client (subprotocol "janus-protocol";
// the Admin API's "janus-admin-protocol" through JanusAdmin).
//
//   const conn = await JanusConnection.open(janus.wsUrl, { token });
//   const session = await conn.createSession();
//   const handle = await session.attach('janus.plugin.counsel');
//   const answer = await handle.request({ request: 'join', ... });   // plugindata.data
//   const event = await handle.nextEvent('lobby', 3000);             // an unsolicited event
//   const reply = await conn.transact({ janus: 'info' });           // any Janus request: the full reply
//
//   const handle = await connectCounsel(janus.wsUrl);                 // one person: own socket, session, handle
//   const admin = await JanusAdmin.open(janus.adminUrl, janus.adminSecret);
//
// Every frame this process sends is kept in `sentFrames` (the privacy log test
// needs to know which raw JSON lines in Janus's log are its own requests).

const crypto = require('node:crypto');
const WebSocket = require('ws');

const PLUGIN = 'janus.plugin.counsel';
const DEFAULT_TIMEOUT_MS = 10000;
const KEEPALIVE_MS = 15000;

const sentFrames = [];

// A Janus-level error (not a plugin error): {janus:"error", error:{code, reason}}.
class JanusError extends Error {
  constructor(reply) {
    super(`janus error ${reply.error && reply.error.code}: ${reply.error && reply.error.reason}`);
    this.code = reply.error && reply.error.code;
    this.reply = reply;
  }
}

const newTransaction = () => crypto.randomBytes(9).toString('base64url');

function matcher(predicate) {
  if (predicate === undefined || predicate === null) return () => true;
  if (typeof predicate === 'string') return (data) => data !== null && data.counsel === predicate;
  return predicate;
}

class JanusConnection {
  // token: a Janus signed token sent with every request (when Janus has token_auth on).
  static open(url, { protocol = 'janus-protocol', timeoutMs = DEFAULT_TIMEOUT_MS, token } = {}) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, protocol);
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error(`could not connect to ${url} in ${timeoutMs} ms`));
      }, timeoutMs);
      ws.once('open', () => {
        clearTimeout(timer);
        resolve(new JanusConnection(ws, token));
      });
      ws.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  constructor(ws, token) {
    this.ws = ws;
    this.token = token;
    this.pending = new Map(); // transaction -> {resolve, reject, waitEvent, timer}
    this.handles = new Map(); // handle id -> Handle
    this.sessions = new Map(); // session id -> Session
    this.closed = false;
    ws.on('message', (raw) => this._onMessage(raw));
    ws.on('close', () => this._onClose());
    ws.on('error', () => {});
  }

  send(message) {
    const frame = JSON.stringify(message);
    sentFrames.push(frame);
    this.ws.send(frame);
  }

  // Sends `message` with a new transaction; resolves with the first reply that
  // is not an `ack` when `waitEvent` (a plugin `message`), else the first reply.
  transact(message, { waitEvent = false, timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
    if (this.closed) return Promise.reject(new Error('connection closed'));
    const transaction = newTransaction();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(transaction);
        reject(new Error(`no answer to ${JSON.stringify(message.janus)}${message.body ? ` ${JSON.stringify(message.body.request)}` : ''} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(transaction, { resolve, reject, waitEvent, timer });
      this.send({ ...message, ...(this.token ? { token: this.token } : {}), transaction });
    });
  }

  _onMessage(raw) {
    let msg;
    try {
      msg = JSON.parse(raw.toString());
    } catch {
      return;
    }
    const pending = msg.transaction !== undefined ? this.pending.get(msg.transaction) : undefined;
    if (pending && !(msg.janus === 'ack' && pending.waitEvent)) {
      this.pending.delete(msg.transaction);
      clearTimeout(pending.timer);
      pending.resolve(msg);
      return;
    }
    if (pending) return; // the ack of a plugin message: the answer follows
    const handle = msg.sender !== undefined ? this.handles.get(msg.sender) : undefined;
    if (handle) {
      handle._push(msg);
      return;
    }
    const session = msg.session_id !== undefined ? this.sessions.get(msg.session_id) : undefined;
    if (session) session.events.push(msg);
  }

  _onClose() {
    this.closed = true;
    for (const [, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new Error('connection closed'));
    }
    this.pending.clear();
    for (const session of this.sessions.values()) session._stopKeepalive();
  }

  async createSession() {
    const reply = await this.transact({ janus: 'create' });
    if (reply.janus !== 'success') throw new JanusError(reply);
    const session = new Session(this, reply.data.id);
    this.sessions.set(session.id, session);
    return session;
  }

  close() {
    for (const session of this.sessions.values()) session._stopKeepalive();
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', resolve);
      this.ws.close();
      setTimeout(() => {
        this.ws.terminate();
        resolve();
      }, 2000).unref();
    });
  }
}

class Session {
  constructor(conn, id) {
    this.conn = conn;
    this.id = id;
    this.events = [];
    this.keepalive = setInterval(() => {
      this.conn.transact({ janus: 'keepalive', session_id: this.id }).catch(() => {});
    }, KEEPALIVE_MS);
    this.keepalive.unref();
  }

  _stopKeepalive() {
    clearInterval(this.keepalive);
  }

  async attach(plugin = PLUGIN) {
    const reply = await this.conn.transact({ janus: 'attach', session_id: this.id, plugin });
    if (reply.janus !== 'success') throw new JanusError(reply);
    const handle = new Handle(this, reply.data.id, plugin);
    this.conn.handles.set(handle.id, handle);
    return handle;
  }

  async destroy() {
    this._stopKeepalive();
    const reply = await this.conn.transact({ janus: 'destroy', session_id: this.id });
    if (reply.janus !== 'success') throw new JanusError(reply);
    this.conn.sessions.delete(this.id);
  }
}

class Handle {
  constructor(session, id, plugin = PLUGIN) {
    this.session = session;
    this.conn = session.conn;
    this.id = id;
    this.plugin = plugin;
    this.queue = []; // {janus, data, raw}, unsolicited, in arrival order
    this.seen = []; // everything ever queued (for "nothing else arrived" checks)
    this.waiters = [];
  }

  // Sends a plugin message; resolves with the full Janus reply (event, success or error).
  sendRaw(body, { jsep, timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
    const message = { janus: 'message', session_id: this.session.id, handle_id: this.id, body };
    if (jsep) message.jsep = jsep;
    return this.conn.transact(message, { waitEvent: true, timeoutMs });
  }

  // Sends a plugin request; resolves with the answer's plugindata.data.
  async request(body, options = {}) {
    const reply = await this.sendRaw(body, options);
    if (reply.janus === 'error') throw new JanusError(reply);
    if (!reply.plugindata || reply.plugindata.plugin !== this.plugin) {
      throw new Error(`answer without ${this.plugin} plugindata: ${JSON.stringify(reply)}`);
    }
    return reply.plugindata.data;
  }

  _push(msg) {
    const entry = { janus: msg.janus, data: msg.plugindata ? msg.plugindata.data : null, raw: msg };
    this.seen.push(entry);
    for (let i = 0; i < this.waiters.length; i += 1) {
      const waiter = this.waiters[i];
      if (waiter.match(entry.data, entry.raw)) {
        this.waiters.splice(i, 1);
        clearTimeout(waiter.timer);
        waiter.resolve(entry.data ?? entry.raw);
        return;
      }
    }
    this.queue.push(entry);
  }

  // The next unsolicited message matching `predicate` (a counsel event name, or
  // fn(data, raw)); earlier non-matching ones stay queued. Plugin events
  // resolve with plugindata.data, other Janus messages with the raw message.
  nextEvent(predicate, timeoutMs = DEFAULT_TIMEOUT_MS) {
    const match = matcher(predicate);
    const index = this.queue.findIndex((e) => match(e.data, e.raw));
    if (index >= 0) {
      const [entry] = this.queue.splice(index, 1);
      return Promise.resolve(entry.data ?? entry.raw);
    }
    return new Promise((resolve, reject) => {
      const waiter = { match, resolve, timer: null };
      waiter.timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        const got = this.queue.map((e) => (e.data ? e.data.counsel : e.janus));
        reject(new Error(`handle ${this.id}: no event ${typeof predicate === 'string' ? `"${predicate}"` : 'matching'} in ${timeoutMs} ms (queued: ${JSON.stringify(got)})`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  // Fails if a message matching `predicate` is queued or arrives within `ms`.
  async expectNoEvent(predicate, ms = 500) {
    const match = matcher(predicate);
    const found = () => this.queue.find((e) => match(e.data, e.raw));
    if (found()) throw new Error(`unexpected event: ${JSON.stringify(found().raw)}`);
    await new Promise((resolve) => setTimeout(resolve, ms));
    if (found()) throw new Error(`unexpected event: ${JSON.stringify(found().raw)}`);
  }

  // Drops every queued event (e.g. before checking that nothing new arrives).
  drain() {
    const dropped = this.queue;
    this.queue = [];
    return dropped;
  }

  async detach() {
    const reply = await this.conn.transact({ janus: 'detach', session_id: this.session.id, handle_id: this.id });
    if (reply.janus !== 'success') throw new JanusError(reply);
    this.conn.handles.delete(this.id);
  }
}

// The Admin API over WebSockets (subprotocol "janus-admin-protocol").
class JanusAdmin {
  static async open(url, secret) {
    const conn = await JanusConnection.open(url, { protocol: 'janus-admin-protocol' });
    return new JanusAdmin(conn, secret);
  }

  constructor(conn, secret) {
    this.conn = conn;
    this.secret = secret;
  }

  // Any admin request; resolves with the full reply.
  call(message, timeoutMs = DEFAULT_TIMEOUT_MS) {
    return this.conn.transact({ ...message, admin_secret: this.secret }, { timeoutMs });
  }

  // Janus's `message_plugin`: the plugin's handle_admin_message(request).
  async messagePlugin(request, plugin = PLUGIN) {
    const reply = await this.call({ janus: 'message_plugin', plugin, request });
    if (reply.janus !== 'success') throw new JanusError(reply);
    return reply.response;
  }

  async handleInfo(sessionId, handleId) {
    const reply = await this.call({ janus: 'handle_info', session_id: sessionId, handle_id: handleId });
    if (reply.janus !== 'success') throw new JanusError(reply);
    return reply.info;
  }

  close() {
    return this.conn.close();
  }
}

// A page whose WebSocket died reaching its Janus session again: a new
// WebSocket, `claim` of the session, and `handle` (with its queued events)
// carried over to it. Throws a JanusError when the session is gone.
async function claimSession(url, handle, { token } = {}) {
  const conn = await JanusConnection.open(url, { token });
  const reply = await conn.transact({ janus: 'claim', session_id: handle.session.id });
  if (reply.janus !== 'success') {
    await conn.close();
    throw new JanusError(reply);
  }
  const session = new Session(conn, handle.session.id);
  conn.sessions.set(session.id, session);
  handle.session._stopKeepalive();
  handle.session = session;
  handle.conn = conn;
  conn.handles.set(handle.id, handle);
  handle.close = () => conn.close();
  return handle;
}

// One person: their own WebSocket, Janus session and counsel handle.
async function connectCounsel(url, { token } = {}) {
  const conn = await JanusConnection.open(url, { token });
  try {
    const session = await conn.createSession();
    const handle = await session.attach(PLUGIN);
    handle.close = () => conn.close();
    return handle;
  } catch (err) {
    await conn.close();
    throw err;
  }
}

module.exports = {
  JanusConnection, Session, Handle, JanusAdmin, JanusError, connectCounsel, claimSession, sentFrames, PLUGIN,
};
