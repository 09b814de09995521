'use strict';
// End-to-end encryption (issue 6) in a real counsel room: Janus with the
// counsel plugin, three browsers pages with web/e2ee/ (pages/e2ee_counsel.js).
// The moderator's page makes the room key; the client's link carries it in
// the #fragment; a third admitted page carries a wrong key.
//   - moderator and client decode each other's video, the wrong-key page
//     decodes nothing (its decrypt failures are counted) while the other two
//     keep going;
//   - chat is encrypted: the client reads it, the wrong-key page does not;
//   - the moderator removes the wrong-key page and rotates the key: the
//     client unwraps it, both show the same new code, and video keeps
//     decoding under the new key.
// Skipped when the plugin is not built (COUNSEL_PLUGIN, default build-test/).
//
//   cd tests/e2e && ./run-in-netns.sh node --test e2ee_counsel.test.js

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const { test } = require('node:test');

const { runE2E, sleep, COUNSEL_PLUGIN, COUNSEL_KEYGEN } = require('../support');

const built = fs.existsSync(COUNSEL_PLUGIN) && fs.existsSync(COUNSEL_KEYGEN);
const skip = !built && `not built: ${COUNSEL_PLUGIN}`;

const call = (tp, fn, arg) => tp.page.evaluate(fn, arg);
const request = async (tp, body) => (await call(tp, (b) => window.person.request(b), body)).msg;
const info = (tp) => call(tp, () => window.person.info());

async function openPerson(env, mode, label, fragment = '') {
  const tp = await env.browser.open(`${env.url('e2ee_counsel.html', { label, mode })}${fragment}`, { name: label });
  await tp.waitForState((s) => s.phase === 'attached', { message: `${label} attached` });
  return tp;
}

// Inbound video counters on `tp` per sending participant id.
async function videoByPerson(tp) {
  const [st, inf] = await Promise.all([tp.stats({ index: -1 }), info(tp)]);
  const out = {};
  if (!st.length) return out;
  for (const t of st[0].transceivers) {
    const who = inf.mids[t.mid];
    if (!who || who.kind !== 'video' || !t.inbound) continue;
    out[who.id] = { framesDecoded: t.inbound.framesDecoded || 0, packetsReceived: t.inbound.packetsReceived || 0 };
  }
  return out;
}

async function videoGrowth(tp, ms) {
  const a = await videoByPerson(tp);
  await sleep(ms);
  const b = await videoByPerson(tp);
  const out = {};
  for (const [id, now] of Object.entries(b)) {
    const was = a[id] || { framesDecoded: 0, packetsReceived: 0 };
    out[id] = { framesDecoded: now.framesDecoded - was.framesDecoded, packetsReceived: now.packetsReceived - was.packetsReceived };
  }
  return out;
}

