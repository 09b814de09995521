'use strict';
// Privacy of the log at Janus's highest debug level (7). Janus's WebSockets
// transport dumps every raw incoming request at LOG_HUGE (level 6+): that is
// outside the plugin's reach, so those lines - exactly a JSON request this
// test sent - are excluded. Any other line with a marker, a token or a
// password fails the test.

const assert = require('node:assert/strict');
const { isDeepStrictEqual } = require('node:util');
const { test } = require('node:test');

const { useWorld } = require('./harness/counsel');
const { sentFrames } = require('../support/janus_client');
const { runPrivacyScenario, linesWithSecrets } = require('./harness/privacy_scenario');

const world = useWorld({ debugLevel: 7 });

// Whether `line` is exactly one of the raw JSON requests this process sent.
function isOwnRequestDump(line) {
  const text = line.trim();
  if (!text.startsWith('{')) return false;
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    return false;
  }
  return sentFrames.some((frame) => frame === text || isDeepStrictEqual(JSON.parse(frame), parsed));
}

test('debug level 7: no secret on any line except Janus\'s raw dumps of our own requests', async (t) => {
  const { secrets, room } = await runPrivacyScenario(world);
  await world.janus.kill('SIGTERM'); // flushes the log
  const log = world.janus.readLog();
  assert.ok(log.length > 0, 'the log was written');
  assert.ok(/counsel/i.test(log), 'the log has the plugin\'s lines (level 7 really is on)');
  const hits = linesWithSecrets(log, secrets);
  const dumps = hits.filter((h) => isOwnRequestDump(h.line));
  const leaks = hits.filter((h) => !isOwnRequestDump(h.line));
  const message = `excluded ${dumps.length} transport dump line(s) of our own requests; ${leaks.length} other line(s) with secrets`;
  t.diagnostic(message);
  const roomHits = log.split('\n').filter((l) => l.includes(room) && !isOwnRequestDump(l)).length;
  t.diagnostic(`room id appears on ${roomHits} non-dump line(s) (informational)`);
  assert.ok(dumps.length > 0, 'Janus at level 7 dumps raw requests (otherwise this test checks nothing)');
  assert.deepEqual(
    leaks.map((h) => `line ${h.number} [${h.names.join(', ')}]: ${h.line.slice(0, 300)}`),
    [],
    'lines with personal data or credentials that are not raw request dumps',
  );
});
