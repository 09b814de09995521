// Opening an invitee's link: before the pre-join screen, ask the plugin what
// a join with this link would get (`join` with `peek: true`: nobody is seated,
// the host is told nothing; docs/api.md "Requests", Opening a link). A link that cannot work
// ends here — wrong, ended, locked, or an e2ee room's link without its key —
// so the host never sees a knock that cannot work and nobody without the key
// ever receives the participant list.

import { ERR, EVENT, endKindForCode } from './protocol.js';
import { keyUsable } from './room/e2ee.js';

// Resolves { notice } to go on with, or { end: kind } to stop at.
export async function checkLink(connect, entry) {
  let counsel;
  try {
    counsel = await connect();
  } catch {
    return { end: 'unreachable' };
  }
  try {
    const { msg } = await counsel.request({ request: 'join', room: entry.room, token: entry.token, peek: true });
    if (msg.counsel !== EVENT.PEEK) return { end: 'error' };
    if (msg.e2ee && !keyUsable(entry.e2eeKey)) return { end: 'incomplete' };
    return { notice: msg.notice || null };
  } catch (err) {
    // 490: the link is open in another tab right now; the pre-join screen
    // may still be useful there (the other tab may be closed meanwhile).
    if (err && err.code === ERR.IN_USE) return { notice: null };
    return { end: endKindForCode(err && err.code) };
  } finally {
    counsel.close();
  }
}
