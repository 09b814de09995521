#!/usr/bin/env node
'use strict';
// Measures what one unauthenticated WebSocket connection can make Janus hold:
// Janus's WebSocket transport (janus_websockets.c, LWS_CALLBACK_RECEIVE)
// appends every fragment of a message to one buffer (g_realloc) and parses it
// only once the final fragment arrives — before any token is checked. This
// script opens raw WebSocket connections (node's net, no library: it must send
// frames no library would), sends a text frame without FIN and then
// continuation frames without FIN, and prints Janus's resident memory
// (/proc/<pid>/status VmRSS) and CPU time (/proc/<pid>/stat) as the unfinished
// message grows, how long a well-behaved client on another connection waits
// for the answer to a ping meanwhile, and the memory after the connections
// close. Nothing here is a test: it prints figures for README "Known issues".
//
//   node tests/tools/ws_fragment_flood.js [--mb 64] [--chunk-kb 64] [--connections 1]
//        [--via-nginx [--nginx-limit-conn N]] [--url ws://127.0.0.1:8188/ --pid <janus pid>]
//
// Without --url it starts its own Janus with the counsel plugin through the
// tests' launcher, tests/support/janus.js (needs `npm ci` in tests/ and the built
// plugin: COUNSEL_PLUGIN, COUNSEL_KEYGEN as for the integration tests), with
// token auth on, so every byte sent is from a client without a valid token.
// --via-nginx puts nginx in front as conf/nginx/janus-counsel.conf does
// (location /janus-ws, plus client_max_body_size 1k) to show what it limits;
// --nginx-limit-conn N adds limit_conn (N connections per client address):
// connections past N are refused (503) before they reach Janus.

const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');

function parseArgs(argv) {
  const o = { mb: 64, chunkKb: 64, connections: 1, viaNginx: false, limitConn: 0, url: '', pid: 0 };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === '--mb') o.mb = Number(next());
    else if (a === '--chunk-kb') o.chunkKb = Number(next());
    else if (a === '--connections') o.connections = Number(next());
    else if (a === '--via-nginx') o.viaNginx = true;
    else if (a === '--nginx-limit-conn') o.limitConn = Number(next());
    else if (a === '--url') o.url = next();
    else if (a === '--pid') o.pid = Number(next());
    else {
      process.stderr.write(`usage: ws_fragment_flood.js [--mb N] [--chunk-kb N] [--connections N] [--via-nginx] [--url ws://... --pid PID]\n`);
      process.exit(2);
    }
  }
  return o;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Janus's user + system CPU seconds so far.
function cpuS(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

function rssMb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]);
  return kb / 1024;
}

// A client frame (always masked): fin, opcode, payload.
function frame(fin, opcode, payload) {
  const len = payload.length;
  let header;
  if (len < 126) {
    header = Buffer.alloc(2);
    header[1] = 0x80 | len;
  } else if (len < 65536) {
    header = Buffer.alloc(4);
    header[1] = 0x80 | 126;
    header.writeUInt16BE(len, 2);
  } else {
    header = Buffer.alloc(10);
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(len), 2);
  }
  header[0] = (fin ? 0x80 : 0) | opcode;
  const mask = crypto.randomBytes(4);
  const masked = Buffer.alloc(len);
  for (let i = 0; i < len; i += 1) masked[i] = payload[i] ^ mask[i & 3];
  return Buffer.concat([header, mask, masked]);
}

// Opens a WebSocket (janus-protocol) by hand; resolves the socket after 101.
function openSocket(url) {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(u.port), u.hostname);
    const key = crypto.randomBytes(16).toString('base64');
    let head = '';
    socket.once('error', reject);
    socket.on('data', function onData(chunk) {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      if (!/^HTTP\/1\.1 101/.test(head)) return reject(new Error(`no upgrade: ${head.split('\r\n')[0]}`));
      socket.on('data', () => {}); // Janus sends nothing before a whole message
      resolve(socket);
    });
    socket.write(
      `GET ${u.pathname || '/'} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: janus-protocol\r\n\r\n`,
    );
  });
}

// Round trip of {"janus":"ping"} on a connection of its own, in ms (Janus
// answers ping before any token check); null after 30 s without an answer.
function pingMs(socket) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const timer = setTimeout(() => {
      socket.off('data', onData);
      resolve(null);
    }, 30000);
    function onData(chunk) {
      if (!chunk.includes('pong')) return;
      clearTimeout(timer);
      socket.off('data', onData);
      resolve(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    socket.on('data', onData);
    socket.write(frame(true, 0x1, Buffer.from(JSON.stringify({ janus: 'ping', transaction: crypto.randomBytes(6).toString('hex') }))));
  });
}

function write(socket, data) {
  return new Promise((resolve, reject) => {
    if (socket.destroyed) return reject(new Error('connection closed by the server'));
    socket.write(data, (err) => (err ? reject(err) : resolve()));
  });
}

