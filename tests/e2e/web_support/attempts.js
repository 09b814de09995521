'use strict';
// What a test does besides the page, over the Janus API (tests/support's
// client): here, spending a room's failed-attempt budget quickly so the page
// can show "too many attempts".

const crypto = require('node:crypto');

const { JanusConnection } = require('../../support/janus_client');

// Joins `room` with wrong passwords until the plugin answers 486 (at most `max`
// tries), using a fresh handle for every try. Spends the room's budget of wrong
// passwords (docs/api.md "Rate limits": tokens have none; a fresh handle each time,
// so no handle's own limit ends it first).
async function exhaustRoomAttempts(wsUrl, room, { max = 40, token } = {}) {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const conn = await JanusConnection.open(wsUrl, { token });
  try {
    const session = await conn.createSession();
    for (let i = 0; i < max; i += 1) {
      const handle = await session.attach();
      const password = Array.from(crypto.randomBytes(12), (b) => alphabet[b % alphabet.length]).join('');
      const answer = await handle.request({ request: 'join', room, password, display: 'x' });
      if (answer.error_code === 486) return i + 1;
      await handle.detach();
    }
    throw new Error(`no 486 after ${max} wrong passwords`);
  } finally {
    await conn.close();
  }
}

module.exports = { exhaustRoomAttempts };
