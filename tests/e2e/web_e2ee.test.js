'use strict';
// End-to-end encryption through the real web page (issues 4 and 6): the
// practitioner's form has E2EE on by default and puts the key only into the
// links' #fragment; the moderator and two clients with the right key decode
// each other's video, read each other's chat and show the same lock code; a
// page with a wrong key is admitted and decodes nothing while the others go
// on; after the moderator removes it, the key is rotated and the rest keep
// decoding under the new key; a link without its key gets "link incomplete".
// Janus's log never holds the key.
//
//   cd tests/e2e && ./run-in-netns.sh node --test web_e2ee.test.js     (~1 min)

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const { test } = require('node:test');

const { COUNSEL_PLUGIN, COUNSEL_KEYGEN, runWeb } = require('../support');
const { waitScreen, endKind, createSession, enterAsModerator, openLinkAndJoin, waitLobby, waitTiles, confirm } = require('./web_support/flow');

const built = fs.existsSync(COUNSEL_PLUGIN) && fs.existsSync(COUNSEL_KEYGEN);
const skip = !built && `not built: ${COUNSEL_PLUGIN}`;

const fragmentOf = (link) => new URLSearchParams(new URL(link).hash.slice(1));
function withFragment(link, edit) {
  const url = new URL(link);
  const p = new URLSearchParams(url.hash.slice(1));
  edit(p);
  url.hash = p.toString();
  return url.toString();
}

async function code(tp) {
  await tp.page.locator('#e2ee-code').waitFor({ timeout: 15000 });
  return (await tp.page.locator('#e2ee-code').innerText()).trim();
}

// Decoded video frames and received video packets over `ms`.
async function video(tp, ms = 3000) {
  const { byKind } = await tp.flowByKind(ms);
  return byKind.video || { framesDecoded: 0, packetsReceived: 0 };
}

// Whether `tp` decodes video: >= 10 frames in one 3 s window, of at most
// three (a loaded 2-core machine drops the fake camera's 30 fps a lot, and
// stalls a page now and then). Returns the best window.
const DECODING = 10;
async function decoding(tp) {
  let best = { framesDecoded: 0, packetsReceived: 0 };
  for (let w = 0; w < 3 && best.framesDecoded < DECODING; w += 1) {
    const v = await video(tp);
    if (v.framesDecoded >= best.framesDecoded) best = v;
  }
  return best;
}

async function admit(mod, tp, name) {
  await waitLobby(mod, [name]);
  await mod.page.getByRole('button', { name: `Einlassen: ${name}` }).click();
  await waitScreen(tp, 'screen-session');
}

async function chatArrives(from, to, text) {
  await from.page.locator('#chat-input:not([disabled])').waitFor({ timeout: 15000 });
  await to.page.locator('#chat-input:not([disabled])').waitFor({ timeout: 15000 });
  await from.page.getByLabel('Nachricht an alle im Raum').fill(text);
  await from.page.getByRole('button', { name: 'Senden' }).click();
  await to.page.locator('#chat-log .chat-item').filter({ hasText: text }).waitFor({ timeout: 10000 });
}

