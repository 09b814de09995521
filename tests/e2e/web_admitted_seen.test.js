'use strict';
// Admitted -> seen (issue 16, README "Performance"): from the host's click on
// "Einlassen" to the first frame each side shows of the other (the tile's
// video has a decoded frame: readyState >= 2 and a width), through the real
// page in an end-to-end encrypted room, with a Chromium client and a Firefox
// client (the host: Chromium). Both pages poll their tile every 10 ms from
// before the click, on this machine's one clock. Printed, never asserted:
// the test asserts only that both sides see each other.
//
//   cd tests/e2e && ./run-in-netns.sh node --test web_admitted_seen.test.js
//   COUNSEL_E2E_ROUNDS=3 (default 1): rooms per client browser, for a median

const assert = require('node:assert/strict');
const fs = require('node:fs');
const { test } = require('node:test');

const { COUNSEL_PLUGIN, COUNSEL_KEYGEN, runWeb } = require('../support');
const { admit, createSession, endSession, enterAsModerator, openLinkAndJoin, waitScreen } = require('./web_support/flow');
const { waitSeesAndHears } = require('./web_support/media');

const built = fs.existsSync(COUNSEL_PLUGIN) && fs.existsSync(COUNSEL_KEYGEN);
const skip = !built && `not built: ${COUNSEL_PLUGIN}`;
const ROUNDS = Math.max(1, Number(process.env.COUNSEL_E2E_ROUNDS || 1));

const HOST = 'Dr. Weber';
const CLIENT = 'Kim';

// Starts polling, in the page, for the first decoded frame of `name`'s tile;
// its time (Date.now()) lands in window.__firstFrame.
const watchFirstFrame = (tp, name) =>
  tp.evaluate((who) => {
    window.__firstFrame = null;
    const timer = setInterval(() => {
      const tile = [...document.querySelectorAll('#tiles .tile')].find((t) => {
        const label = t.querySelector('.tile-name');
        return label && label.textContent.startsWith(who);
      });
      const video = tile && tile.querySelector('video');
      if (video && video.readyState >= 2 && video.videoWidth > 0) {
        window.__firstFrame = Date.now();
        clearInterval(timer);
      }
    }, 10);
  }, name);

const firstFrame = (tp) => tp.waitForFunction(() => window.__firstFrame, null, { timeout: 60000 }).then(() => tp.evaluate(() => window.__firstFrame));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

for (const engine of ['chromium', 'firefox']) {
  test(`admitted -> seen, e2ee room, Chromium host, ${engine} client: both directions printed`, { skip }, (t) =>
    runWeb(t, { timeoutMs: 60000 + ROUNDS * 60000 }, async (env) => {
      const toClient = [];
      const toHost = [];
      for (let round = 1; round <= ROUNDS; round += 1) {
        const host = await env.open('', { name: `host-${round}` });
        const { links } = await createSession(host, { key: env.practitionerKey, labels: ['Klient'], e2ee: true });
        await enterAsModerator(host, HOST);
        const client = await openLinkAndJoin(env, links.Klient, CLIENT, { pageName: `client-${engine}-${round}`, engine });
        await Promise.all([watchFirstFrame(host, CLIENT), watchFirstFrame(client, HOST)]);
        const clicked = Date.now();
        await admit(host, CLIENT);
        await waitScreen(client, 'screen-session');
        const [seenByClient, seenByHost] = await Promise.all([firstFrame(client), firstFrame(host)]);
        toClient.push(seenByClient - clicked);
        toHost.push(seenByHost - clicked);
        t.diagnostic(`round ${round}, ${engine} client: the client sees the host ${seenByClient - clicked} ms after the click, the host the client ${seenByHost - clicked} ms`);
        await waitSeesAndHears(client, [HOST]);
        await waitSeesAndHears(host, [CLIENT]);
        await endSession(host);
        await client.close();
        await host.close();
      }
      t.diagnostic(`${engine} client, ${ROUNDS} round(s): admitted -> seen, median ${median(toClient)} ms (host -> client), ${median(toHost)} ms (client -> host); all: ${JSON.stringify({ toClient, toHost })}`);
      assert.equal(toClient.length, ROUNDS);
    }));
}
