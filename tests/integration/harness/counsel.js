'use strict';
// The vocabulary of the counsel tests: a World (one Janus per test file and the
// people connected to it: tests/support/world.js) with room set-up and lobby
// steps, and exact assertions.

const assert = require('node:assert/strict');

const { sleep } = require('../../support/util');
const support = require('../../support/world');

const TOKEN_RE = /^[A-Za-z0-9_-]{22}$/;
const PASSWORD_RE = /^[A-Za-z0-9]{12}$/;
const MAX_ID = 2 ** 53;

// Asserts that `data` is the plugin error `code`.
function assertError(data, code, what = '') {
  assert.equal(data && data.counsel, 'error', `${what} expected error ${code}, got ${JSON.stringify(data)}`);
  assert.equal(data.error_code, code, `${what} expected error ${code}, got ${JSON.stringify(data)}`);
  assert.equal(typeof data.error, 'string', 'an error carries an `error` sentence');
}

function assertParticipantId(id) {
  assert.ok(Number.isSafeInteger(id) && id >= 1 && id < MAX_ID, `participant id in [1, 2^53): ${id}`);
}

// Asserts `data` is {counsel:"ok", request, ...fields}.
function assertOk(data, request, fields = {}) {
  assert.equal(data && data.counsel, 'ok', `expected ok for ${request}, got ${JSON.stringify(data)}`);
  assert.equal(data.request, request, `ok answer names its request: ${JSON.stringify(data)}`);
  for (const [k, v] of Object.entries(fields)) assert.deepEqual(data[k], v, `ok.${k}: ${JSON.stringify(data)}`);
}

// Waits `settleMs`, then returns the most recent `name` event the handle ever
// got (consumed or not; queued ones are dropped), or waits for one if none
// came yet. For "what does the moderator see now".
async function latestEvent(handle, name, { settleMs = 300, timeoutMs = 5000 } = {}) {
  await sleep(settleMs);
  handle.queue = handle.queue.filter((e) => !(e.data && e.data.counsel === name));
  const seen = handle.seen.filter((e) => e.data && e.data.counsel === name);
  if (seen.length > 0) return seen[seen.length - 1].data;
  return handle.nextEvent(name, timeoutMs);
}

// A credential of the same shape and alphabet as `real`, but not it: rotate
// everything but the last character (which may carry padding bits).
function wrongLike(real) {
  for (let shift = 1; shift < real.length - 1; shift += 1) {
    const body = real.slice(0, -1);
    const candidate = body.slice(shift) + body.slice(0, shift) + real.slice(-1);
    if (candidate !== real) return candidate;
  }
  throw new Error('cannot derive a wrong credential');
}

// The moderator's join on `handle` with the room's moderator token.
const joinModerator = (handle, ctx, display = 'Dr. Two') =>
  handle.request({ request: 'join', room: ctx.room, token: ctx.created.moderator_token, display });

const lobbyIds = (lobbyEvent) => lobbyEvent.waiting.map((w) => w.id).sort();
const participantIds = (event) => event.participants.map((p) => p.id).sort();

class World extends support.World {
  // One Janus with the counsel plugin on 127.0.0.1; options: Janus.start's (tests/support/janus.js).
  static start(options = {}) {
    return super.start({ janus: options });
  }

  createBody(body = {}) {
    return { request: 'create', practitioner_key: this.janus.practitionerKey, invitees: [{ label: 'Client A' }], ...body };
  }

  // Creates a room from a practitioner's own handle; asserts `created`.
  async create(body = {}) {
    const practitioner = await this.person();
    const created = await practitioner.request(this.createBody(body));
    assert.equal(created.counsel, 'created', `create: ${JSON.stringify(created)}`);
    return created;
  }

  // Creates a room and seats its moderator.
  async openRoom(body = {}, { display = 'Dr. Moderator' } = {}) {
    const created = await this.create(body);
    const moderator = await this.person();
    const joined = await moderator.request({ request: 'join', room: created.room, token: created.moderator_token, display });
    assert.equal(joined.counsel, 'joined', `moderator join: ${JSON.stringify(joined)}`);
    assert.equal(joined.role, 'moderator');
    return { created, room: created.room, moderator, joined, tokens: created.invites.map((i) => i.token) };
  }

  // A new person joins with a token (or { password }); returns {handle, answer}.
  async knock(room, credential, display = 'Client', { password = false } = {}) {
    const handle = await this.person();
    const body = { request: 'join', room, display };
    body[password ? 'password' : 'token'] = credential;
    const answer = await handle.request(body);
    return { handle, answer, id: answer.id, display };
  }

  // Knocks, asserts `waiting`, and waits until the moderator's lobby lists them.
  async enterLobby(ctx, credential, display = 'Client', options = {}) {
    const guest = await this.knock(ctx.room, credential, display, options);
    assert.equal(guest.answer.counsel, 'waiting', `join: ${JSON.stringify(guest.answer)}`);
    assertParticipantId(guest.answer.id);
    const lobby = await ctx.moderator.nextEvent(
      (d) => d && d.counsel === 'lobby' && d.waiting.some((w) => w.id === guest.id),
      5000,
    );
    guest.lobbyEvent = lobby;
    return guest;
  }

  // Admits a lobby member; returns their `admitted` event.
  async admit(ctx, guest) {
    const ok = await ctx.moderator.request({ request: 'admit', id: guest.id });
    assertOk(ok, 'admit', { id: guest.id });
    const admitted = await guest.handle.nextEvent('admitted', 5000);
    assert.equal(admitted.id, guest.id);
    return admitted;
  }

  // Knocks and gets admitted.
  async enterRoom(ctx, credential, display = 'Client', options = {}) {
    const guest = await this.enterLobby(ctx, credential, display, options);
    guest.admitted = await this.admit(ctx, guest);
    return guest;
  }
}

module.exports = {
  World, assertError, assertOk, assertParticipantId, latestEvent, joinModerator, wrongLike, lobbyIds, participantIds, TOKEN_RE, PASSWORD_RE, MAX_ID,
};
