'use strict';
// One person per personal link at a time (490).

const assert = require('node:assert/strict');
const { test } = require('node:test');

const { useWorld, assertError, latestEvent, lobbyIds } = require('./harness/counsel');

const world = useWorld();

test('the same token twice at the same moment: exactly one waits, the other gets 490', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }] });
  const [h1, h2] = await Promise.all([world.person(), world.person()]);
  const body = (display) => ({ request: 'join', room: ctx.room, token: ctx.tokens[0], display });
  const answers = await Promise.all([h1.request(body('One')), h2.request(body('Two'))]);
  const counsel = answers.map((a) => a.counsel).sort();
  assert.deepEqual(counsel, ['error', 'waiting'], JSON.stringify(answers));
  const winner = answers.find((a) => a.counsel === 'waiting');
  assertError(answers.find((a) => a.counsel === 'error'), 490);
  const lobby = await latestEvent(ctx.moderator, 'lobby');
  assert.deepEqual(lobbyIds(lobby), [winner.id], 'only one of them is in the lobby');
});

test('in use while waiting and while admitted; free again after leave', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }] });
  const a = await world.enterLobby(ctx, ctx.tokens[0], 'Anna');
  assertError((await world.knock(ctx.room, ctx.tokens[0], 'Anna 2')).answer, 490, 'while waiting');
  await world.admit(ctx, a);
  assertError((await world.knock(ctx.room, ctx.tokens[0], 'Anna 3')).answer, 490, 'while admitted');
  // The refused attempts did not disturb A.
  await a.handle.expectNoEvent((d) => d && ['removed', 'ended', 'denied'].includes(d.counsel), 200);
  assert.equal((await a.handle.request({ request: 'leave' })).counsel, 'left');
  const again = await world.knock(ctx.room, ctx.tokens[0], 'Anna 4');
  assert.equal(again.answer.counsel, 'waiting', 'free once the holder left');
});

test('free again after the holder\'s Janus session is destroyed', async () => {
  const ctx = await world.openRoom({ invitees: [{ label: 'A' }] });
  const a = await world.enterLobby(ctx, ctx.tokens[0], 'Anna');
  await a.handle.session.destroy();
  await ctx.moderator.nextEvent((d) => d && d.counsel === 'lobby' && d.waiting.length === 0, 5000);
  const again = await world.knock(ctx.room, ctx.tokens[0], 'Anna');
  assert.equal(again.answer.counsel, 'waiting');
});

test('the shared room password is not "in use": several people knock with it at once', async () => {
  const ctx = await world.openRoom({ invitees: [], password: true });
  const [p1, p2] = await Promise.all([world.person(), world.person()]);
  const body = (display) => ({ request: 'join', room: ctx.room, password: ctx.created.password, display });
  const answers = await Promise.all([p1.request(body('P1')), p2.request(body('P2'))]);
  assert.deepEqual(answers.map((a) => a.counsel), ['waiting', 'waiting'], JSON.stringify(answers));
  assert.notEqual(answers[0].id, answers[1].id);
});
