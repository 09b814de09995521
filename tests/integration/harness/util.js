'use strict';
// Small helpers shared by the harness and the tests.

const net = require('node:net');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A TCP port on 127.0.0.1 that nobody listens on right now.
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Whether something accepts TCP connections on 127.0.0.1:port.
function portAnswers(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
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

const nowS = () => Math.floor(Date.now() / 1000);

module.exports = { sleep, freePort, portAnswers, withTimeout, nowS };
