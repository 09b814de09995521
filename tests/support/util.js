'use strict';
// Small helpers shared by the test support and the tests.

const net = require('node:net');

const LOOPBACK = '127.0.0.1';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A TCP port on `host` that nobody listens on right now.
function freePort(host = LOOPBACK) {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Whether something accepts TCP connections on host:port.
function portAnswers(port, host = LOOPBACK) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(1000, () => done(false));
  });
}

// Rejects with `message` if `promise` has not settled after `ms`.
function withTimeout(promise, ms, message) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} (timed out after ${ms} ms)`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// Polls `fn` (sync or async) until it returns a truthy value, which it returns.
// Throws after `timeoutMs` with `message` and the last value/error seen; an
// error that is an instance of `rethrow` (a class) ends the wait at once.
async function waitFor(fn, { timeoutMs = 10000, intervalMs = 200, message = 'condition', rethrow = null } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  let lastErr;
  for (;;) {
    try {
      last = await fn();
      lastErr = undefined;
      if (last) return last;
    } catch (err) {
      if (rethrow && err instanceof rethrow) throw err;
      lastErr = err;
    }
    if (Date.now() > deadline) {
      const detail = lastErr ? `last error: ${lastErr.message}` : `last value: ${JSON.stringify(last)}`;
      throw new Error(`waiting for ${message} timed out after ${timeoutMs} ms (${detail})`);
    }
    await sleep(intervalMs);
  }
}

// A file-name-safe version of a test name.
function slug(text) {
  return (
    String(text)
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'test'
  );
}

// Now in whole seconds since the epoch (the plugin's clock for expiries).
const nowS = () => Math.floor(Date.now() / 1000);

module.exports = { LOOPBACK, sleep, freePort, portAnswers, withTimeout, waitFor, slug, nowS };