async function startNginx(upstreamPort, limitConn) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'counsel-wsflood-nginx-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  fs.writeFileSync(
    path.join(dir, 'nginx.conf'),
    `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log crit;\ndaemon off;\nevents {}\nhttp {\n` +
      `\tclient_body_temp_path ${dir}/body;\n\tproxy_temp_path ${dir}/proxy;\n\taccess_log off;\n` +
      `\tmap $http_upgrade $c { default upgrade; '' close; }\n` +
      (limitConn ? '\tlimit_conn_zone $binary_remote_addr zone=perip:1m;\n\tlimit_conn_status 503;\n' : '') +
      `\tserver {\n\t\tlisten 127.0.0.1:${port};\n\t\tclient_max_body_size 1k;\n` +
      `\t\tlocation = /janus-ws {\n\t\t\tproxy_pass http://127.0.0.1:${upstreamPort};\n\t\t\tproxy_http_version 1.1;\n` +
      `\t\t\tproxy_set_header Upgrade $http_upgrade;\n\t\t\tproxy_set_header Connection $c;\n` +
      `\t\t\tproxy_set_header Sec-WebSocket-Protocol janus-protocol;\n\t\t\tproxy_read_timeout 120s;\n` +
      `\t\t\tproxy_buffering off;\n\t\t\tclient_max_body_size 1k;\n` +
      (limitConn ? `\t\t\tlimit_conn perip ${limitConn};\n` : '') +
      '\t\t}\n\t}\n}\n',
  );
  const child = spawn('nginx', ['-c', path.join(dir, 'nginx.conf'), '-p', `${dir}/`], { stdio: 'ignore' });
  for (let i = 0; i < 50; i += 1) {
    const up = await new Promise((r) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), r(true)));
      s.on('error', () => r(false));
    });
    if (up) break;
    await sleep(100);
  }
  return { url: `ws://127.0.0.1:${port}/janus-ws`, stop: () => (child.kill('SIGTERM'), fs.rmSync(dir, { recursive: true, force: true })) };
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  let janus = null;
  let url = o.url;
  let pid = o.pid;
  if (!url) {
    const { Janus } = require('../support/janus');
    janus = await Janus.start({ tokenSecret: crypto.randomBytes(32).toString('base64url') });
    url = janus.wsUrl;
    pid = janus.pid;
  }
  let nginx = null;
  if (o.viaNginx) {
    nginx = await startNginx(Number(new URL(url).port), o.limitConn);
    url = nginx.url;
  }
  const chunk = Buffer.alloc(o.chunkKb * 1024, 0x61); // 'a': no NUL, so Janus's strlen sees it all
  const perConnection = Math.ceil((o.mb * 1024) / o.chunkKb);
  const before = rssMb(pid);
  const cpuBefore = cpuS(pid);
  const probe = await openSocket(url);
  const quiet = await pingMs(probe);
  const via = o.viaNginx ? `nginx (client_max_body_size 1k${o.limitConn ? `, limit_conn ${o.limitConn}` : ''})` : 'direct';
  console.log(`janus pid ${pid}, via ${via}; RSS before: ${before.toFixed(1)} MB`);
  console.log(`ping from another client before: ${quiet === null ? 'no answer in 30 s' : `${quiet.toFixed(1)} ms`}`);
  console.log(`sending ${o.connections} x ${o.mb} MB as one unfinished message (${o.chunkKb} KiB fragments, no FIN, no token)`);
  const sockets = [];
  const refused = [];
  for (let c = 0; c < o.connections; c += 1) {
    try {
      sockets.push(await openSocket(url));
    } catch (err) {
      refused.push(err.message);
    }
  }
  // The probe holds one connection too.
  console.log(`connections upgraded: ${sockets.length} of ${o.connections}${refused.length ? ` (refused: ${refused[0]})` : ''}`);
  const t0 = Date.now();
  let sent = 0;
  let stopped = null;
  try {
    for (let i = 0; i < perConnection; i += 1) {
      for (const s of sockets) await write(s, frame(false, i === 0 ? 0x1 : 0x0, chunk));
      sent += chunk.length * sockets.length;
      if ((i + 1) % Math.max(1, Math.floor(perConnection / 8)) === 0 || i + 1 === perConnection) {
        const ping = await pingMs(probe);
        console.log(
          `  sent ${(sent / 1048576).toFixed(0).padStart(5)} MB after ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s` +
            `  Janus RSS ${rssMb(pid).toFixed(1)} MB  CPU ${(cpuS(pid) - cpuBefore).toFixed(1)} s` +
            `  another client's ping ${ping === null ? '> 30 s' : `${ping.toFixed(0)} ms`}`,
        );
      }
    }
  } catch (err) {
    stopped = err.message;
  }
  const secs = (Date.now() - t0) / 1000;
  await sleep(1000);
  const held = rssMb(pid);
  console.log(`held after ${secs.toFixed(1)} s: RSS ${held.toFixed(1)} MB (+${(held - before).toFixed(1)} MB for ${(sent / 1048576).toFixed(0)} MB sent)${stopped ? `; stopped: ${stopped}` : ''}`);
  console.log(`Janus CPU for it: ${(cpuS(pid) - cpuBefore).toFixed(1)} s`);
  for (const s of sockets) s.destroy();
  for (const wait of [2, 10]) {
    await sleep(wait === 2 ? 2000 : 8000);
    console.log(`${wait} s after closing: RSS ${rssMb(pid).toFixed(1)} MB`);
  }
  probe.destroy();
  if (nginx) nginx.stop();
  if (janus) await janus.stop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
