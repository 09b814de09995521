'use strict';
// Networks that drop, through the real page (README "Browsers and networks";
// docs/api.md "Coming back after a network drop"). The client's browser runs on a link of
// its own (harness/client_link.js: a veth into a namespace of its own), so its
// network alone can go:
//
//   blink           link down 3 s
//   drop            link down 20 s (ICE fails; the WebSocket may die; the
//                   host mutes the client meanwhile)
//   hung up         link down 8 s, and meanwhile Janus closes the client's
//                   PeerConnection (Admin API hangup_webrtc): the page never
//                   hears it, and publishes anew when it is back
//   address change  link down 5 s, the client comes back with another address
//
// After each: the client is back in the room without knocking (never the
// lobby, never an end screen, the host's lobby stays empty), decodes the
// host's video again, and the host decodes the client's again; during the
// drop the host's tile of the client shows "reconnecting" and the client its
// own banner; the host's mute reaches the client. Run in a plain room with a
// Chromium client and in an e2ee room with a Firefox client. Recovery times
// (from the link coming back to video decoded again, each way) are printed,
// never asserted. And a network that lets one PeerConnection through but not
// the receiving one: the page gives that up and receives on its first.
//
//   cd tests/e2e && ./run-in-netns.sh node --test web_networks.test.js

const assert = require('node:assert/strict');
const fs = require('node:fs');
const { test } = require('node:test');

const { COUNSEL_PLUGIN, COUNSEL_KEYGEN, runWeb, sleep } = require('../support');
const { ClientLink } = require('./harness/client_link');
const { admit, createSession, enterAsModerator, openLinkAndJoin, screenOf, waitScreen, waitTiles } = require('./web_support/flow');
const { waitDecodingAgain, waitSeesAndHears, waitTileVideo } = require('./web_support/media');

const built = fs.existsSync(COUNSEL_PLUGIN) && fs.existsSync(COUNSEL_KEYGEN);
const skip = !built && `not built: ${COUNSEL_PLUGIN}`;

const HOST = 'Dr. Weber';
const CLIENT = 'Kim';

// Whether the host's tile of the client carries the reconnecting mark.
const marked = (host) =>
  host.evaluate((who) => {
    const tile = [...document.querySelectorAll('#tiles .tile')].find((t) => t.querySelector('.tile-name').textContent.startsWith(who));
    return !!tile && tile.classList.contains('reconnecting');
  }, CLIENT);

// Screens the client showed, sampled every 200 ms while `fn` runs (a lobby or
// end screen, even briefly, is a failure), and whether its banner showed.
async function watchClient(client, fn) {
  const seen = new Set();
  let banner = false;
  let stop = false;
  const sampler = (async () => {
    while (!stop) {
      const s = await client
        .evaluate(() => ({ screen: (document.querySelector('main > .screen:not([hidden])') || {}).id, banner: !document.getElementById('reconnect-banner').hidden }))
        .catch(() => null);
      if (s) {
        seen.add(s.screen);
        banner = banner || s.banner;
      }
      await sleep(200);
    }
  })();
  try {
    await fn();
  } finally {
    stop = true;
    await sampler;
  }
  return { screens: [...seen], banner };
}

// Link back up -> each side decodes the other's video again; prints both times.
async function recovery(t, what, host, client) {
  const [toClient, toHost] = await Promise.all([
    waitDecodingAgain(client, HOST, { timeout: 90000 }),
    waitDecodingAgain(host, CLIENT, { timeout: 90000 }),
  ]);
  t.diagnostic(`${what}: video back ${toClient} ms after the link (host -> client), ${toHost} ms (client -> host)`);
  return { toClient, toHost };
}

async function assertInRoom(host, client, watched, what) {
  assert.deepEqual(watched.screens.filter((s) => s !== 'screen-session'), [], `${what}: the client stayed in the room (screens ${watched.screens})`);
  assert.equal(await screenOf(client), 'screen-session');
  const lobby = await host.evaluate(() => document.querySelectorAll('#lobby-list li').length);
  assert.equal(lobby, 0, `${what}: nobody knocked`);
  await host.waitForFunction((who) => ![...document.querySelectorAll('#tiles .tile.reconnecting')].some((t) => t.textContent.includes(who)), CLIENT, { timeout: 20000 });
}

