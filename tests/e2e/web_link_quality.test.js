'use strict';
// A poor link, counsel against Janus's VideoRoom under the same shaping
// (README "Browsers and networks"). A host in the test namespace and a client
// on a link of its own (harness/client_link.js), both Chromium; the client's link
// gets, in turn, 3 % loss and a 300 kbit/s cap, both directions (this kernel
// has no netem: client_link.js says how). For each, over a window of
// COUNSEL_E2E_FREEZE_MS (default 15 s), on both pages: freezes (stretches
// over 1 s without a decoded frame, also per minute), frames decoded and audio
// packets received. Printed, never compared; asserted only that counsel's
// audio keeps flowing both ways. Then the client's page offers audio-only
// receiving on a link too poor for video (100 kbit/s), and the switch works
// both ways from the page (no video while it is on, sound goes on: ≥ 10
// packets/s, a machine busy with other tests delivers less than Opus's 50).
//
// VideoRoom runs as its demo does: the client publishes simulcast and
// subscribes on a PeerConnection of its own (Janus answers NACKs there), the
// subscriber stays on the default (top) substream.
//
//   cd tests/e2e && ./run-in-netns.sh node --test web_link_quality.test.js

const assert = require('node:assert/strict');
const fs = require('node:fs');
const { test } = require('node:test');

const { COUNSEL_PLUGIN, COUNSEL_KEYGEN, freezes, runE2E, runWeb, sleep } = require('../support');
const { ClientLink } = require('./harness/client_link');
const { admit, createSession, enterAsModerator, openLinkAndJoin, waitScreen, waitTiles } = require('./web_support/flow');
const { framesOf, waitDecodingAgain, waitSeesAndHears } = require('./web_support/media');

const built = fs.existsSync(COUNSEL_PLUGIN) && fs.existsSync(COUNSEL_KEYGEN);
const skip = !built && `not built: ${COUNSEL_PLUGIN}`;

const WINDOW_MS = Number(process.env.COUNSEL_E2E_FREEZE_MS || 15000);
// COUNSEL_E2E_RECEIVE=one: the counsel pages keep everything on one
// PeerConnection (?receive=one), for a before/after comparison of issue 17.
const ONE_PC = process.env.COUNSEL_E2E_RECEIVE === 'one';
const withQuery = (url) => {
  if (!ONE_PC) return url;
  const u = new URL(url);
  u.searchParams.set('receive', 'one');
  return u.toString();
};
// How many open PeerConnections a page has (2 with a receiving handle).
const openPcs = (tp) => tp.evaluate(() => ((window.__e2e && window.__e2e.pcs) || []).filter((pc) => pc.connectionState !== 'closed').length);
const CONDITIONS = [
  { name: '3 % loss', shape: { lossPercent: 3 } },
  { name: '300 kbit/s', shape: { kbit: 300 } },
];

const fmt = (m) =>
  `${m.freezes} freezes (${m.perMinute}/min, ${(m.frozenMs / 1000).toFixed(1)} s frozen), ${m.frames} frames, ${m.audioPackets} audio packets in ${(m.ms / 1000).toFixed(1)} s`;

// Each condition in turn; returns { [condition]: { client, host } }.
async function underEach(t, system, link, host, client) {
  const out = {};
  for (const c of CONDITIONS) {
    await link.shape(c.shape);
    await sleep(3000); // the senders' estimates settle
    const [down, up] = await Promise.all([freezes(client, WINDOW_MS), freezes(host, WINDOW_MS)]);
    // Whether the counsel page offers audio-only now (the VideoRoom page has no such offer).
    const offered = await client.evaluate(() => {
      const hint = document.getElementById('link-hint');
      return hint ? !hint.hidden : null;
    });
    t.diagnostic(`${system}, ${c.name}: the client receives ${fmt(down)}${offered === null ? '' : `; audio-only offered: ${offered ? 'yes' : 'no'}`}`);
    t.diagnostic(`${system}, ${c.name}: the host receives from the client ${fmt(up)}`);
    out[c.name] = { client: down, host: up };
    await link.shape();
  }
  return out;
}

