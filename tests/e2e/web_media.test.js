'use strict';
// NEEDS THE MEDIA LAYER (issue 3: publish / plugin offers / data-channel chat).
//
// The web page's media end to end: the moderator and an admitted client see
// each other's video (WebRTC stats: framesDecoded grows, and the video element
// in the other person's tile plays), hear each other (audio packets), chat
// arrives both ways on the data channel, a camera turned off shows the
// initials instead, and a removed client's media stops. Run twice: with the
// page's default (simulcast video, three layers) and with ?simulcast=0 (one
// layer), so a failure tells which of the two the media layer gets wrong.
//
//   cd tests/e2e && ./run-in-netns.sh node --test web_media.test.js

const assert = require('node:assert/strict');
const fs = require('node:fs');
const { test } = require('node:test');

const { COUNSEL_PLUGIN, COUNSEL_KEYGEN, runWeb } = require('../support');
const { shot, waitScreen, endKind, createSession, enterAsModerator, openLinkAndJoin, waitLobby, waitTiles, confirm } = require('./web_support/flow');
const { waitTileVideo } = require('./web_support/media');

const built = fs.existsSync(COUNSEL_PLUGIN) && fs.existsSync(COUNSEL_KEYGEN);
const skip = !built && `not built: ${COUNSEL_PLUGIN}`;

// Growth of decoded frames / received audio packets over `ms` on the page's PeerConnection.
async function inboundGrowth(tp, ms = 3000) {
  const { byKind } = await tp.flowByKind(ms);
  return byKind;
}

