'use strict';
// A room's handles on one Janus event loop (issue 16, docs/performance.md
// "Static event loops"): Janus with 2 static loops and loop indication (as
// conf/janus.jcfg.in ships it, event_loops = cores), serve.js --janus-loops 2;
// a host and a client in a room, each with its publishing and its receiving
// handle. Janus's Admin API (loops_info) must show all of them on the loop
// the page computes from the room id (web/js/loops.js) and none on the other:
// Janus alone would fill the loops in turn (2 and 2).
//
//   cd tests/e2e && ./run-in-netns.sh node --test web_loops.test.js     (~30 s)

const assert = require('node:assert/strict');
const fs = require('node:fs');
const { test } = require('node:test');

const { COUNSEL_PLUGIN, COUNSEL_KEYGEN, runWeb } = require('../support');
const { admit, createSession, endSession, enterAsModerator, openLinkAndJoin, waitScreen } = require('./web_support/flow');
const { waitSeesAndHears } = require('./web_support/media');

const built = fs.existsSync(COUNSEL_PLUGIN) && fs.existsSync(COUNSEL_KEYGEN);
const skip = !built && `not built: ${COUNSEL_PLUGIN}`;
const LOOPS = 2;

test('a room on one event loop: every handle of the host and the client on the room\'s loop', { skip }, (t) =>
  runWeb(t, { janus: { general: { event_loops: LOOPS, allow_loop_indication: true } }, web: { loops: LOOPS }, timeoutMs: 120000 }, async (env) => {
    const { roomLoop } = await import('../../web/js/loops.js');
    const host = await env.open('', { name: 'host' });
    const { links } = await createSession(host, { key: env.practitionerKey, labels: ['Klient'], e2ee: false });
    await enterAsModerator(host, 'Dr. Weber');
    const client = await openLinkAndJoin(env, links.Klient, 'Kim', { pageName: 'client' });
    await admit(host, 'Kim');
    await waitScreen(client, 'screen-session');
    await waitSeesAndHears(client, ['Dr. Weber']);
    await waitSeesAndHears(host, ['Kim']);
    // Both pages bound their receiving handle by now (the client's tiles play on it).
    const room = new URL(links.Klient).hash.match(/room=([^&]+)/)[1];
    const want = roomLoop(decodeURIComponent(room), LOOPS);
    const handles = await env.janus.allHandleInfo();
    const counsel = handles.filter((h) => h.info && h.info.plugin === 'janus.plugin.counsel');
    const loops = (await env.janus.admin({ janus: 'loops_info' })).loops;
    t.diagnostic(`room loop ${want}; loops_info ${JSON.stringify(loops)}; ${counsel.length} counsel handles`);
    assert.ok(counsel.length >= 4, `the host's and the client's publishing and receiving handles: ${counsel.length}`);
    assert.equal(loops.length, LOOPS);
    for (const loop of loops) {
      if (loop.id === want) assert.ok(loop.handles >= counsel.length, `every handle on the room's loop: ${JSON.stringify(loops)}`);
      else assert.equal(loop.handles, 0, `none on another: ${JSON.stringify(loops)}`);
    }
    await endSession(host);
  }));
