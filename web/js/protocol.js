// The plugin's words the page relies on (docs/api.md): the `counsel` field
// of its answers and events, and the error codes the page turns into
// sentences or screens. Every module compares against these names, so a
// renamed event is changed here once.

// `msg.counsel` of answers and events.
export const EVENT = Object.freeze({
  CREATED: 'created', // answer to create
  JOINED: 'joined', // answer to the moderator's join
  WAITING: 'waiting', // answer to anyone else's join: in the lobby ({ resume }: the seat's secret)
  PEEK: 'peek', // answer to a join with peek: what the join would get
  RESUMED: 'resumed', // answer to a join with `resume`: the same seat, straight back (room/reconnect.js)
  ADMITTED: 'admitted',
  DENIED: 'denied', // { final: bool }: see deniedFinal()
  REMOVED: 'removed',
  TIMEOUT: 'timeout', // waiting time over
  ENDED: 'ended', // { reason: 'moderator' | 'expired' | 'idle' }
  MESSAGE: 'message', // the moderator's message to a waiting person
  LOBBY: 'lobby', // moderator: who waits
  PARTICIPANTS: 'participants', // [{ id, display, role, muted, self_muted, phone, reconnecting }]
  MUTED: 'muted', // to the person the moderator muted
  PUBLISHED: 'published', // answer to publish
  MEDIA: 'media', // a plugin offer: the streams changed
  RECORDING: 'recording', // the recording indicator
  CONSENT_REQUEST: 'consent_request',
  ERROR: 'error',
});

// Phone dial-in (README "Phone dial-in"). A room created with { phone: true }
// answers `created` with phone: { number, room_number } and a `pin` in each
// invite; a caller is a lobby or participants entry with phone: true (shown as
// "Telefon <n>", never by their number). The moderator cannot write to a
// caller: the lobby's button plays the fixed spoken "please wait" instead.
export function isPhoneCaller(person) {
  return !!person && person.phone === true;
}

// What an invitee dials and keys, or null when the room has no dial-in.
export function dialIn(created, invite) {
  if (!created || !created.phone || !invite || !invite.pin) return null;
  return { number: created.phone.number, room: created.phone.room_number, pin: invite.pin };
}

export function waitPromptRequest(id) {
  return { request: 'prompt', id, prompt: 'wait' };
}

// Denying a waiting person. The host chooses between "not now" (the person
// may knock again with the same link) and "not at all" ({ ban: true }: the
// link or PIN is burned); the person's `denied` event says { final: true }
// after the latter, and the page ends on a sentence without "try again".
export function denyRequest(id, { ban = false } = {}) {
  return ban ? { request: 'deny', id, ban: true } : { request: 'deny', id };
}

export function deniedFinal(msg) {
  return !!msg && msg.final === true;
}

// Error codes (docs/api.md, "Errors") the page tells apart.
export const ERR = Object.freeze({
  INVALID: 481, // invalid value (also: a password that cannot be one)
  UNAUTHORIZED: 482, // wrong key, token or password
  ENDED: 483, // this session has ended
  SEAT_TAKEN: 484, // the moderator seat is taken
  LOCKED: 485,
  TOO_MANY: 486, // too many attempts
  NOT_ALLOWED: 487, // not for this role or state (create { phone: true }: no dial-in on this server)
  FULL: 489,
  IN_USE: 490, // the link is in use in another tab
});

// The end screen of a failed join, by error code (or 'connection' / 'timeout').
export function endKindForCode(code, { password = false, moderator = false } = {}) {
  switch (code) {
    case ERR.UNAUTHORIZED:
      return password ? 'passwordWrong' : 'invalid';
    case ERR.ENDED:
      return 'ended';
    case ERR.SEAT_TAKEN:
      return moderator ? 'seatTaken' : 'invalid';
    case ERR.LOCKED:
      return 'locked';
    case ERR.TOO_MANY:
      return 'tooMany';
    case ERR.FULL:
      return 'full';
    case ERR.IN_USE:
      return 'inUse';
    case 'connection':
    case 'timeout':
      return 'unreachable';
    default:
      return 'error';
  }
}