// The page's default is simulcast; ?simulcast=0 sends one layer.
for (const simulcast of [true, false]) {
  const mode = simulcast ? 'simulcast' : 'one layer';
  const query = simulcast ? '' : '?simulcast=0';
  const prefix = simulcast ? 'media' : 'media-single';
  // The page's address with the query before the personal #fragment.
  const withQuery = (link) => link.replace('/#', `/${query}#`);

  test(`web media [needs the media layer], ${mode}: moderator and client see and hear each other, chat both ways`, { skip }, (t) =>
    runWeb(t, { timeoutMs: 150000 }, async (env) => {
      const mod = await env.open(query, { name: 'moderator' });
      const { links } = await createSession(mod, { key: env.practitionerKey, labels: ['Mutter', 'Vater'], title: 'Erstgespräch' });
      await enterAsModerator(mod, 'Dr. Berger');

      const anna = await openLinkAndJoin(env, withQuery(links.Mutter), 'Anna', { pageName: 'client-anna' });
      const ben = await openLinkAndJoin(env, withQuery(links.Vater), 'Ben', { pageName: 'client-ben' });
      await waitLobby(mod, ['Anna', 'Ben']);
      await mod.page.getByRole('button', { name: 'Abweisen: Ben' }).click();
      await confirm(mod, 'Nicht jetzt');
      assert.equal(await endKind(ben), 'denied');
      await mod.page.getByRole('button', { name: 'Einlassen: Anna' }).click();
      await waitScreen(anna, 'screen-session');
      await waitTiles(anna, 2);
      await waitTiles(mod, 2);

      // Each sees the other's camera in the other's tile, and frames keep coming.
      await waitTileVideo(anna, 'Dr. Berger');
      await waitTileVideo(mod, 'Anna');
      await anna.waitForMedia({ kinds: ['video', 'audio'], timeoutMs: 20000 });
      await mod.waitForMedia({ kinds: ['video', 'audio'], timeoutMs: 20000 });
      if (simulcast) {
        // The page really sends layers (rids), and the re-offers kept them flowing.
        const rids = await mod.page.evaluate(async () => {
          const out = new Set();
          for (const pc of window.__e2e.pcs) {
            (await pc.getStats()).forEach((r) => {
              if (r.type === 'outbound-rtp' && r.kind === 'video' && r.rid && r.packetsSent > 0) out.add(r.rid);
            });
          }
          return [...out];
        });
        t.diagnostic(`moderator sends video layers ${rids.join(', ')}`);
        assert.ok(rids.length >= 2, `simulcast layers sent: ${rids}`);
      }
      const annaIn = await inboundGrowth(anna);
      const modIn = await inboundGrowth(mod);
      t.diagnostic(`3 s inbound: client ${JSON.stringify(annaIn)}, moderator ${JSON.stringify(modIn)}`);
      assert.ok(annaIn.video.framesDecoded >= 20, `the client decodes the moderator's video: ${JSON.stringify(annaIn)}`);
      assert.ok(modIn.video.framesDecoded >= 20, `the moderator decodes the client's video: ${JSON.stringify(modIn)}`);
      assert.ok(annaIn.audio.packetsReceived >= 50, `the client receives audio: ${JSON.stringify(annaIn)}`);
      assert.ok(modIn.audio.packetsReceived >= 50, `the moderator receives audio: ${JSON.stringify(modIn)}`);

      // Chat both ways (data channel), with the sender's name.
      await anna.page.locator('#chat-input:not([disabled])').waitFor({ timeout: 15000 });
      await mod.page.locator('#chat-input:not([disabled])').waitFor({ timeout: 15000 });
      await anna.page.getByLabel('Nachricht an alle im Raum').fill('Guten Tag, ich höre Sie gut.');
      await anna.page.getByRole('button', { name: 'Senden' }).click();
      await mod.page.locator('#chat-log .chat-item').filter({ hasText: 'Guten Tag, ich höre Sie gut.' }).waitFor();
      assert.match(await mod.page.locator('#chat-log .chat-item').last().innerText(), /^Anna:/);
      await mod.page.getByLabel('Nachricht an alle im Raum').fill('Schön, dass Sie da sind – ü, ß, 😊');
      await mod.page.keyboard.press('Enter');
      await anna.page.locator('#chat-log .chat-item').filter({ hasText: 'Schön, dass Sie da sind – ü, ß, 😊' }).waitFor();
      assert.match(await anna.page.locator('#chat-log .chat-item').last().innerText(), /^Dr\. Berger:/);
      await shot(anna, `${prefix}-01-client-session-video-chat`, { minColors: 32 });
      await shot(mod, `${prefix}-02-moderator-session-video-chat`, { minColors: 32 });

      // The client turns her camera off: the moderator sees her initials, frames stop.
      await anna.page.getByRole('button', { name: 'Kamera' }).click();
      await anna.page.waitForFunction(() => document.getElementById('btn-cam').getAttribute('aria-pressed') === 'false');
      await mod.page.waitForFunction(() => [...document.querySelectorAll('#tiles .tile')].some((t) => !t.classList.contains('self') && t.classList.contains('no-video')));
      await mod.page.waitForTimeout(1000);
      const off = await inboundGrowth(mod, 2000);
      assert.ok(off.video.framesDecoded <= 2, `no frames from a camera that is off: ${JSON.stringify(off)}`);
      await shot(mod, `${prefix}-03-moderator-client-camera-off`, { minColors: 32 });
      await anna.page.getByRole('button', { name: 'Kamera' }).click();
      await anna.page.waitForFunction(() => document.getElementById('btn-cam').getAttribute('aria-pressed') === 'true');
      await waitTileVideo(mod, 'Anna');
      await mod.page.waitForFunction(() => [...document.querySelectorAll('#tiles .tile')].every((t) => !t.classList.contains('no-video')));

      // Removed: her page says so and her media stops reaching the moderator.
      await mod.page.getByRole('button', { name: 'Entfernen: Anna' }).click();
      await confirm(mod, 'Entfernen');
      assert.equal(await endKind(anna), 'removed');
      await waitTiles(mod, 1);
      await mod.page.waitForTimeout(1500);
      const after = await inboundGrowth(mod, 2000);
      assert.ok(!after.video || after.video.framesDecoded <= 2, `nothing from a removed client: ${JSON.stringify(after)}`);

      await mod.page.getByRole('button', { name: 'Sitzung beenden' }).click();
      await confirm(mod, 'Sitzung beenden');
      assert.equal(await endKind(mod), 'endedModerator');
    }));
}
