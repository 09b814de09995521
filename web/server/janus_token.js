'use strict';
// Janus's signed tokens (janus.jcfg: token_auth = true, token_auth_secret),
// minted by whoever holds the secret: the page's server (web/server/serve.js hands one
// to every page load in /config.json) and the booking CLI (scripts/counsel-room).
//
//   const { mintJanusToken, readTokenSecret } = require('./janus_token.js');
//   const token = mintJanusToken(secret, { ttlSeconds: 6 * 3600 });
//
// The format Janus 1.1 checks (src/auth.c): "<expiry>,janus,<plugin>[,...]:<sig>"
// with sig = base64(HMAC-SHA1(secret, "<expiry>,janus,<plugin>[,...]")) and
// expiry in unix seconds. Janus then refuses requests without a valid token
// (403) and attaching to any plugin the token does not name (405), so a token
// minted here opens janus.plugin.counsel and nothing else. It proves only that
// the holder loaded our page; who may enter which room stays the plugin's
// business (practitioner keys, personal links).

const crypto = require('node:crypto');
const fs = require('node:fs');

const COUNSEL = 'janus.plugin.counsel';
const MIN_SECRET_LENGTH = 32;
// A token must outlive the longest session: Janus checks it on every request,
// keep-alives included, and janus.js cannot swap it mid-session.
const DEFAULT_TTL_SECONDS = 6 * 3600;

function checkSecret(secret) {
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH || /[\s"\\]/.test(secret)) {
    throw new Error(`the Janus token secret must be at least ${MIN_SECRET_LENGTH} characters without blanks, quotes or backslashes`);
  }
  return secret;
}

function mintJanusToken(secret, { plugins = [COUNSEL], ttlSeconds = DEFAULT_TTL_SECONDS, now = Date.now() } = {}) {
  checkSecret(secret);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) throw new Error('ttlSeconds must be a positive integer');
  if (!Array.isArray(plugins) || plugins.some((p) => typeof p !== 'string' || !/^[a-z0-9._-]+$/.test(p))) {
    throw new Error('plugins must be Janus package names');
  }
  const data = [String(Math.floor(now / 1000) + ttlSeconds), 'janus', ...plugins].join(',');
  const signature = crypto.createHmac('sha1', secret).update(data).digest('base64');
  return `${data}:${signature}`;
}

// The secret from a file (one line; the same string as token_auth_secret in janus.jcfg).
function readTokenSecret(file) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the Janus token secret file ${file}: ${err.code || err.message}`);
  }
  return checkSecret(text.trim());
}

module.exports = { mintJanusToken, readTokenSecret, checkSecret, COUNSEL, DEFAULT_TTL_SECONDS, MIN_SECRET_LENGTH };
