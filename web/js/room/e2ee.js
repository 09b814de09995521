// A room's end-to-end encryption as the page runs it: web/e2ee's session,
// started once the own participant id is known (in the waiting room, or when
// the session begins), fed the plugin's participant lists, and asked for a new key
// after the moderator removes someone. The key comes from the creating tab
// (moderator) or the link's #fragment (everyone else); the server never sees it.

import { E2EE } from '../e2ee.js';

// Whether `key` (a RoomKey, { raw, kid } from a fragment, null or { invalid }) can open the room.
export function keyUsable(key) {
  return !!key && !key.invalid;
}

// The session, or null when this browser cannot encrypt frames (the page then
// shows why and sends nothing). onChange(state): { code, kid, rotation, ... }.
export async function startRoomE2ee({ counsel, key, selfId, moderator, onChange }) {
  if (!E2EE.available || !keyUsable(key)) return null;
  return E2EE.start({
    key,
    selfId,
    role: moderator ? 'moderator' : 'participant',
    send: (text) => counsel.sendData(text),
    onChange,
    // A client's own link follows a rotation, so a reload still has the key;
    // the moderator's tab has no link in its address.
    updateUrl: !moderator,
  });
}

// The E2EE session of a seat `r` ({ selfId, moderator, counsel, crypto,
// cryptoStart }), started once per seat: in the waiting room already (its
// worker and key schedule take a while; nothing of it leaves the browser),
// else when the session starts. Kept across a new connection (its keys,
// rotations and code stay): it always sends through the seat's current one.
// Resolves when r.crypto is set (null: this browser cannot encrypt).
// isCurrent(): the seat is still the page's; onCode(code): the short code changed.
export function startSeatE2ee(r, { key, isCurrent, onCode }) {
  if (!r.cryptoStart) {
    const selfId = r.selfId;
    r.cryptoStart = startRoomE2ee({
      counsel: { sendData: (text) => r.counsel.sendData(text) },
      key,
      selfId,
      moderator: r.moderator,
      onChange: (s) => isCurrent() && onCode(s.code),
    }).then((crypto) => {
      if (isCurrent() && r.selfId === selfId) {
        r.crypto = crypto;
        return crypto;
      }
      if (crypto) crypto.close();
      if (!isCurrent()) return null;
      // Admitted under another id than it waited with: again, for that one.
      r.cryptoStart = null;
      return startSeatE2ee(r, { key, isCurrent, onCode });
    });
  }
  return r.cryptoStart;
}

// After a removal: a new key for everyone else, wrapped for each of them.
export function rotateAfterRemoval(session, removedId) {
  if (!session) return;
  session.rotate({ exclude: [removedId] }).catch((err) => console.error('e2ee rotation failed', err));
}
