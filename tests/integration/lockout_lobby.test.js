'use strict';
// Issue 18, lockout 3: one holder of a room password joins from many Janus
// sessions. Password knockers have a lobby share of their own
// (max_participants places), so personal links always reach the lobby; the
// moderator turns one knocker away for good (`deny` with `ban`), or every
// password knocker at once (`deny_password`, with `ban` the password is
// closed for the session). Meanwhile the flood goes on: first 489 (share
// full), after the close 482/486.
//
// Figures (knocks sent, how they were answered, how long each rightful join
// took) are printed as test diagnostics.

const assert = require('node:assert/strict');
const { test } = require('node:test');

const { useWorld, assertError, assertOk, latestEvent } = require('./harness/counsel');
const { Flood, describeFlood, timed } = require('./harness/flood');
const { sleep } = require('../support/util');

const MAX = 10; // max_participants: the password knockers' share of the lobby
const LIMIT_MS = 2000;

const world = useWorld({ counsel: { max_participants: MAX } });

const answerKind = (a) => (a.counsel === 'error' ? String(a.error_code) : a.counsel);
const passwordJoin = (ctx, display = 'Flood') => ({ request: 'join', room: ctx.room, password: ctx.created.password, display });

test('the password from many sessions fills only its share; links get in; deny with ban and deny_password end it', async (t) => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }, { label: 'B' }, { label: 'C' }], password: true });

  // One password holder knocks from ever new sessions, ~50 a second, and stays in the lobby where let in.
  const flood = Flood.start(world.janus.wsUrl, { rate: 50, workers: 5, perHandle: 1, detach: false, body: () => passwordJoin(ctx) });
  await flood.running(1500);
  const lobbyFull = await latestEvent(ctx.moderator, 'lobby');
  const knockers = lobbyFull.waiting.filter((w) => w.via === 'password');
  assert.equal(knockers.length, MAX, `the password fills its share, no more: ${JSON.stringify(lobbyFull.waiting.map((w) => w.via))}`);

  // Personal links still reach the lobby, every time.
  const [anna, annaMs] = await timed(() => world.knock(ctx.room, ctx.tokens[0], 'Anna'));
  const [bert, bertMs] = await timed(() => world.knock(ctx.room, ctx.tokens[1], 'Bert'));
  assert.equal(anna.answer.counsel, 'waiting', `a personal link while the password floods: ${JSON.stringify(anna.answer)}`);
  assert.equal(bert.answer.counsel, 'waiting', JSON.stringify(bert.answer));
  assert.ok(annaMs < LIMIT_MS && bertMs < LIMIT_MS, `links reached the lobby within 2 s: ${Math.round(annaMs)}, ${Math.round(bertMs)} ms`);

  // Until the moderator acts, the flood got the share and then 489 only.
  const untilDeny = { ...flood.answers };

  // "Not at all" for one knocker: its connection is banned (482 on a new knock from it).
  const one = knockers[0];
  const denyOne = await ctx.moderator.request({ request: 'deny', id: one.id, ban: true });
  assertOk(denyOne, 'deny', { id: one.id, ban: true, banned: 'connection' });

  // Every password knocker at once, and the password closed.
  const [closed, closeMs] = await timed(() => ctx.moderator.request({ request: 'deny_password', ban: true }));
  assertOk(closed, 'deny_password', { ban: true, password: 'closed' });
  // The flood may have refilled the place the single deny freed before deny_password ran.
  assert.ok(closed.denied >= MAX - 1 && closed.denied <= MAX, `the rest of the share was denied: ${closed.denied}`);
  const afterClose = await latestEvent(ctx.moderator, 'lobby', { settleMs: 500 });
  assert.deepEqual(afterClose.waiting.map((w) => w.via), ['link', 'link'], 'only the personal links wait');

  // The flood goes on against the closed password; a third invitee comes meanwhile.
  await sleep(1500);
  const [carl, carlMs] = await timed(() => world.knock(ctx.room, ctx.tokens[2], 'Carl'));
  assert.equal(carl.answer.counsel, 'waiting', JSON.stringify(carl.answer));
  const figures = await flood.stop();

  t.diagnostic(`password flood: ${describeFlood(figures)}; until the first deny: ${JSON.stringify(untilDeny)}`);
  t.diagnostic(`links during the flood: Anna ${Math.round(annaMs)} ms, Bert ${Math.round(bertMs)} ms, Carl (after the close) ${Math.round(carlMs)} ms; deny_password answered in ${Math.round(closeMs)} ms, denied ${closed.denied}`);

  assert.equal(untilDeny.waiting, MAX, `exactly the share was let into the lobby: ${JSON.stringify(untilDeny)}`);
  assert.deepEqual(Object.keys(untilDeny).sort(), ['489', 'waiting'], JSON.stringify(untilDeny));
  // Later: at most the place the single deny freed, then refusals only — 482 for the closed
  // password, 486 once the room's password limit is spent.
  assert.ok(figures.answers.waiting <= MAX + 1, JSON.stringify(figures.answers));
  assert.deepEqual(Object.keys(figures.answers).filter((k) => !['waiting', '482', '486', '489'].includes(k)), [], JSON.stringify(figures.answers));
  assert.ok(figures.answers['482'] > 0, 'the closed password is a wrong credential');
  const lobby = await latestEvent(ctx.moderator, 'lobby');
  assert.deepEqual(lobby.waiting.map((w) => w.display).sort(), ['Anna', 'Bert', 'Carl']);
});

