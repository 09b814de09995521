'use strict';
// The test network namespace made by run-in-netns.sh: the addresses, and a
// check that this process really runs inside it (so a test started without
// the wrapper fails at once with a clear message instead of timing out on ICE).

const fs = require('node:fs');
const os = require('node:os');

const HOST_IP = process.env.COUNSEL_E2E_HOST_IP || '10.200.0.1';
const PEER_IP = process.env.COUNSEL_E2E_PEER_IP || '10.200.0.2';

function inTestNetns() {
  const marker = process.env.COUNSEL_E2E_NETNS;
  if (!marker) return false;
  let current;
  try {
    current = fs.readlinkSync('/proc/self/ns/net');
  } catch {
    return false;
  }
  if (current !== marker) return false;
  const v0 = os.networkInterfaces().v0 || [];
  return v0.some((a) => a.family === 'IPv4' && a.address === HOST_IP);
}

function assertInTestNetns() {
  if (!inTestNetns()) {
    throw new Error(
      'not inside the e2e test network namespace: run the tests through ./run-in-netns.sh ' +
        '(e.g. `cd tests/e2e && ./run-in-netns.sh node --test`)',
    );
  }
}

module.exports = { HOST_IP, PEER_IP, inTestNetns, assertInTestNetns };
