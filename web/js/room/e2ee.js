// A room's end-to-end encryption as the page runs it: web/e2ee's session,
// started when an e2ee room's session begins (the own participant id is
// known then), fed the plugin's participant lists, and asked for a new key
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

// After a removal: a new key for everyone else, wrapped for each of them.
export function rotateAfterRemoval(session, removedId) {
  if (!session) return;
  session.rotate({ exclude: [removedId] }).catch((err) => console.error('e2ee rotation failed', err));
}
