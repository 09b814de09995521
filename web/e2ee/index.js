// janus-counsel end-to-end encryption for the web page (issue 6). ES module,
// no dependencies, no build step; see README.md in this folder for the
// formats and for how the page calls it.
//
//   import { E2EE } from '../e2ee/index.js';
//   E2EE.available                          // this browser can do it
//   const key = await E2EE.createRoomKey(); // practitioner, before building links
//   E2EE.linkParams()                       // { k } (+ kid) for the links' #fragment
//   E2EE.fromFragment(params)               // { raw, kid } | null | { invalid: true }
//   const s = await E2EE.start({ key, selfId, role, send, onChange });   // E2EESession

import { MAX_CHAT_BYTES } from './chat.js';
import { fragmentWithKey, generateRoomKey, importRoomKey, keyFromParams, linkParams, shortCode } from './keys.js';
import { MediaE2EE, detectMode } from './media.js';
import { E2EESession } from './session.js';

let created = null;

export const E2EE = {
  // True when this browser has WebCrypto and insertable streams
  // (RTCRtpScriptTransform or createEncodedStreams) in a secure context.
  available: !!(globalThis.isSecureContext !== false && globalThis.crypto && crypto.subtle && detectMode()),
  mode: detectMode(),
  MAX_CHAT_BYTES,

  // Practitioner: a new room key (kid 0), remembered for linkParams().
  async createRoomKey() {
    created = await generateRoomKey(0);
    return created;
  },

  // The fragment fields carrying `key` (default: the last createRoomKey()):
  // { k: '<43 base64url chars>' } and, after a rotation, { kid: '<n>' }.
  // No key: {} (a non-e2ee room).
  linkParams(key = created) {
    return key ? linkParams(key) : {};
  },

  forgetCreatedKey() {
    created = null;
  },

  // URLSearchParams (or a "#..." string) -> { raw, kid } | null | { invalid: true }.
  fromFragment(params) {
    return keyFromParams(params);
  },

  fragmentWithKey,
  shortCode,
  importRoomKey,
  generateRoomKey,

  // The session of this page (see session.js / README.md); also kept as E2EE.session.
  async start(options) {
    if (E2EE.session) E2EE.session.close();
    E2EE.session = null;
    E2EE.session = await E2EESession.start(options);
    return E2EE.session;
  },

  session: null,
};

export { E2EESession, MediaE2EE, detectMode };