test('poor link, counsel: freezes under 3 % loss and 300 kbit/s, audio keeps flowing; audio-only offered and switched', { skip }, (t) =>
  runWeb(t, { timeoutMs: 240000 }, async (env) => {
    const link = await ClientLink.create(3);
    try {
      const clientBrowser = await env.launchOn(link, 'chromium');
      const host = await env.open(ONE_PC ? '?receive=one' : '', { name: 'host' });
      const { links } = await createSession(host, { key: env.practitionerKey, labels: ['Klient'], e2ee: false });
      await enterAsModerator(host, 'Dr. Weber');
      const client = await openLinkAndJoin(env, withQuery(links.Klient), 'Kim', { browser: clientBrowser, pageName: 'client' });
      await admit(host, 'Kim');
      await waitScreen(client, 'screen-session');
      await waitTiles(host, 2);
      await waitSeesAndHears(client, ['Dr. Weber']);
      await waitSeesAndHears(host, ['Kim']);
      t.diagnostic(`counsel: PeerConnections open on the client's page: ${await openPcs(client)}, the host's: ${await openPcs(host)}`);

      const measured = await underEach(t, 'counsel', link, host, client);
      const minAudio = (20 * WINDOW_MS) / 1000; // 20 packets/s of Opus's 50
      for (const [name, m] of Object.entries(measured)) {
        assert.ok(m.client.audioPackets >= minAudio, `${name}: the client keeps hearing the host (${m.client.audioPackets} packets)`);
        assert.ok(m.host.audioPackets >= minAudio, `${name}: the host keeps hearing the client (${m.host.audioPackets} packets)`);
      }

      // Too poor for pictures: the page offers sound only (if it does not yet), and the switch works both ways.
      await link.shape({ kbit: 100 });
      await client.waitVisible('#link-hint', { timeout: 45000 });
      await client.click({ button: 'Nur Ton empfangen', exact: true });
      await client.waitVisible('#link-hint-action');
      await client.waitForFunction(() => document.getElementById('link-hint-action').textContent === 'Bilder wieder empfangen');
      await link.shape();
      await sleep(1500);
      const before = await framesOf(client, 'Dr. Weber');
      await sleep(2500);
      const still = (await framesOf(client, 'Dr. Weber')) - before;
      const audio = await freezes(client, 3000);
      t.diagnostic(`counsel, audio only: ${still} frames decoded in 2.5 s, ${audio.audioPackets} audio packets in 3 s`);
      assert.ok(still <= 2, `no video while receiving sound only (${still} frames)`);
      assert.ok(audio.audioPackets >= 30, `sound goes on (${audio.audioPackets} packets)`);
      await client.click({ button: 'Bilder wieder empfangen', exact: true });
      const back = await waitDecodingAgain(client, 'Dr. Weber', { timeout: 20000 });
      t.diagnostic(`counsel: video back ${back} ms after switching back`);
      await client.waitVisible('#link-hint', { hidden: true });
    } finally {
      await link.close();
    }
  }));

const VIDEOROOM_CONFIG = `general: {
}
room-1234: {
	description = "e2e"
	publishers = 6
	bitrate = 0
	fir_freq = 10
	audiocodec = "opus"
	videocodec = "vp8"
}
`;

test('poor link, Janus VideoRoom as the reference: freezes under the same 3 % loss and 300 kbit/s', (t) =>
  runE2E(t, { plugins: ['videoroom'], janus: { pluginConfigs: { 'janus.plugin.videoroom': VIDEOROOM_CONFIG } }, timeoutMs: 180000 }, async (env) => {
    const link = await ClientLink.create(4);
    try {
      const clientBrowser = await env.launchOn(link, 'chromium');
      const host = await env.open('videoroom.html', { name: 'host' }, { name: 'host' });
      const client = await clientBrowser.open(env.url('videoroom.html', { name: 'client' }), { name: 'client' });
      for (const tp of [host, client]) {
        await tp.waitForState((s) => s.phase === 'published' && s.subscribed.length === 1, { timeoutMs: 30000, message: `${tp.name} publishes and subscribes` });
        await tp.waitForMedia({ kinds: ['video', 'audio'], timeoutMs: 30000 });
      }
      await underEach(t, 'videoroom', link, host, client);
    } finally {
      await link.close();
    }
  }));
