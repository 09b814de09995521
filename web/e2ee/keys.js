// Room keys and everything derived from them (WebCrypto only).
//
// A room key is 32 random bytes made in the creating browser; it travels only
// in the personal links' #fragment (`k=<base64url>`, plus `kid=<n>` once it has
// been rotated). Every other key is HKDF-SHA-256 (empty salt) of the room key
// with a textual, '|'-separated `info` (README.md, "Key schedule"):
//
//   frame key of sender <id>   janus-counsel/frame/v1|<kid>|<id>   AES-256-GCM
//   chat key of sender <id>    janus-counsel/chat/v1|<kid>|<id>    AES-256-GCM
//   authentication key         janus-counsel/auth/v1|<kid>         HMAC-SHA-256
//   short authentication code  janus-counsel/sas/v1                128 bits -> 4 groups of 4 digits
//
// <kid> and <id> are written in decimal.

import { fromB64u, toB64u, utf8 } from './bytes.js';

export const KEY_BYTES = 32;
export const MAX_KID = 255;

const EMPTY = new Uint8Array(0);

export const INFO = {
  frame: (kid, id) => utf8(`janus-counsel/frame/v1|${kid}|${id}`),
  chat: (kid, id) => utf8(`janus-counsel/chat/v1|${kid}|${id}`),
  auth: (kid) => utf8(`janus-counsel/auth/v1|${kid}`),
  sas: () => utf8('janus-counsel/sas/v1'),
};

function checkKid(kid) {
  if (!Number.isInteger(kid) || kid < 0 || kid > MAX_KID) throw new RangeError('key id must be 0..255');
}

// { kid, raw, base }: raw bytes (for links and wrapping) and a non-extractable
// HKDF key (what everything is derived from; may be posted to a worker).
export async function importRoomKey(raw, kid = 0) {
  checkKid(kid);
  const bytes = raw instanceof Uint8Array ? raw : new Uint8Array(raw);
  if (bytes.length !== KEY_BYTES) throw new RangeError('a room key has 32 bytes');
  const copy = new Uint8Array(bytes);
  const base = await crypto.subtle.importKey('raw', copy, 'HKDF', false, ['deriveKey', 'deriveBits']);
  return Object.freeze({ kid, raw: copy, base });
}

// A fresh 256-bit room key from WebCrypto's generator.
export async function generateRoomKey(kid = 0) {
  const k = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt']);
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', k));
  return importRoomKey(raw, kid);
}

function hkdf(info) {
  return { name: 'HKDF', hash: 'SHA-256', salt: EMPTY, info };
}

export function deriveAesKey(base, info, usages = ['encrypt', 'decrypt']) {
  return crypto.subtle.deriveKey(hkdf(info), base, { name: 'AES-GCM', length: 256 }, false, usages);
}

export function deriveHmacKey(base, info) {
  return crypto.subtle.deriveKey(hkdf(info), base, { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, ['sign', 'verify']);
}

export async function deriveBits(base, info, bits) {
  return new Uint8Array(await crypto.subtle.deriveBits(hkdf(info), base, bits));
}

export const frameKey = (roomKey, senderId) => deriveAesKey(roomKey.base, INFO.frame(roomKey.kid, senderId));
export const chatKey = (roomKey, senderId) => deriveAesKey(roomKey.base, INFO.chat(roomKey.kid, senderId));
export const authKey = (roomKey) => deriveHmacKey(roomKey.base, INFO.auth(roomKey.kid));

// The short authentication code everybody with the same room key sees:
// "1234 5678 9012 3456" (four 32-bit words of HKDF output, each mod 10000).
export async function shortCode(roomKey) {
  const bits = await deriveBits(roomKey.base, INFO.sas(), 128);
  const view = new DataView(bits.buffer);
  const groups = [];
  for (let i = 0; i < 4; i += 1) groups.push(String(view.getUint32(i * 4) % 10000).padStart(4, '0'));
  return groups.join(' ');
}

// ---------------------------------------------------------------------------
// Links: the key in the #fragment, next to the page's own fields.

// Parameters to add to a link's fragment: { k } (and { kid } after a rotation).
export function linkParams(roomKey) {
  const p = { k: toB64u(roomKey.raw) };
  if (roomKey.kid !== 0) p.kid = String(roomKey.kid);
  return p;
}

// Reads the key from a fragment: `params` is a URLSearchParams, or a string
// such as location.hash ("#room=..&token=..&k=..").
// Returns { raw, kid } | null (no key in it) | { invalid: true }.
export function keyFromParams(params) {
  const p = typeof params === 'string' ? new URLSearchParams(params.replace(/^#/, '')) : params;
  const k = p.get('k');
  if (k === null) return p.has('kid') ? { invalid: true } : null;
  const kidText = p.get('kid');
  const kid = kidText === null ? 0 : /^(0|[1-9][0-9]{0,2})$/.test(kidText) ? Number(kidText) : -1;
  if (kid < 0 || kid > MAX_KID) return { invalid: true };
  try {
    return { raw: fromB64u(k, KEY_BYTES), kid };
  } catch {
    return { invalid: true };
  }
}

// `hash` ("#room=..&token=..&k=..") with the key replaced by `roomKey`;
// every other field is kept as it was.
export function fragmentWithKey(hash, roomKey) {
  const p = new URLSearchParams(String(hash || '').replace(/^#/, ''));
  p.delete('k');
  p.delete('kid');
  for (const [name, value] of Object.entries(linkParams(roomKey))) p.set(name, value);
  return `#${p.toString()}`;
}
