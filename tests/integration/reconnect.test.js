'use strict';
// Coming back after a network drop (docs/api.md, "Coming back after a
// network drop"): an admitted person whose WebSocket dies keeps their seat for
// reconnect_grace_s. Within Janus's reclaim_session_timeout their page claims
// the same Janus session and takes the seat back on the same handle; after it,
// Janus destroys the session and the page comes back on a new one with the
// token and its resume secret — straight into the room, no knock. After the
// grace window the seat is free and the link knocks again; a kicked person
// never comes back.

const assert = require('node:assert/strict');
const { test, after } = require('node:test');

const { World, assertError, assertOk, participantIds } = require('./harness/counsel');
const { claimSession, JanusError } = require('../support/janus_client');

const worlds = [];
after(async () => {
  await Promise.allSettled(worlds.map((w) => w.close()));
});

async function world(options) {
  const w = await World.start(options);
  worlds.push(w);
  return w;
}

// The WebSocket of `person` dies without a goodbye (as when the network goes).
function cut(person) {
  person.handle.conn.ws.terminate();
}

const entryOf = (event, id) => event.participants.find((p) => p.id === id);
const reconnectingIs = (id, flag) => (d) =>
  d && d.counsel === 'participants' && entryOf(d, id) && entryOf(d, id).reconnecting === flag;

function rejoin(handle, ctx, token, resume, display = 'Anna') {
  return handle.request({ request: 'join', room: ctx.room, token, display, resume });
}

test('a person whose Janus session is gone comes back with the token and the resume secret, straight into the room', async () => {
  // Janus drops a session 1 s after its WebSocket went: the plugin sees the handle go.
  const w = await world({ general: { reclaim_session_timeout: 1 } });
  const ctx = await w.openRoom({ invitees: [{ label: 'A' }] });
  const anna = await w.enterRoom(ctx, ctx.tokens[0], 'Anna');
  // The secret comes with `waiting` and stays valid after the admission.
  assert.match(anna.answer.resume, /^[A-Za-z0-9_-]{22}$/);
  assert.equal(anna.admitted.resume, undefined);
  assert.equal(anna.admitted.reconnect_grace_s, 60);
  ctx.moderator.drain();

  cut(anna);
  const away = await ctx.moderator.nextEvent(reconnectingIs(anna.id, true), 10000);
  assert.deepEqual(participantIds(away), [ctx.joined.id, anna.id].sort(), 'the seat is kept');
  // The host mutes her while she is away: it must reach her when she is back.
  assertOk(await ctx.moderator.request({ request: 'mute', id: anna.id, audio: true }), 'mute');

  const again = await w.person();
  const back = await rejoin(again, ctx, ctx.tokens[0], anna.answer.resume);
  assert.equal(back.counsel, 'resumed', JSON.stringify(back));
  assert.equal(back.id, anna.id);
  assert.equal(back.role, 'participant');
  assert.equal(back.same_connection, false);
  assert.notEqual(back.resume, anna.answer.resume, 'a new secret on every return');
  assert.deepEqual(entryOf(back, anna.id).muted, { audio: true, video: false });
  await ctx.moderator.nextEvent(reconnectingIs(anna.id, false), 5000);
  // No knock: the moderator's lobby never moved.
  await ctx.moderator.expectNoEvent('lobby', 300);
  // She is in the room on the new handle (media requests reach the core as an admitted person's).
  assertOk(await again.request({ request: 'configure', video_muted: true }), 'configure');
});

test('a page that reaches its Janus session again (claim) takes the seat back on the same handle', async () => {
  const w = await world({ general: { reclaim_session_timeout: 20 } });
  const ctx = await w.openRoom({ invitees: [{ label: 'A' }] });
  const anna = await w.enterRoom(ctx, ctx.tokens[0], 'Anna');
  cut(anna);
  // Events meanwhile go nowhere: the mute and the participants event are lost for her.
  assertOk(await ctx.moderator.request({ request: 'mute', id: anna.id, video: true }), 'mute');
  const handle = await claimSession(w.janus.wsUrl, anna.handle);
  const back = await rejoin(handle, ctx, ctx.tokens[0], anna.answer.resume);
  assert.equal(back.counsel, 'resumed', JSON.stringify(back));
  assert.equal(back.same_connection, true);
  assert.equal(back.id, anna.id);
  assert.deepEqual(entryOf(back, anna.id).muted, { audio: false, video: true }, 'what she missed');
  // A plain join on the seated handle stays refused; the room goes on.
  assertError(await handle.request({ request: 'join', room: ctx.room, token: ctx.tokens[0], display: 'Anna' }), 487);
  assertOk(await handle.request({ request: 'configure', audio_muted: true }), 'configure');
});

test('after reconnect_grace_s the seat is free: the same link knocks again, and a kicked person never returns', async () => {
  const w = await world({ general: { reclaim_session_timeout: 1 }, counsel: { reconnect_grace_s: 2 } });
  const ctx = await w.openRoom({ invitees: [{ label: 'A' }, { label: 'B' }] });
  const anna = await w.enterRoom(ctx, ctx.tokens[0], 'Anna');
  const bert = await w.enterRoom(ctx, ctx.tokens[1], 'Bert');
  ctx.moderator.drain();

  cut(anna);
  await ctx.moderator.nextEvent(reconnectingIs(anna.id, true), 10000);
  const gone = await ctx.moderator.nextEvent((d) => d && d.counsel === 'participants' && !entryOf(d, anna.id), 10000);
  assert.deepEqual(participantIds(gone), [ctx.joined.id, bert.id].sort());
  const again = await w.person();
  const knock = await rejoin(again, ctx, ctx.tokens[0], anna.answer.resume);
  assert.equal(knock.counsel, 'waiting', JSON.stringify(knock));
  await ctx.moderator.nextEvent((d) => d && d.counsel === 'lobby' && d.waiting.some((x) => x.id === knock.id), 5000);

  // Bert drops and is removed while away: his link is burned, his secret worthless.
  cut(bert);
  await ctx.moderator.nextEvent(reconnectingIs(bert.id, true), 10000);
  assertOk(await ctx.moderator.request({ request: 'kick', id: bert.id }), 'kick');
  const bertAgain = await w.person();
  assertError(await rejoin(bertAgain, ctx, ctx.tokens[1], bert.answer.resume, 'Bert'), 482);
});

test('without its secret a link whose seat waits is in use (490); an ended room answers 483', async () => {
  const w = await world({ general: { reclaim_session_timeout: 1 } });
  const ctx = await w.openRoom({ invitees: [{ label: 'A' }] });
  const anna = await w.enterRoom(ctx, ctx.tokens[0], 'Anna');
  cut(anna);
  await ctx.moderator.nextEvent(reconnectingIs(anna.id, true), 10000);
  const other = await w.person();
  assertError(await other.request({ request: 'join', room: ctx.room, token: ctx.tokens[0], display: 'Mallory' }), 490);
  assertError(await rejoin(other, ctx, ctx.tokens[0], ctx.tokens[0], 'Mallory'), 490);
  await assert.rejects(claimSession(w.janus.wsUrl, anna.handle), (err) => err instanceof JanusError, 'the session is gone');
  assert.equal((await ctx.moderator.request({ request: 'end' })).counsel, 'ended');
  assertError(await rejoin(other, ctx, ctx.tokens[0], anna.answer.resume), 483);
});
