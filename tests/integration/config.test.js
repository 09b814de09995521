'use strict';
// Options that cannot work stop the plugin at start with a sentence naming the
// option (Janus then runs without it, and the harness's probe says why),
// instead of running with a silent default.

const assert = require('node:assert/strict');
const { test } = require('node:test');

const { JanusProcess } = require('./harness/janus_process');

const refused = [
  [{ offer_timeout_s: 1 }, /offer_timeout_s must be 2 \.\. 300/],
  [{ offer_timeout_s: 301 }, /offer_timeout_s must be 2 \.\. 300/],
  [{ store: 'mysql' }, /store must be "sqlite" or "postgres"/],
  [{ postgres_conninfo: 'host=127.0.0.1 dbname=x' }, /postgres_conninfo is set but store is "sqlite"/],
  [{ store: 'postgres' }, /postgres_conninfo must be set/],
];

for (const [plugin, reason] of refused) {
  test(`refused at start: ${JSON.stringify(plugin)}`, async () => {
    await assert.rejects(JanusProcess.start({ plugin }), reason);
  });
}

test('offer_timeout_s inside its range starts', async () => {
  const janus = await JanusProcess.start({ plugin: { offer_timeout_s: 2 } });
  await janus.stop();
});