// Waits for a window of `windowMs` in which `tp` decodes at least `min`
// frames from participant `id` (the test machine may be loaded: simulcast
// layers come and go); returns that window's growth.
async function waitForGrowth(tp, id, { min = 10, windowMs = 2000, timeoutMs = 30000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let g = null;
  while (Date.now() < deadline) {
    g = await videoGrowth(tp, windowMs);
    if (g[id] && g[id].framesDecoded >= min) return g;
  }
  throw new Error(`${tp.name} decodes fewer than ${min} frames per ${windowMs} ms from ${id}: ${JSON.stringify(g)}`);
}

async function waitForVideoFrom(tp, ids, timeoutMs = 25000) {
  const deadline = Date.now() + timeoutMs;
  let last = null;
  while (Date.now() < deadline) {
    last = await videoByPerson(tp);
    if (ids.every((id) => last[id] && last[id].framesDecoded > 0)) return last;
    await sleep(250);
  }
  throw new Error(`${tp.name} decodes no video from ${ids.join(', ')}: ${JSON.stringify(last)}\n${JSON.stringify(await info(tp))}`);
}

for (const mode of ['script', 'encoded']) {
test(`e2ee room (${mode}): the right key decodes, a wrong key decodes nothing, chat is encrypted, a removal rotates the key`, { skip }, (t) =>
  runE2E(t, { plugins: ['counsel'], timeoutMs: 180000 }, async (env) => {
    // The moderator's browser makes the room key; the server never sees it.
    const mod = await openPerson(env, mode, 'moderator');
    const link = await call(mod, () => window.person.createKey());
    assert.match(link.k, /^[A-Za-z0-9_-]{43}$/);
    const created = await request(mod, {
      request: 'create',
      practitioner_key: env.janus.practitionerKey,
      invitees: [{ label: 'Client' }, { label: 'Intruder' }],
    });
    assert.equal(created.counsel, 'created', JSON.stringify(created));
    assert.equal(created.e2ee, true, 'rooms are e2ee by default');
    const joined = await request(mod, { request: 'join', room: created.room, token: created.moderator_token, display: 'Dr. M' });
    assert.equal(joined.counsel, 'joined', JSON.stringify(joined));
    await call(mod, (id) => window.person.start({ selfId: id, role: 'moderator' }), joined.id);

    const wrongKey = crypto.randomBytes(32).toString('base64url');
    const client = await openPerson(env, mode, 'client', `#room=${created.room}&token=${created.invites[0].token}&k=${link.k}`);
    const intruder = await openPerson(env, mode, 'intruder', `#room=${created.room}&token=${created.invites[1].token}&k=${wrongKey}`);
    const ids = { moderator: joined.id };
    for (const [name, tp, i] of [['client', client, 0], ['intruder', intruder, 1]]) {
      const waiting = await request(tp, { request: 'join', room: created.room, token: created.invites[i].token, display: name });
      assert.equal(waiting.counsel, 'waiting', JSON.stringify(waiting));
      ids[name] = waiting.id;
      await call(tp, (id) => window.person.start({ selfId: id, role: 'participant' }), waiting.id);
    }
    const codes = {};
    for (const [name, tp] of [['moderator', mod], ['client', client], ['intruder', intruder]]) codes[name] = (await info(tp)).e2ee.code;
    t.diagnostic(`codes: ${JSON.stringify(codes)}`);
    assert.equal(codes.client, codes.moderator, 'same key, same code');
    assert.notEqual(codes.intruder, codes.moderator);

    for (const name of ['client', 'intruder']) {
      const ok = await request(mod, { request: 'admit', id: ids[name] });
      assert.equal(ok.counsel, 'ok', JSON.stringify(ok));
    }
    for (const tp of [client, intruder]) await tp.waitForState((s) => s.events.some((e) => e.ev === 'message') && s.person.participants.length === 3, { message: 'admitted' });

    for (const [name, tp] of [['moderator', mod], ['client', client], ['intruder', intruder]]) {
      const res = await call(tp, () => window.person.publish({ simulcast: true }));
      assert.equal(res.msg.counsel, 'published', `${name}: ${JSON.stringify(res.msg)}`);
      assert.equal(res.e2ee, true, `${name}: the plugin's answer is marked e2ee`);
    }

    // The right key: moderator and client see each other.
    await waitForVideoFrom(mod, [ids.client]);
    await waitForVideoFrom(client, [ids.moderator]);
    const [gMod, gClient] = await Promise.all([waitForGrowth(mod, ids.client), waitForGrowth(client, ids.moderator)]);
    const gIntruder = await videoGrowth(intruder, 2000);
    t.diagnostic(`2 s of video: moderator ${JSON.stringify(gMod)}, client ${JSON.stringify(gClient)}, intruder ${JSON.stringify(gIntruder)}`);
    // The wrong key: packets arrive, nothing decodes, failures are counted.
    const intr = await info(intruder);
    const totalIntruder = await videoByPerson(intruder);
    t.diagnostic(`intruder: ${JSON.stringify(totalIntruder)} e2ee ${JSON.stringify({ decrypted: intr.stats.decrypted, failed: intr.stats.failed })}`);
    for (const id of [ids.moderator, ids.client]) {
      assert.ok(totalIntruder[id], `the intruder is sent ${id}'s video`);
      assert.ok(totalIntruder[id].packetsReceived > 50, 'packets arrive');
      assert.equal(totalIntruder[id].framesDecoded, 0, 'but nothing decodes');
    }
    assert.equal(intr.stats.decrypted, 0);
    assert.ok(intr.stats.failed.auth > 100, JSON.stringify(intr.stats.failed));
    // The others cannot read the intruder either, and keep working.
    const mStats = (await info(mod)).stats;
    assert.ok(mStats.failed.auth > 50, `moderator counts the intruder's frames as failures: ${JSON.stringify(mStats.failed)}`);
    for (const tp of [mod, client]) {
      const fromIntruder = (await videoByPerson(tp))[ids.intruder];
      assert.ok(fromIntruder && fromIntruder.packetsReceived > 0 && fromIntruder.framesDecoded === 0, `${tp.name} decodes nothing of the intruder: ${JSON.stringify(fromIntruder)}`);
    }

    // Chat: encrypted with the moderator's chat key.
    await mod.waitForState((s) => s.person.dataOpen, { message: 'moderator data channel' });
    await client.waitForState((s) => s.person.dataOpen, { message: 'client data channel' });
    await call(mod, () => window.person.chat('Willkommen, wir beginnen gleich.'));
    await client.waitForState((s) => s.person.chats.some((c) => c.text === 'Willkommen, wir beginnen gleich.'), { message: 'client reads the chat' });
    await intruder.waitForState((s) => s.person.rejected.some((r) => r.from === ids.moderator && r.reason === 'auth'), { message: 'intruder cannot read the chat' });

    // Removal: kick the intruder, rotate the key for the rest.
    const kicked = await request(mod, { request: 'kick', id: ids.intruder });
    assert.equal(kicked.counsel, 'ok', JSON.stringify(kicked));
    const rotated = await call(mod, (x) => window.person.rotate([x]), ids.intruder);
    t.diagnostic(`rotation: ${JSON.stringify(rotated)}`);
    assert.equal(rotated.kid, 1);
    assert.deepEqual(rotated.wrapped, [ids.client]);
    await client.waitForState((s) => s.person.e2ee && s.person.e2ee.kid === 1, { message: 'client has the new key' });
    const [mInfo, cInfo] = [await info(mod), await info(client)];
    assert.equal(cInfo.e2ee.code, mInfo.e2ee.code, 'same new code');
    assert.notEqual(mInfo.e2ee.code, codes.moderator, 'a new code');
    assert.match(await call(client, () => window.person.fragment()), /&k=[A-Za-z0-9_-]{43}&kid=1$/, 'the client page keeps the new key in its fragment');
    await mod.waitForState((s) => s.person.e2ee.rotation && s.person.e2ee.rotation.acked.length === 1, { message: 'client acknowledged' });
    await sleep(1500); // both sides send with key 1 now
    const [hMod, hClient] = await Promise.all([waitForGrowth(mod, ids.client), waitForGrowth(client, ids.moderator)]);
    const cStats = (await info(client)).stats;
    t.diagnostic(`after the rotation, 2 s of video: moderator ${JSON.stringify(hMod)}, client ${JSON.stringify(hClient)}; client kids ${JSON.stringify(cStats.receivedKids)} sent ${JSON.stringify(cStats.sentKids)}`);
    assert.ok(cStats.receivedKids['1'] > 0 && cStats.sentKids['1'] > 0, 'frames under key 1 both ways');
    await call(client, () => window.person.chat('Neuer Schlüssel ist da.'));
    await mod.waitForState((s) => s.person.chats.some((c) => c.text === 'Neuer Schlüssel ist da.' && c.kid === 1), { message: 'moderator reads chat under key 1' });
    assert.equal((await info(mod)).e2ee.mode, mode);
  }));
}
