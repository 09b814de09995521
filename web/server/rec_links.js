'use strict';
// Serving private recording links (/rec/<capability>) from the recorder's link
// store, for the page's web server (web/server/serve.js) — node:fs and node:crypto
// only, no build step, nothing linked from the plugin.
//
//   const recLinks = require('./rec_links.js');
//   // in the request handler, before the static files:
//   if (recLinks.isRecPath(urlPath)) return recLinks.serve(req, res, { recDir, headers });
//
// The store (written by the plugin, see recording/capability_store.hpp):
//   <rec_dir>/_links/<sha256(capability) as 64 hex digits>  ->  {"room", "granted_at", "expires_at"}
//   <rec_dir>/<room>/recording.mp4                          the recording
// A link works while now < expires_at (unix seconds) and the file exists.
// Every failure — malformed, unknown, expired, deleted — is the same 404, so
// an answer tells nothing about other links. Nothing is logged. The server
// needs read access to rec_dir (run it as the user Janus runs as).

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const CAPABILITY = /^[A-Za-z0-9_-]{21}[AQgw]$/; // 22 base64url characters = exactly 128 bits
const ROOM = /^[A-Za-z0-9_-]{1,64}$/;
const PREFIX = '/rec/';

function isRecPath(urlPath) {
  return typeof urlPath === 'string' && urlPath.startsWith(PREFIX);
}

// The recording a capability opens now: { file, size } or null.
function lookup(recDir, capability, nowS = Math.floor(Date.now() / 1000)) {
  if (typeof capability !== 'string' || !CAPABILITY.test(capability)) return null;
  const digest = crypto.createHash('sha256').update(capability, 'ascii').digest('hex');
  let entry;
  try {
    entry = JSON.parse(fs.readFileSync(path.join(recDir, '_links', digest), { encoding: 'utf8', flag: fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW }));
  } catch {
    return null;
  }
  if (!entry || typeof entry.room !== 'string' || !ROOM.test(entry.room)) return null;
  if (!Number.isInteger(entry.expires_at) || nowS >= entry.expires_at) return null;
  const file = path.join(recDir, entry.room, 'recording.mp4');
  let st;
  try {
    st = fs.lstatSync(file);
  } catch {
    return null;
  }
  if (!st.isFile()) return null;
  return { file, size: st.size };
}

// Parses a single "bytes=a-b" range against `size`: { start, end } (inclusive), null (none), or false (unsatisfiable).
function parseRange(header, size) {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start;
  let end;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return false;
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return false;
  return { start, end };
}

// Answers one /rec/<capability> request (GET or HEAD). `headers` are the
// server's own security headers, sent with every answer.
function serve(req, res, { recDir, headers = {}, now } = {}) {
  const base = { ...headers, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', 'X-Robots-Tag': 'noindex' };
  const notFound = () => {
    const body = Buffer.from('not found\n');
    res.writeHead(404, { ...base, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...base, Allow: 'GET, HEAD', 'Content-Length': 0 });
    return res.end();
  }
  let urlPath;
  try {
    urlPath = new URL(req.url, 'http://localhost').pathname;
  } catch {
    return notFound();
  }
  if (!recDir || !isRecPath(urlPath)) return notFound();
  const found = lookup(recDir, urlPath.slice(PREFIX.length), now);
  if (!found) return notFound();
  const range = parseRange(req.headers.range, found.size);
  const common = {
    ...base,
    'Content-Type': 'video/mp4',
    'Content-Disposition': 'attachment; filename="counsel-recording.mp4"',
    'Accept-Ranges': 'bytes',
  };
  if (range === false) {
    res.writeHead(416, { ...common, 'Content-Range': `bytes */${found.size}`, 'Content-Length': 0 });
    return res.end();
  }
  const start = range ? range.start : 0;
  const end = range ? range.end : found.size - 1;
  const length = found.size === 0 ? 0 : end - start + 1;
  const head = range
    ? { ...common, 'Content-Range': `bytes ${start}-${end}/${found.size}`, 'Content-Length': length }
    : { ...common, 'Content-Length': length };
  if (req.method === 'HEAD' || length === 0) {
    res.writeHead(range ? 206 : 200, head);
    return res.end();
  }
  const stream = fs.createReadStream(found.file, { start, end, flags: fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW });
  stream.once('open', () => {
    res.writeHead(range ? 206 : 200, head);
    stream.pipe(res);
  });
  stream.once('error', () => {
    if (!res.headersSent) notFound();
    else res.destroy();
  });
  return undefined;
}

module.exports = { isRecPath, lookup, serve, parseRange };
