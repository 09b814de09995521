// Chat text in e2ee rooms: AES-256-GCM with the sender's chat key
// (HKDF info "janus-counsel/chat/v1|<kid>|<sender id>"), a random 96-bit IV.
//
//   {"e2ee":"chat","v":1,"kid":<kid>,"iv":"<12 bytes b64u>","ct":"<ciphertext+tag b64u>"}
//
// AAD: "janus-counsel/chat/v1|<kid>|<sender id>". The sender id is the
// `from` the plugin puts around relayed chat; a message relabelled with
// another sender does not decrypt.

import { fromB64u, fromUtf8, toB64u, utf8 } from './bytes.js';
import { chatKey } from './keys.js';

// The plugin relays at most 4096 bytes per message; this leaves room for the
// envelope and base64.
export const MAX_CHAT_BYTES = 3000;

const aad = (kid, id) => utf8(`janus-counsel/chat/v1|${kid}|${id}`);

export class ChatKeys {
  constructor() {
    this.cache = new Map(); // "kid:id" -> Promise<CryptoKey>
  }

  key(roomKey, id) {
    const name = `${roomKey.kid}:${id}`;
    let k = this.cache.get(name);
    if (!k) {
      k = chatKey(roomKey, id);
      this.cache.set(name, k);
    }
    return k;
  }

  forget(kid) {
    for (const name of [...this.cache.keys()]) if (name.startsWith(`${kid}:`)) this.cache.delete(name);
  }
}

// -> the JSON text to send over the data channel.
export async function encryptChat(keys, roomKey, selfId, text) {
  if (typeof text !== 'string') throw new TypeError('chat text must be a string');
  const pt = utf8(text);
  if (pt.length > MAX_CHAT_BYTES) throw new RangeError(`chat text longer than ${MAX_CHAT_BYTES} bytes`);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: aad(roomKey.kid, selfId) },
    await keys.key(roomKey, selfId),
    pt,
  );
  return JSON.stringify({ e2ee: 'chat', v: 1, kid: roomKey.kid, iv: toB64u(iv), ct: toB64u(ct) });
}

// msg: a parsed {"e2ee":"chat"} object; roomKeyOf(kid) -> RoomKey | undefined.
// -> the text; throws Error with .reason 'malformed' | 'noKey' | 'auth'.
export async function decryptChat(keys, roomKeyOf, from, msg) {
  const fail = (reason) => Object.assign(new Error(`chat: ${reason}`), { reason });
  if (msg.v !== 1 || !Number.isInteger(msg.kid)) throw fail('malformed');
  let iv;
  let ct;
  try {
    iv = fromB64u(msg.iv, 12);
    ct = fromB64u(msg.ct);
  } catch {
    throw fail('malformed');
  }
  const roomKey = roomKeyOf(msg.kid);
  if (!roomKey) throw fail('noKey');
  let pt;
  try {
    pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: aad(msg.kid, from) }, await keys.key(roomKey, from), ct);
  } catch {
    throw fail('auth');
  }
  try {
    return fromUtf8(new Uint8Array(pt));
  } catch {
    throw fail('malformed');
  }
}
