// The key-rotation messages (README.md, "Key rotation"): ECDH P-256 public
// keys authenticated with HMAC-SHA-256 under the current room key, and new
// room keys wrapped per recipient. Pure crypto; the policy (who gets what,
// when) is in session.js.
//
//   pub    {"e2ee":"pub","v":1,"kid":K,"pub":"<65-byte P-256 point>","mac":"..."}
//          mac = HMAC(auth_K, "janus-counsel/pub/v1|<from>|<K>|<pub>")
//   rekey  {"e2ee":"rekey","v":1,"kid":N,"auth_kid":K,"epk":"<moderator's ephemeral point>",
//           "wraps":[{"to":<id>,"rpk":"<8-byte id of the recipient's point>","iv":"..","ct":".."}],"mac":".."}
//          mac = HMAC(auth_K, "janus-counsel/rekey/v1|<from>|<N>|<K>|<epk>|<to>,<rpk>,<iv>,<ct>;...")
//          ct  = AES-256-GCM(wrap key, iv, new room key (32 bytes), AAD "janus-counsel/wrap/v1|<from>|<to>|<N>")
//          wrap key = HKDF-SHA-256(ECDH(epk, recipient point), salt empty,
//                     info "janus-counsel/wrap/v1|<from>|<to>|<N>|<epk>|<recipient point>")
//   ack    {"e2ee":"ack","v":1,"kid":N,"mac":".."}   mac = HMAC(auth_N, "janus-counsel/ack/v1|<from>|<N>")
//   hello  {"e2ee":"hello","v":1}                    (please announce your pub again)
//
// <from> is the participant id the plugin stamps on relayed data; points and
// MACs are base64url.

import { fromB64u, isParticipantId, toB64u, utf8 } from './bytes.js';
import { KEY_BYTES, MAX_KID, authKey } from './keys.js';

export const MAX_WRAPS_PER_MESSAGE = 20;

const ECDH = { name: 'ECDH', namedCurve: 'P-256' };

export class ExchangeError extends Error {
  constructor(reason, detail) {
    super(`e2ee ${reason}${detail ? `: ${detail}` : ''}`);
    this.reason = reason;
  }
}

const isKid = (k) => Number.isInteger(k) && k >= 0 && k <= MAX_KID;

// 8 bytes of SHA-256 of a raw point, base64url: names a recipient's key pair.
export async function pointId(pubRaw) {
  const h = new Uint8Array(await crypto.subtle.digest('SHA-256', pubRaw));
  return toB64u(h.subarray(0, 8));
}

// An ephemeral ECDH key pair: { priv, pubRaw, pub, rpk } (priv non-extractable).
export async function newKeyPair() {
  const kp = await crypto.subtle.generateKey(ECDH, false, ['deriveBits']);
  const pubRaw = new Uint8Array(await crypto.subtle.exportKey('raw', kp.publicKey));
  return { priv: kp.privateKey, pubRaw, pub: toB64u(pubRaw), rpk: await pointId(pubRaw) };
}

async function hmac(roomKey, text) {
  return new Uint8Array(await crypto.subtle.sign('HMAC', await authKey(roomKey), utf8(text)));
}

async function hmacOk(roomKey, text, macB64) {
  let mac;
  try {
    mac = fromB64u(macB64, 32);
  } catch {
    return false;
  }
  return crypto.subtle.verify('HMAC', await authKey(roomKey), mac, utf8(text));
}

// --- pub -------------------------------------------------------------------

const pubText = (from, kid, pub) => `janus-counsel/pub/v1|${from}|${kid}|${pub}`;

export async function makePub(roomKey, selfId, pair) {
  return { e2ee: 'pub', v: 1, kid: roomKey.kid, pub: pair.pub, mac: toB64u(await hmac(roomKey, pubText(selfId, roomKey.kid, pair.pub))) };
}

// -> { kid, pubRaw, pub, rpk }; throws ExchangeError 'malformed' | 'unknown-kid' | 'bad-mac'.
export async function verifyPub(roomKeyOf, from, msg) {
  if (msg.v !== 1 || !isKid(msg.kid) || typeof msg.pub !== 'string' || typeof msg.mac !== 'string' || !isParticipantId(from)) {
    throw new ExchangeError('malformed', 'pub');
  }
  let pubRaw;
  try {
    pubRaw = fromB64u(msg.pub, 65);
    await crypto.subtle.importKey('raw', pubRaw, ECDH, true, []);
  } catch {
    throw new ExchangeError('malformed', 'pub point');
  }
  const roomKey = roomKeyOf(msg.kid);
  if (!roomKey) throw new ExchangeError('unknown-kid', `pub under key ${msg.kid}`);
  if (!(await hmacOk(roomKey, pubText(from, msg.kid, msg.pub), msg.mac))) throw new ExchangeError('bad-mac', `pub from ${from}`);
  return { kid: msg.kid, pubRaw, pub: msg.pub, rpk: await pointId(pubRaw) };
}

// --- rekey -----------------------------------------------------------------