test('deny "not now" lets a link knock again; deny with ban burns it; a moderator back sees the password state', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }, { label: 'B' }], password: true });
  const anna = await world.enterLobby(ctx, ctx.tokens[0], 'Anna');
  assertOk(await ctx.moderator.request({ request: 'deny', id: anna.id }), 'deny', { id: anna.id, ban: false });
  const notNow = await anna.handle.nextEvent('denied', 5000);
  assert.deepEqual(notNow, { counsel: 'denied', final: false });
  const again = await world.enterLobby(ctx, ctx.tokens[0], 'Anna');

  assertOk(await ctx.moderator.request({ request: 'deny', id: again.id, ban: true }), 'deny', { id: again.id, ban: true, banned: 'link' });
  const final = await again.handle.nextEvent('denied', 5000);
  assert.deepEqual(final, { counsel: 'denied', final: true });
  assertError((await world.knock(ctx.room, ctx.tokens[0], 'Anna')).answer, 482, 'the burned link');
  assert.equal((await world.knock(ctx.room, ctx.tokens[1], 'Bert')).answer.counsel, 'waiting', 'the other link');

  // deny_password "not now": knockers go, the password stays open.
  const paula = await world.enterLobby(ctx, ctx.created.password, 'Paula', { password: true });
  assertOk(await ctx.moderator.request({ request: 'deny_password', ban: false }), 'deny_password', { denied: 1, ban: false, password: 'open' });
  assert.deepEqual(await paula.handle.nextEvent('denied', 5000), { counsel: 'denied', final: false });
  await world.enterLobby(ctx, ctx.created.password, 'Paula', { password: true });

  // Bad input is refused and changes nothing.
  assertError(await ctx.moderator.request({ request: 'deny_password' }), 480, 'ban is required');
  assertError(await ctx.moderator.request({ request: 'deny_password', ban: 'yes' }), 480);
  assertError(await ctx.moderator.request({ request: 'deny', id: paula.id, ban: 1 }), 480);
  assertError(await paula.handle.request({ request: 'deny_password', ban: true }), 487, 'a lobby member');
  const noPassword = await world.openRoom({ invitees: [{ label: 'A' }] });
  assertError(await noPassword.moderator.request({ request: 'deny_password', ban: true }), 487, 'a room without password');
  assert.equal(noPassword.joined.password, undefined);
  assert.equal(ctx.joined.password, 'open');

  // Closed for good; a moderator who comes back is told.
  assertOk(await ctx.moderator.request({ request: 'deny_password', ban: true }), 'deny_password', { denied: 1, password: 'closed' });
  await ctx.moderator.request({ request: 'leave' });
  const back = await (await world.person()).request({ request: 'join', room: ctx.room, token: ctx.created.moderator_token, display: 'Dr.' });
  assert.equal(back.password, 'closed', JSON.stringify(back));
  assertError((await world.knock(ctx.room, ctx.created.password, 'Paula', { password: true })).answer, 482);
});
