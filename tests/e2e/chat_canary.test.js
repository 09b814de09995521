'use strict';
// Canary scan of chat lines (they need a data channel, hence a browser): two
// admitted people exchange chat lines carrying a unique marker; after `end`
// and everyone gone, the marker is searched for in Janus's log at debug level
// 7, every file under Janus's and the plugin's folders, and a core dump
// (gcore) of the live Janus run with the service's allocator settings
// (scripts/run). Log and files must be clean, except Janus's own dumps of
// data-channel contents at debug level 7 ("Incoming/Outgoing SCTP contents",
// ice.c, LOG_HUGE: outside the plugin; production must run below level 7),
// which are counted; the core dump hits are measured.

const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { test } = require('node:test');

const { runE2E, sleep, COUNSEL_PLUGIN, COUNSEL_KEYGEN } = require('../support');
const { scanTree, scanLargeFile } = require('../support/privacy_scan');

const built = fs.existsSync(COUNSEL_PLUGIN) && fs.existsSync(COUNSEL_KEYGEN);
const skip = !built && `not built: ${COUNSEL_PLUGIN}`;
const PAGE = 'counsel_media.html';

const call = (tp, fn, arg) => tp.page.evaluate(fn, arg);
const request = async (tp, body) => (await call(tp, (b) => window.counsel.request(b), body)).msg;

async function openPerson(env, label) {
  const tp = await env.open(PAGE, { label }, { name: label });
  await tp.waitForState((s) => s.phase === 'attached', { message: `${label} attached` });
  return tp;
}

test('chat lines with a marker leave no trace in log or files after end; core dump measured', { skip }, (t) =>
  runE2E(
    t,
    {
      plugins: ['counsel'],
      timeoutMs: 240000,
      janus: { debugLevel: 7, env: { MALLOC_PERTURB_: '165', GLIBC_TUNABLES: 'glibc.malloc.tcache_count=0' } },
    },
    async (env) => {
      const marker = `ChatCnry${crypto.randomBytes(6).toString('hex')}`;
      const mod = await openPerson(env, 'moderator');
      const created = await request(mod, {
        request: 'create', practitioner_key: env.janus.practitionerKey, invitees: [{ label: 'A' }, { label: 'B' }], e2ee: false,
      });
      assert.equal(created.counsel, 'created', JSON.stringify(created));
      const joined = await request(mod, { request: 'join', room: created.room, token: created.moderator_token, display: 'Dr. M' });
      assert.equal(joined.counsel, 'joined', JSON.stringify(joined));
      const people = {};
      for (const [i, label] of ['A', 'B'].entries()) {
        const tp = await openPerson(env, label);
        const waiting = await request(tp, { request: 'join', room: created.room, token: created.invites[i].token, display: label });
        assert.equal(waiting.counsel, 'waiting', JSON.stringify(waiting));
        assert.equal((await request(mod, { request: 'admit', id: waiting.id })).counsel, 'ok');
        await tp.waitForState((s) => s.handles.c.messages.some((m) => m.msg.counsel === 'admitted'), { message: `${label} admitted` });
        const res = await call(tp, (o) => window.counsel.publish(o), {});
        assert.equal(res.msg.counsel, 'published', JSON.stringify(res.msg));
        people[label] = tp;
      }
      const lines = [`Mir geht es schlecht ${marker} eins`, `Wirklich ${marker} zwei`];
      // Both data channels open before A's chat can reach B.
      for (const label of ['A', 'B']) {
        await people[label].waitForState((st) => st.counsel.dataOpen, { message: `${label}'s data channel open`, timeoutMs: 30000 });
      }
      for (const text of lines) await call(people.A, (x) => window.counsel.chat(x), text);
      const got = await people.B.waitForState((st) => st.counsel.chats.length >= lines.length, {
        message: 'B gets A\'s chat lines', timeoutMs: 30000,
      });
      assert.deepEqual(got.counsel.chats.map((c) => c.text), lines);

      // The moderator's page pairs replies with requests in order, and events
      // came in between: wait for the `ended` answer in its message list instead.
      await call(mod, (b) => { window.counsel.request(b); }, { request: 'end' });
      await mod.waitForState((st) => st.handles.c.messages.some((m) => m.msg.counsel === 'ended'), { message: 'room ended' });
      t.diagnostic('chat delivered, room ended');
      await Promise.all([mod, people.A, people.B].map((tp) => Promise.race([tp.page.close(), sleep(5000)]).catch(() => {})));
      await sleep(2000); // the PeerConnections and sessions go

      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'counsel-core-'));
      let core;
      try {
        const pid = env.janus.child.pid;
        execFileSync('gcore', ['-o', path.join(dir, 'core'), String(pid)], { stdio: 'ignore', timeout: 120000 });
        t.diagnostic(`core dump of ${(fs.statSync(path.join(dir, `core.${pid}`)).size / 1048576).toFixed(0)} MiB taken`);
        core = scanLargeFile(path.join(dir, `core.${pid}`), [marker, env.janus.adminSecret]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
      await env.janus.stop({ keep: true }).catch(() => {});
      const log = fs.readFileSync(env.janus.logPath, 'utf8');
      const withMarker = log.split('\n').filter((l) => l.includes(marker));
      const sctpDumps = withMarker.filter((l) => /\] (Incoming|Outgoing) SCTP contents: /.test(l));
      const logLines = withMarker.filter((l) => !sctpDumps.includes(l));
      const fileHits = scanTree(env.janus.dir, [marker], { skip: (f) => f === env.janus.logPath });
      const coreHits = core.filter((h) => h.marker === marker).reduce((n, h) => n + h.count, 0);
      t.diagnostic(`chat marker: log ${logLines.length} line(s) (+${sctpDumps.length} Janus SCTP dumps at level 7), files ${fileHits.length}, core dump ${coreHits} copies`);
      assert.ok(core.some((h) => h.marker === env.janus.adminSecret), 'the core dump scan finds the live admin secret');
      assert.ok(/counsel/i.test(log), 'the log was written at level 7');
      assert.deepEqual(logLines.map((l) => l.slice(0, 200)), [], 'no chat line in Janus\'s log');
      assert.deepEqual(fileHits, [], 'no chat line in any file');
    },
  ));
