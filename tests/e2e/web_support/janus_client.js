'use strict';
// A bare Janus API client over WebSocket (node, `ws`), for what a test does
// besides the page: here, spending a room's failed-attempt budget quickly so
// the page can show "too many attempts".

const crypto = require('node:crypto');
const WebSocket = require('ws');

class JanusClient {
  // token: Janus's signed token, sent with every request (when Janus has token auth on).
  static connect(url, { token } = {}) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, 'janus-protocol');
      ws.once('error', reject);
      ws.once('open', () => resolve(new JanusClient(ws, token)));
    });
  }

  constructor(ws, token) {
    this.ws = ws;
    this.token = token;
    this.waiting = new Map(); // transaction -> resolve (skipping acks)
    this.events = []; // plugin events nobody asked for (plugindata.data)
    ws.on('message', (data) => {
      let msg;
      try {
        msg = JSON.parse(String(data));
      } catch {
        return;
      }
      if (!msg.transaction && msg.plugindata) this.events.push(msg.plugindata.data);
      if (msg.janus === 'ack' || !msg.transaction) return;
      const w = this.waiting.get(msg.transaction);
      if (w) {
        this.waiting.delete(msg.transaction);
        w(msg);
      }
    });
  }

  send(body, timeoutMs = 5000) {
    const transaction = crypto.randomBytes(8).toString('hex');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(transaction);
        reject(new Error(`no answer to ${body.janus}`));
      }, timeoutMs);
      this.waiting.set(transaction, (msg) => {
        clearTimeout(timer);
        resolve(msg);
      });
      this.ws.send(JSON.stringify({ ...body, ...(this.token ? { token: this.token } : {}), transaction }));
    });
  }

  async session() {
    const res = await this.send({ janus: 'create' });
    this.sessionId = res.data.id;
    return this.sessionId;
  }

  async attach() {
    const res = await this.send({ janus: 'attach', session_id: this.sessionId, plugin: 'janus.plugin.counsel' });
    return res.data.id;
  }

  // A plugin request; resolves with the plugin's answer (plugindata.data).
  async request(handleId, body) {
    const res = await this.send({ janus: 'message', session_id: this.sessionId, handle_id: handleId, body });
    return res.plugindata ? res.plugindata.data : res;
  }

  close() {
    this.ws.close();
  }
}

// Joins `room` with wrong tokens until the plugin answers 486 (at most `max`
// tries), using a fresh handle for every try (the per-handle budget is small).
// Spends the room's budget of wrong passwords (README "Rate limits": tokens
// have none; a fresh handle each time, so no handle's own limit ends it first).
async function exhaustRoomAttempts(wsUrl, room, { max = 40, token } = {}) {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const c = await JanusClient.connect(wsUrl, { token });
  try {
    await c.session();
    for (let i = 0; i < max; i += 1) {
      const handle = await c.attach();
      const password = Array.from(crypto.randomBytes(12), (b) => alphabet[b % alphabet.length]).join('');
      const answer = await c.request(handle, { request: 'join', room, password, display: 'x' });
      if (answer.error_code === 486) return i + 1;
      await c.send({ janus: 'detach', session_id: c.sessionId, handle_id: handle });
    }
    throw new Error(`no 486 after ${max} wrong passwords`);
  } finally {
    c.close();
  }
}

module.exports = { JanusClient, exhaustRoomAttempts };