test('e2ee by default: the right key decodes, a wrong key decodes nothing, removal rotates the key', { skip }, (t) =>
  runWeb(t, { timeoutMs: 240000 }, async (env) => {
    const mod = await env.open('', { name: 'moderator' });
    await waitScreen(mod, 'screen-practitioner');
    assert.equal(await mod.page.getByLabel('Ende-zu-Ende-Verschlüsselung').isChecked(), true, 'E2EE is on by default');
    const { links } = await createSession(mod, { key: env.practitionerKey, labels: ['Anna', 'Dritte', 'Ohne'] });
    const key = fragmentOf(links.Anna).get('k');
    assert.match(key || '', /^[A-Za-z0-9_-]{43}$/, 'the room key rides in the fragment');
    assert.equal(fragmentOf(links.Dritte).get('k'), key, 'one room key in every link');
    await enterAsModerator(mod, 'Dr. Berger');

    const anna = await openLinkAndJoin(env, links.Anna, 'Anna', { pageName: 'client-anna' });
    await admit(mod, anna, 'Anna');
    await waitTiles(mod, 2);
    const modCode = await code(mod);
    assert.match(modCode, /^Code \S+/);
    assert.equal(await code(anna), modCode, 'the same code on both pages');
    await anna.waitForMedia({ kinds: ['video', 'audio'], timeoutMs: 20000 });
    await mod.waitForMedia({ kinds: ['video', 'audio'], timeoutMs: 20000 });
    const [a1, m1] = [await decoding(anna), await decoding(mod)];
    t.diagnostic(`right key, best 3 s: client ${a1.framesDecoded} frames, moderator ${m1.framesDecoded} frames`);
    assert.ok(a1.framesDecoded >= DECODING && m1.framesDecoded >= DECODING, 'both decode each other');
    await chatArrives(anna, mod, 'Verschlüsselt: Guten Tag');
    await chatArrives(mod, anna, 'Verschlüsselt: Willkommen');

    // A page whose link carries another key: admitted, receives packets, decodes nothing.
    const wrong = crypto.randomBytes(32).toString('base64url');
    const eve = await openLinkAndJoin(env, withFragment(links.Dritte, (p) => p.set('k', wrong)), 'Eva', { pageName: 'client-wrong-key' });
    await admit(mod, eve, 'Eva');
    await waitTiles(mod, 3);
    assert.notEqual(await code(eve), modCode, 'a wrong key shows another code');
    await eve.waitForMedia({ kinds: ['video'], timeoutMs: 20000 }).catch(() => {});
    const e1 = await video(eve);
    const [a2, m2] = [await decoding(anna), await decoding(mod)];
    t.diagnostic(`wrong key, 3 s: ${JSON.stringify(e1)}; the others (best 3 s): ${a2.framesDecoded}, ${m2.framesDecoded}`);
    assert.ok(e1.packetsReceived > 50, 'the wrong-key page gets the media');
    assert.equal(e1.framesDecoded, 0, 'and decodes none of it');
    assert.ok(a2.framesDecoded >= DECODING && m2.framesDecoded >= DECODING, 'the others keep decoding');

    // Removal: a new key for those who stay; they keep decoding and chatting under it.
    await mod.page.getByRole('button', { name: 'Entfernen: Eva' }).click();
    await confirm(mod, 'Entfernen');
    assert.equal(await endKind(eve), 'removed');
    await mod.page.waitForFunction((old) => document.getElementById('e2ee-code').textContent.trim() !== old, modCode, { timeout: 15000 });
    const rotated = await code(mod);
    await anna.page.waitForFunction((want) => document.getElementById('e2ee-code').textContent.trim() === want, rotated, { timeout: 15000 });
    assert.match(anna.page.url(), /kid=1/, "the client's own address follows the rotation");
    const [a3, m3] = [await decoding(anna), await decoding(mod)];
    t.diagnostic(`after rotation, best 3 s: client ${a3.framesDecoded}, moderator ${m3.framesDecoded}`);
    assert.ok(a3.framesDecoded >= DECODING && m3.framesDecoded >= DECODING, 'decoding goes on under the new key');
    await chatArrives(anna, mod, 'Nach dem Schlüsselwechsel');

    // A link without its key ends before the lobby (the page peeks first): the
    // host never sees a knock, nobody without the key gets the participant list.
    await mod.page.evaluate(() => {
      window.__lobbyEver = 0;
      new MutationObserver(() => {
        window.__lobbyEver = Math.max(window.__lobbyEver, document.querySelectorAll('#lobby-list .lobby-name').length);
      }).observe(document.getElementById('lobby-list'), { childList: true, subtree: true });
    });
    const keyless = await env.open(withFragment(links.Ohne, (p) => p.delete('k')), { name: 'client-no-key' });
    assert.equal(await endKind(keyless), 'incomplete');
    assert.match(await keyless.page.locator('#end-title').textContent(), /unvollständig/);
    await mod.page.waitForTimeout(1000);
    assert.equal(await mod.page.evaluate(() => window.__lobbyEver), 0, 'the host never saw a knock from the keyless link');

    // The server never saw the key (nor the rotated one in the client's address).
    const log = env.janus.readLog();
    assert.ok(!log.includes(key), 'the room key is not in Janus\'s log');
    assert.ok(!log.includes(wrong));
    const newKey = new URLSearchParams(new URL(anna.page.url()).hash.slice(1)).get('k');
    assert.ok(newKey && newKey !== key && !log.includes(newKey));

    await mod.page.getByRole('button', { name: 'Sitzung beenden' }).click();
    await confirm(mod, 'Sitzung beenden');
    assert.equal(await endKind(anna), 'ended');
  }),
);
