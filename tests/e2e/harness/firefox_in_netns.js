#!/usr/bin/env node
'use strict';
// Firefox inside another network namespace, for puppeteer (client_link.js):
//
//   node firefox_in_netns.js <netns path> <firefox binary> [firefox args...]
//
// Firefox runs through `nsenter --net`; its "WebDriver BiDi listening on
// ws://127.0.0.1:<port>" line (which puppeteer reads from stderr) names a
// port of that namespace. The same port of this namespace is relayed to it:
// a TCP server here -> a Unix socket (a file, seen from both namespaces) -> a
// relay started inside the client namespace -> Firefox. (The same number,
// because Firefox answers 400 to a Host header with another port.)

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const [netns, bin, ...args] = process.argv.slice(2);
const sock = path.join(os.tmpdir(), `counsel-ffrelay-${process.pid}.sock`);

// Runs inside the client namespace: Unix socket -> 127.0.0.1:<port>.
const INNER = `
const net = require('node:net');
const [sock, port] = process.argv.slice(1);
net.createServer((c) => {
  const t = net.connect(Number(port), '127.0.0.1');
  c.pipe(t); t.pipe(c);
  c.on('error', () => t.destroy()); t.on('error', () => c.destroy());
}).listen(sock, () => process.stdout.write('ready\\n'));
`;

const inNetns = (cmd, cmdArgs, opts) => spawn('setpriv', ['--pdeathsig', 'KILL', '--', 'nsenter', `--net=${netns}`, '--', cmd, ...cmdArgs], opts);

const firefox = inNetns(bin, args, { stdio: ['inherit', 'inherit', 'pipe'] });
let inner = null;
const cleanUp = () => {
  if (inner) inner.kill('SIGKILL');
  fs.rmSync(sock, { force: true });
};
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(sig, () => firefox.kill(sig));
firefox.on('exit', (code, signal) => {
  cleanUp();
  process.exit(code === null ? (signal ? 1 : 0) : code);
});

function relay(port, line) {
  inner = inNetns(process.execPath, ['-e', INNER, sock, port], { stdio: ['ignore', 'pipe', 'inherit'] });
  inner.stdout.once('data', () => {
    const outer = net.createServer((c) => {
      const u = net.connect(sock);
      c.pipe(u);
      u.pipe(c);
      c.on('error', () => u.destroy());
      u.on('error', () => c.destroy());
    });
    outer.listen(Number(port), '127.0.0.1', () => process.stderr.write(`${line}\n`));
  });
}

let buffered = '';
firefox.stderr.on('data', (chunk) => {
  buffered += chunk;
  let nl;
  while ((nl = buffered.indexOf('\n')) >= 0) {
    const line = buffered.slice(0, nl);
    buffered = buffered.slice(nl + 1);
    const m = /WebDriver BiDi listening on ws:\/\/127\.0\.0\.1:(\d+)/.exec(line);
    if (m && !inner) relay(m[1], line);
    else process.stderr.write(`${line}\n`);
  }
});
