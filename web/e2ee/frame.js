// The frame format and the per-frame crypto (runs in the transform worker, or
// on the main thread in the createEncodedStreams fallback). No DOM use.
//
//   encrypted frame = clear ‖ body
//   body            = ciphertext ‖ tag(16) ‖ IV(12) ‖ kid(1) ‖ 0xE1
//                     (H.264: the body is escaped with emulation-prevention bytes)
//   IV              = salt(4, random per sender and key) ‖ counter(8, big-endian)
//   AES-256-GCM, key = the sender's frame key for `kid`, AAD = the clear bytes
//                     (H.264: the clear NAL units with 4-byte start codes)
//
// Clear bytes (what the SFU and the receiving depacketizer must read):
//   VP8    10 bytes of a key frame (frame tag, start code, size), 3 of a delta frame
//   H.264  everything up to the first slice NAL unit (type 1 or 5), its header
//          and 3 bytes of the slice header (first_mb_in_slice, slice_type,
//          pic_parameter_set_id); needs packetization-mode=1
//   Opus   1 byte (TOC); any other audio codec: 1 byte; other video codecs: 1 byte
//
// A frame that does not decrypt is dropped and counted, never passed on.

import { frameKey } from './keys.js';

export const MARKER = 0xe1;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
export const TRAILER_BYTES = IV_BYTES + 2;
export const H264_SLICE_CLEAR = 3;

// ---------------------------------------------------------------------------
// Codecs and clear bytes

export function codecOf(mimeType, kind) {
  const m = String(mimeType || '').toLowerCase();
  if (m === 'video/vp8') return 'vp8';
  if (m === 'video/h264') return 'h264';
  if (m === 'audio/opus') return 'opus';
  if (m.startsWith('audio/')) return 'audio';
  if (m.startsWith('video/')) return 'video';
  return kind === 'audio' ? 'audio' : 'video';
}

// Annex B NAL units of `data` (up to `end`): [{ start, header, end }] where
// `start` is the first byte of the start code (leading zeros included),
// `header` the NAL header byte and `end` the end of the unit (trailing zero
// bytes before the next start code excluded).
export function nalUnits(data, end = data.length) {
  const units = [];
  let i = 0;
  while (i + 2 < end) {
    if (data[i] === 0 && data[i + 1] === 0 && data[i + 2] === 1) {
      let start = i;
      const floor = units.length ? units[units.length - 1].header + 1 : 0;
      while (start > floor && data[start - 1] === 0) start -= 1;
      if (units.length) units[units.length - 1].end = start;
      units.push({ start, header: i + 3, end });
      i += 3;
    } else {
      i += 1;
    }
  }
  return units.filter((u) => u.header < end);
}

export function h264ClearBytes(data) {
  const units = nalUnits(data);
  for (const u of units) {
    const type = data[u.header] & 0x1f;
    if (type === 1 || type === 5) return Math.min(data.length, u.header + 1 + H264_SLICE_CLEAR);
  }
  // No slice: keep the first NAL header readable (if there is one).
  return units.length ? Math.min(data.length, units[0].header + 1) : 0;
}

export function clearBytes(codec, data) {
  if (data.length === 0) return 0;
  switch (codec) {
    case 'vp8':
      return Math.min(data.length, (data[0] & 1) === 0 ? 10 : 3);
    case 'h264':
      return h264ClearBytes(data);
    default:
      return 1;
  }
}

// The AAD of an H.264 frame: its clear NAL units, each behind a 4-byte start
// code, so a depacketizer that rewrites start codes does not break it.
function h264Aad(clear) {
  const units = nalUnits(clear);
  if (units.length === 0) return clear;
  const prefix = clear.subarray(0, units[0].start);
  let n = prefix.length;
  for (const u of units) n += 4 + (u.end - u.header);
  const out = new Uint8Array(n);
  out.set(prefix, 0);
  let o = prefix.length;
  for (const u of units) {
    out.set([0, 0, 0, 1], o);
    out.set(clear.subarray(u.header, u.end), o + 4);
    o += 4 + (u.end - u.header);
  }
  return out;
}

function trailingZeros(bytes) {
  let z = 0;
  for (let i = bytes.length - 1; i >= 0 && bytes[i] === 0 && z < 2; i -= 1) z += 1;
  return z;
}

// Emulation prevention (H.264 7.4.1): after two zero bytes a byte <= 3 gets a
// 0x03 in front, so no start code can appear in the escaped bytes.
// `zeros`: how many zero bytes come right before them (0..2).
export function escapeEp(bytes, zeros = 0) {
  let extra = 0;
  let z = zeros;
  for (let i = 0; i < bytes.length; i += 1) {
    const b = bytes[i];
    if (z >= 2 && b <= 3) {
      extra += 1;
      z = 0;
    }
    z = b === 0 ? z + 1 : 0;
  }
  if (extra === 0) return bytes;
  const out = new Uint8Array(bytes.length + extra);
  let o = 0;
  z = zeros;
  for (let i = 0; i < bytes.length; i += 1) {
    const b = bytes[i];
    if (z >= 2 && b <= 3) {
      out[o++] = 3;
      z = 0;
    }
    out[o++] = b;
    z = b === 0 ? z + 1 : 0;
  }
  return out;
}

