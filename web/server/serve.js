#!/usr/bin/env node
// The web page's static server: node:http, no dependencies, no build step.
//
//   node web/server/serve.js [--host 127.0.0.1] [--port 8080] [--janus ws://127.0.0.1:8188] [--rec-dir DIR]
//                     [--janus-token-secret-file FILE]
//
// Serves web/ (index.html, css/, js/), /janus.js and /adapter.js from Debian's
// libjs-janus-gateway and libjs-webrtc-adapter (never copied into the repo),
// and /config.json ({"janus": <Janus WebSocket URL>, "iceServers": [...], "loops"?: <Janus's
// event_loops, with --janus-loops>}) for the page. Every
// answer carries a strict Content-Security-Policy (everything from this origin,
// the one WebSocket to Janus, nothing else), Referrer-Policy: no-referrer and
// friends. Personal links keep the room id and token in the URL #fragment,
// which browsers never send, so this server never sees them; it logs nothing
// per request anyway. With --rec-dir (the plugin's rec_dir) it also serves the
// private recording links /rec/<capability> (web/server/rec_links.js): every
// wrong, expired or deleted link is the same 404. With --janus-token-secret-file
// (the token_auth_secret of janus.jcfg, Janus's signed-token auth) every
// /config.json also carries a fresh "token" (web/server/janus_token.js) that
// opens janus.plugin.counsel and nothing else, valid for
// COUNSEL_JANUS_TOKEN_TTL_S seconds (default 6 h: longer than any session).
//
// Environment (overridden by the flags): COUNSEL_WEB_HOST, COUNSEL_WEB_PORT,
// COUNSEL_JANUS_WS, COUNSEL_JANUS_LOOPS, COUNSEL_REC_DIR, COUNSEL_JANUS_TOKEN_SECRET_FILE, JANUS_JS, ADAPTER_JS; COUNSEL_ICE_SERVERS: a JSON array of
// RTCIceServer objects for the browsers (default none: no STUN server of a
// third party is ever asked; give your own STUN/TURN server when Janus is
// behind NAT). Port 0 picks a free one. The line
// "listening on http://HOST:PORT/" on stdout tells a caller where it is.
'use strict';

const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const janusToken = require('./janus_token.js');
const recLinks = require('./rec_links.js');

// The page: web/, one up from this server's own folder (web/server/).
const ROOT = path.resolve(__dirname, '..');
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};
// Files below web/ that are not part of the page: the server's own folder.
const PRIVATE_DIR = '/server/';

// Janus's static event loops (janus.jcfg `event_loops`, with
// `allow_loop_indication`): with their number in config.json the page attaches
// every handle of a room to that room's loop, so a forwarded packet stays on
// one thread. "auto": one per core of this machine, as scripts/run and the
// install set event_loops. Empty: the page names no loop.
function parseLoops(value) {
  if (value === '') return 0;
  const n = value === 'auto' ? os.availableParallelism() : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1024) throw new Error('--janus-loops must be 1-1024 or auto (janus.jcfg event_loops)');
  return n;
}

function parseArgs(argv) {
  const out = {
    host: process.env.COUNSEL_WEB_HOST || '127.0.0.1',
    port: Number(process.env.COUNSEL_WEB_PORT || 8080),
    janus: process.env.COUNSEL_JANUS_WS || 'ws://127.0.0.1:8188',
    janusJs: process.env.JANUS_JS || '/usr/share/javascript/janus-gateway/janus.js',
    adapterJs: process.env.ADAPTER_JS || '/usr/share/javascript/webrtc-adapter/adapter.js',
    iceServers: process.env.COUNSEL_ICE_SERVERS || '[]',
    recDir: process.env.COUNSEL_REC_DIR || '',
    tokenSecretFile: process.env.COUNSEL_JANUS_TOKEN_SECRET_FILE || '',
    tokenTtl: Number(process.env.COUNSEL_JANUS_TOKEN_TTL_S || janusToken.DEFAULT_TTL_SECONDS),
    janusLoops: process.env.COUNSEL_JANUS_LOOPS || '',
  };
  for (let i = 2; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--help' || flag === '-h') {
      process.stdout.write(
        'usage: node web/server/serve.js [--host 127.0.0.1] [--port 8080] [--janus ws://127.0.0.1:8188] [--rec-dir DIR] [--janus-token-secret-file FILE] [--janus-loops N|auto]\n',
      );
      process.exit(0);
    }
    if (value === undefined) throw new Error(`missing value for ${flag}`);
    if (flag === '--host') out.host = value;
    else if (flag === '--port') out.port = Number(value);
    else if (flag === '--janus') out.janus = value;
    else if (flag === '--rec-dir') out.recDir = value;
    else if (flag === '--janus-token-secret-file') out.tokenSecretFile = value;
    else if (flag === '--janus-loops') out.janusLoops = value;
    else throw new Error(`unknown option ${flag}`);
    i += 1;
  }
  if (!Number.isInteger(out.port) || out.port < 0 || out.port > 65535) throw new Error('--port must be 0-65535');
  let janus;
  try {
    janus = new URL(out.janus);
  } catch {
    throw new Error(`--janus is not a URL: ${out.janus}`);
  }
  if (janus.protocol !== 'ws:' && janus.protocol !== 'wss:') throw new Error('--janus must be a ws:// or wss:// URL');
  if (janus.username || janus.password || janus.search || janus.hash) throw new Error('--janus must be a plain ws://host:port/ URL');
  out.janusOrigin = `${janus.protocol}//${janus.host}`;
  try {
    out.iceServers = JSON.parse(out.iceServers);
  } catch {
    throw new Error('COUNSEL_ICE_SERVERS is not JSON');
  }
  if (!Array.isArray(out.iceServers)) throw new Error('COUNSEL_ICE_SERVERS must be a JSON array');
  out.loops = parseLoops(out.janusLoops);
  if (out.recDir) out.recDir = path.resolve(out.recDir);
  if (!Number.isInteger(out.tokenTtl) || out.tokenTtl < 60 || out.tokenTtl > 7 * 24 * 3600) {
    throw new Error('COUNSEL_JANUS_TOKEN_TTL_S must be 60 .. 604800 seconds');
  }
  // Read once at start: a missing or weak secret stops the server instead of serving tokenless pages.
  out.tokenSecret = out.tokenSecretFile ? janusToken.readTokenSecret(out.tokenSecretFile) : '';
  out.janus = janus.toString();
  return out;
}

