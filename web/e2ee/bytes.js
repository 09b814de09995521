// Byte helpers shared by the E2EE modules (main thread and worker): base64url
// without padding, UTF-8, concatenation. No dependencies.

const ENC = new TextEncoder();
const DEC = new TextDecoder('utf-8', { fatal: true });

export function utf8(text) {
  return ENC.encode(text);
}

// Throws a TypeError on invalid UTF-8.
export function fromUtf8(bytes) {
  return DEC.decode(bytes);
}

export function toB64u(bytes) {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let bin = '';
  for (let i = 0; i < b.length; i += 0x8000) bin += String.fromCharCode.apply(null, b.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const B64U = /^[A-Za-z0-9_-]*$/;

// Strict base64url (no padding, no other characters); throws on anything else.
// `length`, if given, is the exact number of bytes expected.
export function fromB64u(text, length) {
  if (typeof text !== 'string' || !B64U.test(text) || text.length % 4 === 1) throw new TypeError('not base64url');
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i += 1) out[i] = bin.charCodeAt(i);
  if (length !== undefined && out.length !== length) throw new TypeError(`expected ${length} bytes`);
  // Canonical form only (no stray bits in the last character).
  if (toB64u(out) !== text) throw new TypeError('not canonical base64url');
  return out;
}

export function concat(...parts) {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i += 1) d |= a[i] ^ b[i];
  return d === 0;
}

// A participant id as the plugin sends it: an integer in [1, 2^53).
export function isParticipantId(id) {
  return Number.isSafeInteger(id) && id >= 1;
}
