'use strict';
// A refused `publish` never leaves the handle unable to publish again.
//
// Janus sets up an ICE agent from a JSEP offer before the plugin sees it. When
// the plugin refuses a first offer (480/481/487/488), nothing answers that
// agent, and Janus refuses the handle's next offer with its own 490 ("Error
// setting ICE locally", "Agent already exists?" in its log). So the plugin
// closes that PeerConnection: the error carries `pc_closed: true`, Janus sends
// `{janus:"hangup"}`, and the same handle's next offer gets an answer. A
// refused offer on a PeerConnection that is already negotiated (an update)
// must leave it alone. No ICE connectivity is needed for Janus's answer.

const assert = require('node:assert/strict');
const { test } = require('node:test');

const { useWorld, assertError } = require('./harness/counsel');
const { mediaOffer } = require('./harness/sdp');

let admin;
const world = useWorld({ admin: true }, async (started) => {
  admin = await started.admin();
});

// Sends `publish` with `jsep`; returns the whole Janus reply.
const publish = (handle, jsep, body = {}) => handle.sendRaw({ request: 'publish', ...body }, { jsep });

// Asserts a plugin error `code` that closed the PeerConnection, and waits for Janus's hangup.
async function assertRefusedAndClosed(handle, reply, code) {
  assert.equal(reply.janus, 'event', `the plugin answered, not Janus: ${JSON.stringify(reply)}`);
  assertError(reply.plugindata.data, code);
  assert.equal(reply.plugindata.data.pc_closed, true, `pc_closed: ${JSON.stringify(reply.plugindata.data)}`);
  assert.equal(reply.jsep, undefined, 'no JSEP with a refusal');
  const hangup = await handle.nextEvent((d, raw) => raw.janus === 'hangup', 5000);
  assert.equal(hangup.reason, 'Close PC');
}

// Asserts `published` with a JSEP answer for audio, video and data.
function assertPublished(reply, { e2ee = false } = {}) {
  assert.equal(reply.janus, 'event', `not Janus's own error (490 "Error setting ICE locally"): ${JSON.stringify(reply)}`);
  const data = reply.plugindata.data;
  assert.equal(data.counsel, 'published', JSON.stringify(data));
  assert.deepEqual(data.streams.map((s) => s.kind), ['audio', 'video']);
  assert.equal(data.data, true);
  assert.equal(reply.jsep && reply.jsep.type, 'answer');
  assert.match(reply.jsep.sdp, /m=audio [1-9]\d* UDP\/TLS\/RTP\/SAVPF 111/);
  assert.match(reply.jsep.sdp, /a=rtpmap:\d+ VP8\/90000/);
  if (e2ee) assert.equal(reply.jsep.e2ee, true, 'the answer in an e2ee room carries e2ee');
}

async function flags(handle) {
  return (await admin.handleInfo(handle.session.id, handle.id)).flags;
}

test('487: a lobby member\'s publish is refused, and after admission the same handle publishes', async () => {
  const ctx = await world.openRoom({ e2ee: false });
  const guest = await world.enterLobby(ctx, ctx.tokens[0], 'Anna');
  await assertRefusedAndClosed(guest.handle, await publish(guest.handle, mediaOffer()), 487);
  assert.equal((await flags(guest.handle))['got-offer'], false, 'Janus forgot the refused offer');
  await world.admit(ctx, guest);
  assertPublished(await publish(guest.handle, mediaOffer()));
  assert.equal((await flags(guest.handle)).negotiated, true);
});

test('481: a first offer with no usable codec is refused, and the same handle publishes a usable one', async () => {
  const ctx = await world.openRoom({ e2ee: false });
  await assertRefusedAndClosed(ctx.moderator, await publish(ctx.moderator, mediaOffer({ noCodec: true })), 481);
  assertPublished(await publish(ctx.moderator, mediaOffer()));
});

test('488: an e2ee room\'s offer without the e2ee flag is refused, and the same handle publishes with it', async () => {
  const ctx = await world.openRoom({ e2ee: true });
  await assertRefusedAndClosed(ctx.moderator, await publish(ctx.moderator, mediaOffer()), 488);
  assertPublished(await publish(ctx.moderator, { ...mediaOffer(), e2ee: true }), { e2ee: true });
});

test('480: a malformed publish with an offer is refused, and the same handle publishes', async () => {
  const ctx = await world.openRoom({ e2ee: false });
  await assertRefusedAndClosed(ctx.moderator, await publish(ctx.moderator, mediaOffer(), { audio: true }), 480);
  assertPublished(await publish(ctx.moderator, mediaOffer()));
});

test('a refused renegotiation leaves the negotiated PeerConnection alone', async () => {
  const ctx = await world.openRoom({ e2ee: false });
  const session = Date.now();
  assertPublished(await publish(ctx.moderator, mediaOffer({ session })));
  // The same PeerConnection offers again (Janus marks it an update): refused, not closed.
  const refused = await publish(ctx.moderator, mediaOffer({ session, version: 3, noCodec: true }));
  assert.equal(refused.janus, 'event', JSON.stringify(refused));
  assertError(refused.plugindata.data, 481);
  assert.equal(refused.plugindata.data.pc_closed, undefined, 'a live PeerConnection is not closed');
  await ctx.moderator.expectNoEvent((d, raw) => raw.janus === 'hangup', 1000);
  assert.equal((await flags(ctx.moderator)).negotiated, true, 'still negotiated');
  // And the next update is answered on it.
  assertPublished(await publish(ctx.moderator, mediaOffer({ session, version: 4 })));
  await ctx.moderator.expectNoEvent((d, raw) => raw.janus === 'hangup', 300);
});

test('a JSEP offer on a request that takes none: refused, closed, and the handle publishes later', async () => {
  const ctx = await world.openRoom({ e2ee: false });
  const guest = await world.person();
  const reply = await guest.sendRaw({ request: 'join', room: ctx.room, token: ctx.tokens[0], display: 'Bernd' }, { jsep: mediaOffer() });
  await assertRefusedAndClosed(guest, reply, 480);
  const waiting = await guest.request({ request: 'join', room: ctx.room, token: ctx.tokens[0], display: 'Bernd' });
  assert.equal(waiting.counsel, 'waiting');
  await world.admit(ctx, { handle: guest, id: waiting.id });
  assertPublished(await publish(guest, mediaOffer()));
});
