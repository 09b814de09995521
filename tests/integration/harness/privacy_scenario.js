'use strict';
// A whole counseling session whose every personal string carries a unique
// marker: create (labels, title), joins (display names), admit, deny, mute,
// kick, lock, incident, a wrong token, end, joins after the end. Returns the
// strings that must never reach Janus's log through the plugin.

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { isDeepStrictEqual } = require('node:util');

const { assertOk, wrongLike } = require('./counsel');
const { sentFrames } = require('../../support/janus_client');

async function runPrivacyScenario(world) {
  const marker = `PrivMark${crypto.randomBytes(6).toString('hex')}`;
  const ctx = await world.openRoom(
    {
      invitees: [{ label: `Mutter ${marker}` }, { label: `Lehrer ${marker}` }, { label: `Arzt ${marker}` }],
      title: `Fallbesprechung ${marker}`,
      password: true,
    },
    { display: `Dr. ${marker}` },
  );
  const anna = await world.enterRoom(ctx, ctx.tokens[0], `Anna ${marker}`);
  const bernd = await world.enterLobby(ctx, ctx.tokens[1], `Bernd ${marker}`);
  assertOk(await ctx.moderator.request({ request: 'deny', id: bernd.id }), 'deny');
  const bernd2 = await world.enterLobby(ctx, ctx.tokens[1], `Bernd zwei ${marker}`);
  const paula = await world.enterRoom(ctx, ctx.created.password, `Paula ${marker}`, { password: true });
  assertOk(await ctx.moderator.request({ request: 'mute', id: paula.id, audio: true, video: true }), 'mute');
  assertOk(await ctx.moderator.request({ request: 'kick', id: paula.id }), 'kick');
  assertOk(await ctx.moderator.request({ request: 'kick', id: bernd2.id }), 'kick');
  const wrongToken = wrongLike(ctx.tokens[2]);
  const wrongPassword = wrongLike(ctx.created.password);
  const intruder = await world.knock(ctx.room, wrongToken, `Eindringling ${marker}`);
  assert.equal(intruder.answer.error_code, 482);
  const intruder2 = await world.knock(ctx.room, wrongPassword, `Eindringling2 ${marker}`, { password: true });
  assert.equal(intruder2.answer.error_code, 482);
  assertOk(await ctx.moderator.request({ request: 'lock' }), 'lock');
  assertOk(await ctx.moderator.request({ request: 'unlock' }), 'unlock');
  assertOk(await ctx.moderator.request({ request: 'incident', category: 'unauthorized_person' }), 'incident');
  assert.equal((await anna.handle.request({ request: 'leave' })).counsel, 'left');
  await world.enterRoom(ctx, ctx.tokens[0], `Anna wieder ${marker}`);
  const ended = await ctx.moderator.request({ request: 'end' });
  assert.equal(ended.counsel, 'ended');
  const late = await world.knock(ctx.room, ctx.tokens[2], `Zu spaet ${marker}`);
  assert.equal(late.answer.error_code, 483);

  const secrets = {
    marker,
    'practitioner key': world.janus.practitionerKey,
    'moderator token': ctx.created.moderator_token,
    'room password': ctx.created.password,
    'wrong token': wrongToken,
    'wrong password': wrongPassword,
  };
  ctx.tokens.forEach((token, i) => {
    secrets[`invitee token ${i + 1}`] = token;
  });
  return { secrets, room: ctx.room };
}

// Lines of `log` that contain any secret: [{line, number, names}].
function linesWithSecrets(log, secrets) {
  const hits = [];
  log.split('\n').forEach((line, i) => {
    const names = Object.entries(secrets).filter(([, s]) => line.includes(s)).map(([name]) => name);
    if (names.length > 0) hits.push({ line, number: i + 1, names });
  });
  return hits;
}

// Whether `line` is exactly one of the raw JSON requests this process sent
// (Janus's WebSockets transport dumps them at level 6+: outside the plugin).
function isOwnRequestDump(line) {
  const text = line.trim();
  if (!text.startsWith('{')) return false;
  try {
    const parsed = JSON.parse(text);
    return sentFrames.some((frame) => frame === text || isDeepStrictEqual(JSON.parse(frame), parsed));
  } catch {
    return false;
  }
}

module.exports = { runPrivacyScenario, linesWithSecrets, isOwnRequestDump };
