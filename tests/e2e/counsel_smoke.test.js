'use strict';
// The harness with the counsel plugin: Janus loads it inside the test
// namespace with a generated config (state_db, rec_dir, a practitioner from
// counsel-keygen), and a janus.js page creates a room and takes the moderator
// seat over ws://10.200.0.1. Skipped when the plugin is not built.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const { test } = require('node:test');

const { runE2E, COUNSEL_PLUGIN, COUNSEL_KEYGEN } = require('../support');

const built = fs.existsSync(COUNSEL_PLUGIN) && fs.existsSync(COUNSEL_KEYGEN);

test('counsel: a janus.js page creates a room and joins as moderator', { skip: !built && `not built: ${COUNSEL_PLUGIN}` }, (t) =>
  runE2E(t, { plugins: ['counsel'], timeoutMs: 30000 }, async (env) => {
    const tp = await env.open('plugin.html', { plugin: 'janus.plugin.counsel' }, { name: 'moderator' });
    await tp.waitForState((s) => s.phase === 'attached', { message: 'attached to janus.plugin.counsel' });
    const created = await tp.page.evaluate(
      (key) => window.plugin.request({ request: 'create', practitioner_key: key, invitees: [{ label: 'Client' }] }),
      env.janus.practitionerKey,
    );
    assert.equal(created.msg.counsel, 'created', JSON.stringify(created.msg));
    const joined = await tp.page.evaluate(
      ({ room, token }) => window.plugin.request({ request: 'join', room, token, display: 'Dr. Test' }),
      { room: created.msg.room, token: created.msg.moderator_token },
    );
    assert.equal(joined.msg.counsel, 'joined', JSON.stringify(joined.msg));
    assert.equal(joined.msg.role, 'moderator');
  }));
