'use strict';
// Privacy of the log at debug level 5 (the highest level without Janus's raw
// request dumps): no marker, token or password anywhere in the whole log.

const assert = require('node:assert/strict');
const { test } = require('node:test');

const { useWorld } = require('./harness/counsel');
const { runPrivacyScenario, linesWithSecrets } = require('./harness/privacy_scenario');

const world = useWorld({ debugLevel: 5 });

test('debug level 5: no secret anywhere in the log', async (t) => {
  const { secrets, room } = await runPrivacyScenario(world);
  await world.janus.kill('SIGTERM'); // flushes the log
  const log = world.janus.readLog();
  assert.ok(log.length > 0, 'the log was written');
  const hits = linesWithSecrets(log, secrets);
  const roomHits = log.split('\n').filter((l) => l.includes(room)).length;
  t.diagnostic(`room id appears on ${roomHits} line(s) (informational)`);
  assert.deepEqual(
    hits.map((h) => `line ${h.number} [${h.names.join(', ')}]: ${h.line.slice(0, 300)}`),
    [],
    'lines with personal data or credentials',
  );
});
