// The frame-transform worker (module worker, one per E2EE session): every
// RTCRtpScriptTransform of the page runs here. The main thread sends key
// messages (FrameCrypto.apply) and asks for counters; keys arrive as
// non-extractable CryptoKeys.
//
//   main -> worker  { t: 'self', id } | { t: 'key', kid, base } | { t: 'drop', kid }
//                   { t: 'send', kid } | { t: 'owners', tag, owners: [[slot, id], ...] }
//                   { t: 'stats', n } | { t: 'ping', n } | { t: 'reset' }
//                   { t: 'kick', slot }   (ask the sender of that receiver for a key frame)
//   worker -> main  { t: 'stats', n, stats } | { t: 'pong', n }
//   transform options: { op: 'encrypt' | 'decrypt', kind: 'audio' | 'video', slot }
//   (a slot: a receiver's mid, after its PeerConnection's prefix; web/e2ee/media.js)

import { FrameCrypto } from './frame.js';

const fc = new FrameCrypto();
const receivers = new Map(); // slot -> the receiver's transformer (for key frame requests)

self.addEventListener('message', (event) => {
  const msg = event.data || {};
  if (msg.t === 'stats') {
    self.postMessage({ t: 'stats', n: msg.n, stats: fc.snapshot() });
  } else if (msg.t === 'ping') {
    self.postMessage({ t: 'pong', n: msg.n });
  } else if (msg.t === 'kick') {
    const tr = receivers.get(String(msg.slot));
    if (tr && typeof tr.sendKeyFrameRequest === 'function') tr.sendKeyFrameRequest().catch(() => {});
  } else {
    fc.apply(msg);
  }
});

self.addEventListener('rtctransform', (event) => {
  const { readable, writable, options } = event.transformer;
  const { op, kind, slot } = options || {};
  if (op !== 'encrypt' && op !== 'decrypt') {
    // Not ours: pass nothing (fail closed).
    readable.cancel().catch(() => {});
    return;
  }
  if (op === 'decrypt' && kind === 'video' && slot !== null && slot !== undefined) receivers.set(String(slot), event.transformer);
  readable
    .pipeThrough(fc.transformStream(op, kind, () => slot))
    .pipeTo(writable)
    .catch(() => {});
});
