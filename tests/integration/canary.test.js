'use strict';
// Canary scan: a whole session whose display names, labels and title carry a
// unique marker (tokens and passwords are unique by themselves). After `end`
// (the purge runs before its answer) and everyone gone, the marker and the
// credentials are searched for in: Janus's log at debug level 7, every file
// under the plugin's folders (state_db with its WAL, rec_dir), the events
// Debian's sample event handler posted and the plugin's own webhooks
// (events_url), and a core dump (gcore) of the live
// Janus. Run twice: with the allocator settings scripts/run sets
// (MALLOC_PERTURB_, no tcache) and without, to measure what they clear.
// Chat lines need a data channel (a browser): tests/e2e covers them.

const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { test } = require('node:test');

const { World } = require('./harness/counsel');
const { runPrivacyScenario, linesWithSecrets, isOwnRequestDump } = require('./harness/privacy_scenario');
const { scanTree, scanLargeFile, integrityCheck } = require('../support/privacy_scan');
const { sleep } = require('../support/util');

// Under ASan (scripts/harden plugin-asan) a core dump is the terabytes of shadow memory: no dump then.
const UNDER_ASAN = /libasan/.test(process.env.COUNSEL_JANUS_ENV || '');
const WEBHOOK_SECRET = 'canary-webhook-secret-of-at-least-32-characters';
const SERVICE_MALLOC_ENV = { MALLOC_PERTURB_: '165', GLIBC_TUNABLES: 'glibc.malloc.tcache_count=0' }; // as scripts/run

// A local HTTP server collecting what the event handler posts.
async function eventSink() {
  const bodies = [];
  const paths = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      paths.push(req.url);
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200).end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return { bodies, paths, url: `${base}/events`, webhook: `${base}/webhook`, close: () => new Promise((r) => server.close(r)) };
}

// Waits until no new event arrived for `quietMs` (the handler posts from its own thread).
async function settle(bodies, quietMs = 1500, limitMs = 30000) {
  const deadline = Date.now() + limitMs;
  let count = -1;
  while (count !== bodies.length && Date.now() < deadline) {
    count = bodies.length;
    await sleep(quietMs);
  }
}

function coreDumpHits(pid, markers) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'counsel-core-'));
  try {
    execFileSync('gcore', ['-o', path.join(dir, 'core'), String(pid)], { stdio: 'ignore', timeout: 120000 });
    const file = path.join(dir, `core.${pid}`);
    return { hits: scanLargeFile(file, markers), bytes: fs.statSync(file).size };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const sum = (hits) => hits.reduce((n, h) => n + h.count, 0);

async function canaryRun(t, label, env) {
  const sink = await eventSink();
  const world = await World.start({
    debugLevel: 7, env, eventBackend: sink.url, counsel: { events_url: sink.webhook, events_secret: WEBHOOK_SECRET },
  });
  try {
    const { secrets } = await runPrivacyScenario(world);
    const markers = Object.values(secrets);
    // Everyone leaves: their Janus sessions (and the transport's buffers) are freed.
    await Promise.allSettled(world.people.map((h) => h.close()));
    world.people = [];
    await settle(sink.bodies);
    // The admin secret is live in Janus's configuration: the dump's positive control.
    const core = UNDER_ASAN ? { hits: [], bytes: 0 } : coreDumpHits(world.janus.pid, [...markers, world.janus.adminSecret]);
    const control = core.hits.filter((h) => h.marker === world.janus.adminSecret);
    core.hits = core.hits.filter((h) => h.marker !== world.janus.adminSecret);
    await world.janus.kill('SIGTERM'); // flushes the log

    const logHits = linesWithSecrets(world.janus.readLog(), secrets);
    const logLeaks = logHits.filter((h) => !isOwnRequestDump(h.line));
    const fileHits = scanTree(world.janus.dir, markers, {
      skip: (f) => f.endsWith('.jcfg') || f === world.janus.logPath,
    });
    const eventHits = linesWithSecrets(sink.bodies.join('\n'), secrets);
    const byWhat = {};
    for (const h of core.hits) {
      const name = Object.keys(secrets).find((k) => secrets[k] === h.marker);
      byWhat[name] = (byWhat[name] || 0) + h.count;
    }
    t.diagnostic(
      `${label}: log ${logLeaks.length} line(s) (+${logHits.length - logLeaks.length} transport dumps of our requests), ` +
        `files ${sum(fileHits)}, events and webhooks ${eventHits.length} of ${sink.bodies.length} posts ` +
        `(${sink.paths.filter((p) => p === '/webhook').length} webhooks), ` +
        (UNDER_ASAN
          ? 'core dump not taken (ASan shadow memory)'
          : `core dump (${(core.bytes / 1048576).toFixed(0)} MiB) ${sum(core.hits)} ${JSON.stringify(byWhat)}`),
    );
    assert.ok(sink.paths.includes('/events'), 'the event handler posted events (otherwise this checks nothing)');
    assert.ok(sink.paths.includes('/webhook'), 'the plugin posted webhooks (otherwise this checks nothing)');
    assert.ok(UNDER_ASAN || control.length > 0, 'the core dump scan finds the live admin secret (otherwise it checks nothing)');
    assert.deepEqual(logLeaks.map((h) => `${h.names.join(',')}: ${h.line.slice(0, 200)}`), [], `${label}: log lines`);
    assert.deepEqual(fileHits, [], `${label}: files under the plugin's folders`);
    assert.deepEqual(eventHits.map((h) => h.line.slice(0, 300)), [], `${label}: events posted`);
    assert.equal(integrityCheck(world.janus.stateDb), 'ok', 'PRAGMA integrity_check');
    return { core, byWhat };
  } finally {
    await world.close();
    await sink.close();
  }
}

test('canary: no marker in log, files, store or events; core dump measured (service allocator settings)', async (t) => {
  await canaryRun(t, 'MALLOC_PERTURB_+no tcache', SERVICE_MALLOC_ENV);
});

test('canary: same without the allocator settings', async (t) => {
  await canaryRun(t, 'plain glibc', {});
});
