'use strict';
// Janus's CPU per 1,000 RTP packets (in + out) with the counsel media layer,
// next to EchoTest on the same machine and browser (DESIGN.md's measured
// target: one PeerConnection per person keeps it near EchoTest's). A
// measurement, not a pass/fail check beyond sanity: run it on purpose with
//   COUNSEL_E2E_BENCH=1 ./run-in-netns.sh node --test media_cpu.test.js
// Janus's CPU comes from /proc/<pid>/stat, the packets from every page's
// WebRTC statistics over the same window (what the browsers sent is what
// Janus received, what they received is what it sent).

const assert = require('node:assert/strict');
const fs = require('node:fs');
const { test } = require('node:test');

const { runE2E, sleep, COUNSEL_PLUGIN, COUNSEL_KEYGEN } = require('../support');

const bench = process.env.COUNSEL_E2E_BENCH === '1';
const built = fs.existsSync(COUNSEL_PLUGIN) && fs.existsSync(COUNSEL_KEYGEN);
const skip = (!bench && 'set COUNSEL_E2E_BENCH=1 to measure') || (!built && `not built: ${COUNSEL_PLUGIN}`);
const WINDOW_MS = Number(process.env.COUNSEL_E2E_BENCH_MS || 20000);

function cpuMs(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
  return (ticks * 1000) / 100; // USER_HZ = 100
}

async function packets(pages) {
  let sent = 0;
  let received = 0;
  for (const tp of pages) {
    for (const pc of await tp.stats()) {
      for (const t of pc.transceivers) {
        if (t.outbound) sent += t.outbound.packetsSent || 0;
        if (t.inbound) received += t.inbound.packetsReceived || 0;
      }
    }
  }
  return { sent, received };
}

async function measure(t, env, pages, label) {
  const pid = env.janus.child.pid;
  const p0 = await packets(pages);
  const c0 = cpuMs(pid);
  await sleep(WINDOW_MS);
  const c1 = cpuMs(pid);
  const p1 = await packets(pages);
  const inOut = p1.sent - p0.sent + (p1.received - p0.received);
  const perK = ((c1 - c0) * 1000) / inOut;
  t.diagnostic(`${label}: Janus ${Math.round(c1 - c0)} ms CPU for ${inOut} RTP packets in+out in ${WINDOW_MS} ms = ${perK.toFixed(1)} ms per 1,000`);
  assert.ok(inOut > 1000, 'media flowed');
  return perK;
}

const call = (tp, fn, arg) => tp.page.evaluate(fn, arg);
const request = async (tp, body) => (await call(tp, (b) => window.counsel.request(b), body)).msg;

test('CPU per 1,000 packets: EchoTest, three pages', { skip }, (t) =>
  runE2E(t, { plugins: ['echotest'], timeoutMs: WINDOW_MS + 60000 }, async (env) => {
    const pages = [];
    for (let i = 0; i < 3; i++) pages.push(await env.open('echotest.html', {}, { name: `echo${i}` }));
    for (const tp of pages) await tp.waitForMedia();
    await sleep(3000);
    await measure(t, env, pages, 'EchoTest, 3 people');
  }));

test('CPU per 1,000 packets: counsel, three people in one room', { skip }, (t) =>
  runE2E(t, { plugins: ['counsel'], timeoutMs: WINDOW_MS + 90000 }, async (env) => {
    const mod = await env.open('counsel_media.html', { label: 'moderator' }, { name: 'moderator' });
    await mod.waitForState((s) => s.phase === 'attached');
    const created = await request(mod, {
      request: 'create',
      practitioner_key: env.janus.practitionerKey,
      invitees: [{ label: 'A' }, { label: 'B' }],
      e2ee: false,
    });
    await request(mod, { request: 'join', room: created.room, token: created.moderator_token, display: 'M' });
    const pages = [mod];
    for (const [i, label] of ['A', 'B'].entries()) {
      const tp = await env.open('counsel_media.html', { label }, { name: label });
      await tp.waitForState((s) => s.phase === 'attached');
      const w = await request(tp, { request: 'join', room: created.room, token: created.invites[i].token, display: label });
      await request(mod, { request: 'admit', id: w.id });
      pages.push(tp);
    }
    await sleep(500);
    for (const tp of pages) assert.equal((await call(tp, () => window.counsel.publish())).msg.counsel, 'published');
    for (const tp of pages) await tp.waitForState((s) => s.counsel.answered >= 1 && Object.keys(s.counsel.mids).length === 4);
    await sleep(5000);
    await measure(t, env, pages, 'counsel, 3 people');
  }));