const rekeyText = (from, m) =>
  `janus-counsel/rekey/v1|${from}|${m.kid}|${m.auth_kid}|${m.epk}|${m.wraps.map((w) => `${w.to},${w.rpk},${w.iv},${w.ct}`).join(';')}`;
const wrapAad = (from, to, kid) => utf8(`janus-counsel/wrap/v1|${from}|${to}|${kid}`);
const wrapInfo = (from, to, kid, epk, rpub) => utf8(`janus-counsel/wrap/v1|${from}|${to}|${kid}|${epk}|${rpub}`);

async function wrapKey(priv, peerRaw, info) {
  const peer = await crypto.subtle.importKey('raw', peerRaw, ECDH, true, []);
  const shared = await crypto.subtle.deriveBits({ name: 'ECDH', public: peer }, priv, 256);
  const base = await crypto.subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

// Rekey messages giving `newKey` to `recipients` ([{ id, pubRaw, pub, rpk }]),
// authenticated under `authRoomKey` (the key those recipients hold now).
// One message per MAX_WRAPS_PER_MESSAGE recipients (the data channel carries
// at most 4096 bytes).
export async function makeRekey(authRoomKey, fromId, newKey, recipients) {
  const eph = await newKeyPair();
  const wraps = [];
  for (const r of recipients) {
    const k = await wrapKey(eph.priv, r.pubRaw, wrapInfo(fromId, r.id, newKey.kid, eph.pub, r.pub));
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: wrapAad(fromId, r.id, newKey.kid) }, k, newKey.raw);
    wraps.push({ to: r.id, rpk: r.rpk, iv: toB64u(iv), ct: toB64u(ct) });
  }
  const out = [];
  for (let i = 0; i === 0 || i < wraps.length; i += MAX_WRAPS_PER_MESSAGE) {
    const m = { e2ee: 'rekey', v: 1, kid: newKey.kid, auth_kid: authRoomKey.kid, epk: eph.pub, wraps: wraps.slice(i, i + MAX_WRAPS_PER_MESSAGE) };
    m.mac = toB64u(await hmac(authRoomKey, rekeyText(fromId, m)));
    out.push(m);
  }
  return out;
}

export function checkRekeyShape(msg) {
  const ok =
    msg.v === 1 &&
    isKid(msg.kid) &&
    isKid(msg.auth_kid) &&
    typeof msg.epk === 'string' &&
    typeof msg.mac === 'string' &&
    Array.isArray(msg.wraps) &&
    msg.wraps.length <= MAX_WRAPS_PER_MESSAGE &&
    msg.wraps.every(
      (w) => w && isParticipantId(w.to) && typeof w.rpk === 'string' && typeof w.iv === 'string' && typeof w.ct === 'string',
    );
  if (!ok) throw new ExchangeError('malformed', 'rekey');
}

// Verifies the MAC of a rekey from `from` under `authRoomKey`.
export async function verifyRekey(authRoomKey, from, msg) {
  checkRekeyShape(msg);
  if (!(await hmacOk(authRoomKey, rekeyText(from, msg), msg.mac))) throw new ExchangeError('bad-mac', `rekey from ${from}`);
}

// Unwraps the new room key of `wrap` (addressed to `selfId`) with `pair`
// (the key pair whose rpk it names) -> 32 raw bytes; throws 'unwrap'.
export async function unwrap(msg, from, selfId, wrap, pair) {
  try {
    const epkRaw = fromB64u(msg.epk, 65);
    const k = await wrapKey(pair.priv, epkRaw, wrapInfo(from, selfId, msg.kid, msg.epk, pair.pub));
    const raw = new Uint8Array(
      await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromB64u(wrap.iv, 12), additionalData: wrapAad(from, selfId, msg.kid) }, k, fromB64u(wrap.ct)),
    );
    if (raw.length !== KEY_BYTES) throw new Error('length');
    return raw;
  } catch {
    throw new ExchangeError('unwrap', `rekey to ${selfId}`);
  }
}

// --- ack -------------------------------------------------------------------

const ackText = (from, kid) => `janus-counsel/ack/v1|${from}|${kid}`;

export async function makeAck(roomKey, selfId) {
  return { e2ee: 'ack', v: 1, kid: roomKey.kid, mac: toB64u(await hmac(roomKey, ackText(selfId, roomKey.kid))) };
}

export async function verifyAck(roomKeyOf, from, msg) {
  if (msg.v !== 1 || !isKid(msg.kid) || typeof msg.mac !== 'string') throw new ExchangeError('malformed', 'ack');
  const roomKey = roomKeyOf(msg.kid);
  if (!roomKey) throw new ExchangeError('unknown-kid', `ack of key ${msg.kid}`);
  if (!(await hmacOk(roomKey, ackText(from, msg.kid), msg.mac))) throw new ExchangeError('bad-mac', `ack from ${from}`);
  return msg.kid;
}

// For tests (a removed person re-MACing a captured rekey).
export const _internal = { rekeyText };