// Janus's Admin API closes the client's publishing PeerConnection.
async function hangUpClientPeerConnection(janus) {
  const seat = (await janus.allHandleInfo()).find((h) => {
    const ps = h.info && h.info.plugin_specific;
    return ps && ps.role === 'participant' && ps.state === 'admitted';
  });
  assert.ok(seat, "the client's publishing handle");
  const reply = await janus.admin({ janus: 'hangup_webrtc', session_id: seat.session_id, handle_id: seat.handle_id });
  assert.equal(reply.janus, 'success', JSON.stringify(reply));
}

async function scenario(t, { e2ee, engine, n }) {
  const label = `${e2ee ? 'e2ee' : 'plain'}, ${engine} client`;
  return runWeb(t, { timeoutMs: 300000 }, async (env) => {
    const link = await ClientLink.create(n);
    try {
      const clientBrowser = await env.launchOn(link, engine);
      const host = await env.open('', { name: 'host' });
      const { links } = await createSession(host, { key: env.practitionerKey, labels: ['Klient'], e2ee });
      await enterAsModerator(host, HOST);
      const client = await openLinkAndJoin(env, links.Klient, CLIENT, { browser: clientBrowser, pageName: `client-${engine}` });
      await admit(host, CLIENT);
      await waitScreen(client, 'screen-session');
      await waitTiles(client, 2);
      await waitTiles(host, 2);
      await waitSeesAndHears(client, [HOST]);
      await waitSeesAndHears(host, [CLIENT]);

      // A blink: 3 s without a link.
      let watched = await watchClient(client, async () => {
        await link.down();
        await sleep(3000);
        await link.up();
        await recovery(t, `${label}, blink 3 s`, host, client);
      });
      await assertInRoom(host, client, watched, 'blink');

      // A drop of 20 s: the host sees the mark and mutes the client meanwhile.
      let sawMark = false;
      watched = await watchClient(client, async () => {
        await link.down();
        const downAt = Date.now();
        const deadline = downAt + 15000;
        while (!sawMark && Date.now() < deadline) {
          sawMark = await marked(host);
          if (!sawMark) await sleep(250);
        }
        t.diagnostic(`${label}, drop 20 s: host's tile of the client marked reconnecting after ${sawMark ? Date.now() - downAt : 'never'} ms`);
        await host.click({ button: `Stummschalten: ${CLIENT}`, exact: true });
        await sleep(Math.max(0, downAt + 20000 - Date.now()));
        await link.up();
        await recovery(t, `${label}, drop 20 s`, host, client);
      });
      assert.ok(sawMark, 'the host saw the reconnecting mark during the drop');
      assert.ok(watched.banner, 'the client saw its reconnecting banner');
      await assertInRoom(host, client, watched, 'drop');
      // The mute made while the client was away reached it.
      await client.waitForFunction(() => document.getElementById('btn-mic').getAttribute('aria-pressed') === 'false', null, { timeout: 15000 });
      await host.click({ button: `Ton freigeben: ${CLIENT}`, exact: true });

      // Janus closes the client's PeerConnection while it is cut off (as when
      // its ICE fails in a long drop): the page never hears that hangup, so an
      // ICE restart of the old PeerConnection cannot work; it publishes anew
      // (the resume says `media_gone`), with the camera and microphone it has.
      watched = await watchClient(client, async () => {
        await link.down();
        await sleep(6000); // the page has given its WebSocket up (PROBE_MS)
        await hangUpClientPeerConnection(env.janus);
        await sleep(2000);
        await link.up();
        await recovery(t, `${label}, hung up while away`, host, client);
      });
      await assertInRoom(host, client, watched, 'hung up while away');

      // Down 5 s, back with another address (Wi-Fi -> mobile data).
      watched = await watchClient(client, async () => {
        await link.down();
        await sleep(5000);
        await link.moveAddress();
        await link.up();
        await recovery(t, `${label}, address change`, host, client);
      });
      await assertInRoom(host, client, watched, 'address change');
      const measured = await client.evaluate(() => window.counselRecoveries || []);
      t.diagnostic(`${label}: the client's own banner times (ms): ${JSON.stringify(measured)}`);
    } finally {
      await link.close();
    }
  });
}

