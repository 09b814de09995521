// Node tests of keys.js (no browser; node's WebCrypto): room keys, the HKDF
// key schedule of README.md ("Key schedule") checked against node:crypto's
// own HKDF, the short code, and the key's fields in a link's #fragment.
//
//   node --test web/e2ee/keys.test.js

import assert from 'node:assert/strict';
import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { test } from 'node:test';

import { toB64u } from './bytes.js';
import {
  KEY_BYTES, authKey, chatKey, fragmentWithKey, frameKey, generateRoomKey, importRoomKey, keyFromParams, linkParams, shortCode,
} from './keys.js';

const RAW = Uint8Array.from({ length: KEY_BYTES }, (_, i) => i * 7 + 1);
const hkdf = (raw, info, bytes) => new Uint8Array(hkdfSync('sha256', raw, new Uint8Array(0), info, bytes));

test('a room key is 32 bytes with a key id 0..255; the bytes are copied', async () => {
  const input = new Uint8Array(RAW);
  const key = await importRoomKey(input, 3);
  input[0] ^= 0xff;
  assert.deepEqual(key.raw, RAW);
  assert.equal(key.kid, 3);
  assert.ok(Object.isFrozen(key));
  await assert.rejects(importRoomKey(RAW.subarray(1)), RangeError);
  await assert.rejects(importRoomKey(new Uint8Array(33)), RangeError);
  for (const kid of [-1, 256, 1.5, '1']) await assert.rejects(importRoomKey(RAW, kid), RangeError, String(kid));
  const fresh = await generateRoomKey();
  assert.equal(fresh.raw.length, KEY_BYTES);
  assert.equal(fresh.kid, 0);
  assert.notDeepEqual(fresh.raw, (await generateRoomKey()).raw);
});

test('the short code is HKDF(room key, "janus-counsel/sas/v1") as four words mod 10000', async () => {
  const bits = hkdf(RAW, 'janus-counsel/sas/v1', 16);
  const view = new DataView(bits.buffer);
  const want = [0, 1, 2, 3].map((i) => String(view.getUint32(i * 4) % 10000).padStart(4, '0')).join(' ');
  const code = await shortCode(await importRoomKey(RAW, 0));
  assert.match(code, /^\d{4} \d{4} \d{4} \d{4}$/);
  assert.equal(code, want);
  assert.equal(await shortCode(await importRoomKey(RAW, 9)), code, 'the key id is not part of the code');
  const flipped = new Uint8Array(RAW);
  flipped[31] ^= 1;
  assert.notEqual(await shortCode(await importRoomKey(flipped)), code, 'one flipped bit gives another code');
});

// Encrypts with node:crypto under HKDF(room key, info) and decrypts with the
// module's WebCrypto key: the same bytes only if the module derives exactly that key.
async function decryptsWithInfo(webKey, info) {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', hkdf(RAW, info, 32), iv);
  const body = Buffer.concat([cipher.update('frame'), cipher.final(), cipher.getAuthTag()]);
  try {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, webKey, body);
    return Buffer.from(plain).toString() === 'frame';
  } catch {
    return false;
  }
}

test('frame and chat keys are per key id and sender, with the info strings of the README', async () => {
  const key = await importRoomKey(RAW, 2);
  assert.ok(await decryptsWithInfo(await frameKey(key, 7), 'janus-counsel/frame/v1|2|7'));
  assert.ok(await decryptsWithInfo(await chatKey(key, 7), 'janus-counsel/chat/v1|2|7'));
  assert.ok(!(await decryptsWithInfo(await frameKey(key, 8), 'janus-counsel/frame/v1|2|7')), 'another sender');
  assert.ok(!(await decryptsWithInfo(await frameKey(await importRoomKey(RAW, 3), 7), 'janus-counsel/frame/v1|2|7')), 'another key id');
  assert.ok(!(await decryptsWithInfo(await chatKey(key, 7), 'janus-counsel/frame/v1|2|7')), 'chat is not frames');
});

test('the authentication key is HMAC-SHA-256 under HKDF(room key, "janus-counsel/auth/v1|<kid>")', async () => {
  const key = await importRoomKey(RAW, 4);
  const message = new TextEncoder().encode('rotate');
  const mac = await crypto.subtle.sign('HMAC', await authKey(key), message);
  const own = await crypto.subtle.importKey('raw', hkdf(RAW, 'janus-counsel/auth/v1|4', 32), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  assert.ok(await crypto.subtle.verify('HMAC', own, mac, message));
});

test('link fields: k (43 base64url characters) and kid only after a rotation; read back exactly', async () => {
  const first = await importRoomKey(RAW, 0);
  assert.deepEqual(linkParams(first), { k: toB64u(RAW) });
  assert.equal(linkParams(first).k.length, 43);
  const rotated = await importRoomKey(RAW, 12);
  assert.deepEqual(linkParams(rotated), { k: toB64u(RAW), kid: '12' });
  assert.deepEqual(keyFromParams(new URLSearchParams(linkParams(rotated))), { raw: RAW, kid: 12 });
  assert.deepEqual(keyFromParams(`#room=r&token=t&k=${toB64u(RAW)}`), { raw: RAW, kid: 0 });
  assert.equal(keyFromParams('#room=r&token=t'), null);
});

test('a key field that is not exactly a key is invalid, never a default', () => {
  const k = toB64u(RAW);
  const last = k.at(-1);
  const nonCanonical = k.slice(0, -1) + (last === 'A' ? 'B' : String.fromCharCode(last.charCodeAt(0) + 1));
  for (const hash of [
    '#kid=1',
    `#k=${k}&kid=256`,
    `#k=${k}&kid=007`,
    `#k=${k}&kid=-1`,
    `#k=${k}&kid=`,
    `#k=${k.slice(1)}`,
    `#k=${k}AAAA`,
    `#k=${k.slice(0, -1)}+`,
    `#k=${k}=`,
    `#k=${nonCanonical}`,
  ]) {
    assert.deepEqual(keyFromParams(hash), { invalid: true }, hash);
  }
  assert.deepEqual(keyFromParams(`#k=${k}&kid=0`), { raw: RAW, kid: 0 });
  assert.deepEqual(keyFromParams(`#k=${k}&kid=255`), { raw: RAW, kid: 255 });
});

test('fragmentWithKey replaces k and kid and keeps every other field', async () => {
  const old = await importRoomKey(new Uint8Array(KEY_BYTES).fill(9), 5);
  const hash = `#room=r1&token=t1&${new URLSearchParams(linkParams(old))}`;
  const next = await importRoomKey(RAW, 6);
  assert.equal(fragmentWithKey(hash, next), `#room=r1&token=t1&k=${toB64u(RAW)}&kid=6`);
  assert.equal(fragmentWithKey(hash, await importRoomKey(RAW, 0)), `#room=r1&token=t1&k=${toB64u(RAW)}`);
  assert.equal(fragmentWithKey('', next), `#k=${toB64u(RAW)}&kid=6`);
});