export function unescapeEp(bytes, zeros = 0) {
  const out = new Uint8Array(bytes.length);
  let o = 0;
  let z = zeros;
  for (let i = 0; i < bytes.length; i += 1) {
    const b = bytes[i];
    if (z >= 2 && b === 3) {
      z = 0;
      continue;
    }
    out[o++] = b;
    z = b === 0 ? z + 1 : 0;
  }
  return o === bytes.length ? out : out.subarray(0, o);
}

// ---------------------------------------------------------------------------
// One frame, given a key

// Encrypts `data` (Uint8Array) for `codec` with `key` (AES-GCM CryptoKey),
// `iv` (12 bytes) and key id `kid`.
export async function sealFrame(data, codec, key, iv, kid) {
  const n = clearBytes(codec, data);
  const clear = data.subarray(0, n);
  const aad = codec === 'h264' ? h264Aad(clear) : clear;
  const ct = new Uint8Array(
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad, tagLength: 128 }, key, data.subarray(n)),
  );
  let body = new Uint8Array(ct.length + TRAILER_BYTES);
  body.set(ct, 0);
  body.set(iv, ct.length);
  body[body.length - 2] = kid;
  body[body.length - 1] = MARKER;
  if (codec === 'h264') body = escapeEp(body, trailingZeros(clear));
  const out = new Uint8Array(n + body.length);
  out.set(clear, 0);
  out.set(body, n);
  return out;
}

// Splits an encrypted frame: { clear, aad, ct, iv, kid } or { error } with
// error 'unencrypted' (no marker) or 'malformed' (too short).
export function parseFrame(data, codec) {
  const n = clearBytes(codec, data);
  const clear = data.subarray(0, n);
  let body = data.subarray(n);
  if (codec === 'h264') body = unescapeEp(body, trailingZeros(clear));
  if (body.length === 0 || body[body.length - 1] !== MARKER) return { error: 'unencrypted' };
  if (body.length < TRAILER_BYTES + TAG_BYTES) return { error: 'malformed' };
  const ivAt = body.length - TRAILER_BYTES;
  return {
    clear,
    aad: codec === 'h264' ? h264Aad(clear) : clear,
    ct: body.subarray(0, ivAt),
    iv: body.subarray(ivAt, ivAt + IV_BYTES),
    kid: body[body.length - 2],
  };
}

// Decrypts a parsed frame with `key`; throws (OperationError) when it does not authenticate.
export async function openFrame(parsed, key) {
  const pt = new Uint8Array(
    await crypto.subtle.decrypt({ name: 'AES-GCM', iv: parsed.iv, additionalData: parsed.aad, tagLength: 128 }, key, parsed.ct),
  );
  const out = new Uint8Array(parsed.clear.length + pt.length);
  out.set(parsed.clear, 0);
  out.set(pt, parsed.clear.length);
  return out;
}

// ---------------------------------------------------------------------------
// The per-page frame crypto: keys by id, the own send state, who sends on
// which receiver slot (mid), and counters.

function newStats() {
  return {
    encrypted: 0,
    decrypted: 0,
    empty: 0,
    sendDropped: 0, // frames not sent because no key was set (never sent in clear)
    failed: { auth: 0, noKey: 0, unknownSender: 0, unencrypted: 0, malformed: 0 },
    failedTotal: 0,
    sentKids: {}, // kid -> frames encrypted with it
    receivedKids: {}, // kid -> frames decrypted with it
    slots: {}, // slot (mid) -> { decrypted, failed, sender }
    codecs: {}, // codec -> frames seen
  };
}

// A slot's PeerConnection prefix ("2/" of "2/3"; '' for a bare mid).
function slotTag(slot) {
  const i = slot.indexOf('/');
  return i < 0 ? '' : slot.slice(0, i + 1);
}

export class FrameCrypto {
  constructor() {
    this.selfId = null;
    this.keys = new Map(); // kid -> { kid, base }
    this.sendKid = null;
    this.sendStates = new Map(); // kid -> Promise<{ key, salt, counter }>
    this.recvKeys = new Map(); // "kid:id" -> Promise<CryptoKey>
    this.owners = new Map(); // slot -> participant id
    this.stats = newStats();
  }