// A network that lets the page's first PeerConnection through but not a
// second. Stood in for in the browser: every PeerConnection after the first is
// relay-only with no TURN server, so it has no candidate of its own and never
// connects; the init script keeps each one's connection states.
const SECOND_PC_NEVER_CONNECTS = `(() => {
  const Base = window.RTCPeerConnection;
  const states = [];
  Object.defineProperty(window, '__pcStates', { value: states });
  window.RTCPeerConnection = class extends Base {
    constructor(config = {}, ...rest) {
      const i = states.length;
      super(i > 0 ? { ...config, iceServers: [], iceTransportPolicy: 'relay' } : config, ...rest);
      states.push([this.connectionState]);
      this.addEventListener('connectionstatechange', () => states[i].push(this.connectionState));
    }
  };
})();`;

test('a second PeerConnection that never connects: the client sees and hears the host on its first one (e2ee, Chromium)', { skip }, (t) =>
  runWeb(t, { timeoutMs: 150000 }, async (env) => {
    const host = await env.open('', { name: 'host' });
    const { links } = await createSession(host, { key: env.practitionerKey, labels: ['Klient'], e2ee: true });
    await enterAsModerator(host, HOST);
    const client = await openLinkAndJoin(env, links.Klient, CLIENT, { pageName: 'client-one-pc', initScripts: [SECOND_PC_NEVER_CONNECTS] });
    await admit(host, CLIENT);
    const admittedAt = Date.now();
    await waitScreen(client, 'screen-session');
    await waitSeesAndHears(host, [CLIENT]);
    // The plugin sends the host's streams to the publishing handle too while
    // the receiving one connects: the picture comes at once.
    await waitTileVideo(client, HOST, { timeout: 30000 });
    t.diagnostic(`the client sees the host ${Date.now() - admittedAt} ms after admission, while its receiving PeerConnection still tries`);
    const givenUp = await client.evaluate(() => window.__e2e.pcs.length >= 2 && window.__e2e.pcs[1].signalingState === 'closed');
    assert.equal(givenUp, false, 'the picture came before the page gave the receiving PeerConnection up');
    // (close() fires no state change: read the PeerConnection itself)
    await client.waitForFunction(() => window.__e2e.pcs.length >= 2 && window.__e2e.pcs[1].signalingState === 'closed', null, { timeout: 30000 });
    t.diagnostic(`the page gave the receiving PeerConnection up ${Date.now() - admittedAt} ms after admission`);
    const states = await client.evaluate(() => window.__pcStates);
    assert.ok(states[0].includes('connected'), `the first connected: ${JSON.stringify(states)}`);
    for (const later of states.slice(1)) assert.ok(!later.includes('connected'), `no later one connected: ${JSON.stringify(states)}`);
    // The host's video and sound go on, on the first PeerConnection.
    await sleep(2000);
    await waitSeesAndHears(client, [HOST], { timeout: 15000 });
    const framesOnFirst = () =>
      client.evaluate(async () => {
        let frames = 0;
        (await window.__e2e.pcs[0].getStats()).forEach((r) => {
          if (r.type === 'inbound-rtp' && r.kind === 'video') frames += r.framesDecoded || 0;
        });
        return frames;
      });
    const before = await framesOnFirst();
    await sleep(2000);
    const after = await framesOnFirst();
    t.diagnostic(`the host's video on the first PeerConnection: ${after - before} frames decoded in 2 s after the fallback`);
    assert.ok(after - before > 10, `the host's video keeps coming on the first PeerConnection (${before} -> ${after} frames)`);
    assert.equal(await screenOf(client), 'screen-session');
  }));

test('networks, plain room, Chromium client: blink, 20 s drop, hung up while away, address change — back without knocking', { skip }, (t) =>
  scenario(t, { e2ee: false, engine: 'chromium', n: 1 }));

test('networks, e2ee room, Firefox client: blink, 20 s drop, hung up while away, address change — back without knocking', { skip }, (t) =>
  scenario(t, { e2ee: true, engine: 'firefox', n: 2 }));