// The security headers of every answer.
function securityHeaders(janusOrigin) {
  const csp = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    `connect-src 'self' ${janusOrigin}`,
    "worker-src 'self'",
    "font-src 'none'",
    "object-src 'none'",
    "frame-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ];
  return {
    'Content-Security-Policy': csp.join('; '),
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(self), microphone=(self), display-capture=(self), geolocation=(), payment=(), usb=(), interest-cohort=()',
    'Cache-Control': 'no-store',
  };
}

function createServer(options) {
  const headers = securityHeaders(options.janusOrigin);
  const fixedConfig = { janus: options.janus, iceServers: options.iceServers || [], ...(options.loops ? { loops: options.loops } : {}) };
  // Without token auth the answer never changes; with it, every load gets its own token.
  const staticConfig = Buffer.from(`${JSON.stringify(fixedConfig)}\n`);
  const config = () =>
    options.tokenSecret
      ? Buffer.from(`${JSON.stringify({ ...fixedConfig, token: janusToken.mintJanusToken(options.tokenSecret, { ttlSeconds: options.tokenTtl }) })}\n`)
      : staticConfig;
  const files = { '/janus.js': options.janusJs, '/adapter.js': options.adapterJs };

  return http.createServer((req, res) => {
    const send = (status, body, type) => {
      res.writeHead(status, { ...headers, 'Content-Type': type || 'text/plain; charset=utf-8', 'Content-Length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    // Recording links first: they answer every method and failure themselves.
    if (req.url.startsWith('/rec/')) return recLinks.serve(req, res, { recDir: options.recDir, headers });
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return send(405, Buffer.from('method not allowed\n'));
    }
    let urlPath;
    try {
      urlPath = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    } catch {
      return send(400, Buffer.from('bad request\n'));
    }
    if (urlPath.includes('\0') || urlPath.includes('\\')) return send(400, Buffer.from('bad request\n'));
    if (urlPath === '/config.json') return send(200, config(), TYPES['.json']);
    if (urlPath === '/favicon.ico') return send(204, Buffer.alloc(0));
    if (urlPath.endsWith('/')) urlPath += 'index.html';
    let file = files[urlPath];
    if (!file) {
      // Only the page's own kinds of files (not serve.js, the modules' node tests, README.md, dotfiles).
      if (urlPath.startsWith(PRIVATE_DIR) || urlPath.endsWith('.test.js') || !TYPES[path.extname(urlPath)] || urlPath.split('/').some((part) => part.startsWith('.'))) {
        return send(404, Buffer.from('not found\n'));
      }
      file = path.resolve(ROOT, `.${urlPath}`);
      if (!file.startsWith(ROOT + path.sep)) return send(404, Buffer.from('not found\n'));
    }
    fs.readFile(file, (err, data) => {
      if (err) return send(404, Buffer.from('not found\n'));
      return send(200, data, TYPES[path.extname(file)] || 'text/javascript; charset=utf-8');
    });
    return undefined;
  });
}

function main() {
  let options;
  try {
    options = parseArgs(process.argv);
  } catch (err) {
    process.stderr.write(`serve.js: ${err.message}\n`);
    process.exit(2);
  }
  for (const f of [options.janusJs, options.adapterJs]) {
    if (!fs.existsSync(f)) {
      process.stderr.write(`serve.js: ${f} is missing (install libjs-janus-gateway and libjs-webrtc-adapter)\n`);
      process.exit(2);
    }
  }
  const server = createServer(options);
  server.on('error', (err) => {
    process.stderr.write(`serve.js: ${err.message}\n`);
    process.exit(1);
  });
  server.listen(options.port, options.host, () => {
    const { port } = server.address();
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    process.stdout.write(`listening on http://${host}:${port}/\n`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (require.main === module) main();

module.exports = { createServer, parseArgs, securityHeaders };