  // Key messages, the same from the main thread and through the worker.
  apply(msg) {
    switch (msg.t) {
      case 'self':
        if (this.selfId !== msg.id) {
          this.selfId = msg.id;
          this.sendStates.clear();
        }
        break;
      case 'key':
        this.keys.set(msg.kid, { kid: msg.kid, base: msg.base });
        this._forget(msg.kid);
        break;
      case 'drop':
        this.keys.delete(msg.kid);
        this._forget(msg.kid);
        if (this.sendKid === msg.kid) this.sendKid = null;
        break;
      case 'send':
        this.sendKid = msg.kid;
        break;
      case 'owners': {
        // One PeerConnection's slots (those with its prefix) are replaced.
        const tag = msg.tag || '';
        for (const slot of [...this.owners.keys()]) if (slotTag(slot) === tag) this.owners.delete(slot);
        for (const [slot, id] of msg.owners) this.owners.set(String(slot), id);
        break;
      }
      case 'reset':
        this.stats = newStats();
        break;
      default:
        break;
    }
  }

  _forget(kid) {
    this.sendStates.delete(kid);
    for (const k of [...this.recvKeys.keys()]) if (k.startsWith(`${kid}:`)) this.recvKeys.delete(k);
  }

  _sendState(kid) {
    let st = this.sendStates.get(kid);
    if (!st) {
      const key = this.keys.get(kid);
      const salt = crypto.getRandomValues(new Uint8Array(4));
      st = frameKey(key, this.selfId).then((k) => ({ key: k, salt, counter: 0 }));
      this.sendStates.set(kid, st);
    }
    return st;
  }

  _recvKey(kid, id) {
    const name = `${kid}:${id}`;
    let k = this.recvKeys.get(name);
    if (!k) {
      k = frameKey(this.keys.get(kid), id);
      this.recvKeys.set(name, k);
    }
    return k;
  }

  // The next IV of key `kid` (synchronous: unique even with concurrent frames).
  static nextIv(st) {
    const iv = new Uint8Array(IV_BYTES);
    iv.set(st.salt, 0);
    const c = st.counter;
    st.counter += 1;
    const view = new DataView(iv.buffer);
    view.setUint32(4, Math.floor(c / 0x100000000));
    view.setUint32(8, c >>> 0);
    return iv;
  }

  // Uint8Array -> Uint8Array | null (drop the frame).
  async encrypt(data, codec) {
    const kid = this.sendKid;
    if (kid === null || !this.keys.has(kid) || this.selfId === null) {
      this.stats.sendDropped += 1;
      return null;
    }
    const st = await this._sendState(kid);
    const out = await sealFrame(data, codec, st.key, FrameCrypto.nextIv(st), kid);
    this.stats.encrypted += 1;
    this.stats.sentKids[kid] = (this.stats.sentKids[kid] || 0) + 1;
    return out;
  }

  _fail(slot, why) {
    this.stats.failed[why] += 1;
    this.stats.failedTotal += 1;
    if (slot !== undefined) this._slot(slot).failed += 1;
    return null;
  }

  _slot(slot) {
    const s = (this.stats.slots[slot] ||= { decrypted: 0, failed: 0, sender: null });
    return s;
  }

  async decrypt(data, codec, slot) {
    const sender = this.owners.get(String(slot));
    if (sender === undefined) return this._fail(slot, 'unknownSender');
    this._slot(slot).sender = sender;
    const parsed = parseFrame(data, codec);
    if (parsed.error) return this._fail(slot, parsed.error);
    if (!this.keys.has(parsed.kid)) return this._fail(slot, 'noKey');
    try {
      const out = await openFrame(parsed, await this._recvKey(parsed.kid, sender));
      this.stats.decrypted += 1;
      this.stats.receivedKids[parsed.kid] = (this.stats.receivedKids[parsed.kid] || 0) + 1;
      this._slot(slot).decrypted += 1;
      return out;
    } catch {
      return this._fail(slot, 'auth');
    }
  }

  // An RTCEncodedVideoFrame/RTCEncodedAudioFrame: true if it is to be passed on.
  async transformFrame(frame, op, kind, slot) {
    const data = new Uint8Array(frame.data);
    if (data.length === 0) {
      this.stats.empty += 1;
      return true;
    }
    let codec;
    try {
      codec = codecOf(frame.getMetadata().mimeType, kind);
    } catch {
      codec = codecOf('', kind);
    }
    this.stats.codecs[codec] = (this.stats.codecs[codec] || 0) + 1;
    let out = null;
    try {
      out = op === 'encrypt' ? await this.encrypt(data, codec) : await this.decrypt(data, codec, slot);
    } catch {
      if (op === 'encrypt') this.stats.sendDropped += 1;
      else this._fail(slot, 'malformed');
      out = null;
    }
    if (!out) return false;
    frame.data = out.byteOffset === 0 && out.byteLength === out.buffer.byteLength ? out.buffer : out.slice().buffer;
    return true;
  }

  // A TransformStream for the frames of one sender or receiver.
  // `slot` is the receiver's mid (a function, read per frame).
  transformStream(op, kind, slot = () => undefined) {
    return new TransformStream({
      transform: async (frame, controller) => {
        if (await this.transformFrame(frame, op, kind, slot())) controller.enqueue(frame);
      },
    });
  }

  snapshot() {
    return JSON.parse(JSON.stringify({ ...this.stats, sendKid: this.sendKid, kids: [...this.keys.keys()] }));
  }
}
