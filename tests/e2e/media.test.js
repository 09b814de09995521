'use strict';
// The counsel media layer with real browsers: one PeerConnection per person,
// plugin-initiated renegotiation when people come and go, server-side mute,
// kick, chat over the data channel, and the lobby getting nothing. Every
// page is pages/counsel_media.html (see its header for the protocol it
// follows). Rooms here are e2ee:false except the e2ee negotiation check.

const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const { test } = require('node:test');

const { runE2E, sleep, COUNSEL_PLUGIN, COUNSEL_KEYGEN } = require('../support');

const built = fs.existsSync(COUNSEL_PLUGIN) && fs.existsSync(COUNSEL_KEYGEN);
const skip = !built && `not built: ${COUNSEL_PLUGIN}`;

const PAGE = 'counsel_media.html';

async function openPerson(env, label) {
  const tp = await env.open(PAGE, { label }, { name: label });
  await tp.waitForState((s) => s.phase === 'attached', { message: `${label} attached` });
  return tp;
}

const call = (tp, fn, arg) => tp.page.evaluate(fn, arg);
const request = async (tp, body) => (await call(tp, (b) => window.counsel.request(b), body)).msg;
const publish = (tp, opts = {}) => call(tp, (o) => window.counsel.publish(o), opts);
const info = (tp) => call(tp, () => window.counsel.info());

// A room with a moderator and invitees `labels`; those in `knock` (default: all) wait in the lobby.
async function setUp(env, { labels, e2ee = false, knock = labels, recording }) {
  const mod = await openPerson(env, 'moderator');
  const created = await request(mod, {
    request: 'create',
    practitioner_key: env.janus.practitionerKey,
    invitees: labels.map((label) => ({ label })),
    e2ee,
    ...(recording ? { recording } : {}),
  });
  assert.equal(created.counsel, 'created', JSON.stringify(created));
  const joined = await request(mod, { request: 'join', room: created.room, token: created.moderator_token, display: 'Dr. M' });
  assert.equal(joined.counsel, 'joined', JSON.stringify(joined));
  const people = { moderator: { tp: mod, id: joined.id } };
  for (const [i, label] of labels.entries()) {
    if (!knock.includes(label)) continue;
    const tp = await openPerson(env, label);
    const waiting = await request(tp, { request: 'join', room: created.room, token: created.invites[i].token, display: label });
    assert.equal(waiting.counsel, 'waiting', JSON.stringify(waiting));
    people[label] = { tp, id: waiting.id };
  }
  return { people, created };
}

async function admit(people, label) {
  const ok = await request(people.moderator.tp, { request: 'admit', id: people[label].id });
  assert.equal(ok.counsel, 'ok', JSON.stringify(ok));
  await people[label].tp.waitForState((s) => s.handles.c.messages.some((m) => m.msg.counsel === 'admitted'), {
    message: `${label} admitted`,
  });
}

// Inbound counters per participant id and kind on one page: { [id]: { audio: {...}, video: {...} } }.
// `mids` (mid -> {id, kind}): a fixed mapping (e.g. from before a kick); default: the page's current one.
async function inboundByPerson(tp, mids) {
  const [st, inf] = await Promise.all([tp.stats({ index: -1 }), info(tp)]);
  const map = mids || inf.mids;
  const out = {};
  if (!st.length) return out;
  for (const t of st[0].transceivers) {
    const who = map[t.mid];
    if (!who || !t.inbound) continue;
    out[who.id] = out[who.id] || {};
    out[who.id][who.kind] = t.inbound;
  }
  return out;
}

// The media part of handle_info for every counsel handle: { admitted: [...], lobby: [...] }.
async function mediaCounts(env) {
  const out = { admitted: [], lobby: [] };
  for (const h of await env.janus.allHandleInfo()) {
    const ps = h.info && h.info.plugin_specific;
    if (ps && (ps.state === 'admitted' || ps.state === 'lobby')) out[ps.state].push(ps.media);
  }
  return out;
}

// Growth of inbound counters per participant over `ms`.
async function growth(tp, ms) {
  const a = await inboundByPerson(tp);
  await sleep(ms);
  const b = await inboundByPerson(tp);
  const out = {};
  for (const [id, kinds] of Object.entries(b)) {
    out[id] = {};
    for (const [kind, now] of Object.entries(kinds)) {
      const was = (a[id] && a[id][kind]) || {};
      out[id][kind] = {
        framesDecoded: (now.framesDecoded || 0) - (was.framesDecoded || 0),
        packetsReceived: (now.packetsReceived || 0) - (was.packetsReceived || 0),
      };
    }
  }
  return out;
}

// Waits for Janus's hangup of the PeerConnection a refused first offer began
// (the plugin closed it: `pc_closed`); janus.js has dropped its own by then.
async function awaitHangup(tp) {
  const s = await tp.waitForState((st) => st.handles.c.hangup !== null, { message: `${tp.name}: Janus's hangup` });
  assert.equal(s.handles.c.hangup, 'Close PC');
}

// Waits until `tp` decodes video and receives audio from every id in `ids`.
async function waitForPeers(tp, ids, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  let last = null;
  while (Date.now() < deadline) {
    last = await inboundByPerson(tp);
    if (ids.every((id) => last[id] && last[id].video && last[id].video.framesDecoded > 0 && last[id].audio && last[id].audio.packetsReceived > 0))
      return last;
    await sleep(250);
  }
  fs.writeFileSync(`/tmp/sdp-${tp.name}.json`, JSON.stringify(await call(tp, () => window.counsel.sdp()), null, 1));
  throw new Error(`${tp.name} did not get media from ${ids.join(', ')}: ${JSON.stringify(last)}\n${JSON.stringify(await info(tp))}`);
}

test('admitted people see and hear each other; the lobby gets nothing; chat, mute and kick', { skip }, (t) =>
  runE2E(t, { plugins: ['counsel'], timeoutMs: 150000 }, async (env) => {
    const { people } = await setUp(env, { labels: ['A', 'B', 'L'] });
    await admit(people, 'A');
    await admit(people, 'B');
    const admitted = ['moderator', 'A', 'B'];

    // Everyone admitted publishes camera, microphone and a data channel.
    for (const label of admitted) {
      const res = await publish(people[label].tp);
      assert.equal(res.msg.counsel, 'published', `${label}: ${JSON.stringify(res.msg)}`);
      assert.equal(res.jsepType, 'answer');
      assert.deepEqual(res.msg.streams.map((s) => s.kind), ['audio', 'video']);
      assert.equal(res.msg.data, true);
    }
    // The lobby member cannot publish.
    const lobby = await publish(people.L.tp);
    assert.equal(lobby.msg.counsel, 'error');
    assert.equal(lobby.msg.error_code, 487);
    assert.equal(lobby.jsepType, null);

    // Each admitted person decodes the other two.
    const ids = Object.fromEntries(Object.entries(people).map(([k, v]) => [k, v.id]));
    for (const label of admitted) {
      const others = admitted.filter((x) => x !== label).map((x) => ids[x]);
      await waitForPeers(people[label].tp, others);
    }
    const flows = {};
    for (const label of admitted) flows[label] = await growth(people[label].tp, 3000);
    t.diagnostic(`3 s of inbound media per receiver and sender: ${JSON.stringify(flows)}`);
    for (const label of admitted) {
      for (const other of admitted.filter((x) => x !== label)) {
        const g = flows[label][ids[other]];
        assert.ok(g && g.video.framesDecoded >= 30, `${label} decodes ${other}'s video: ${JSON.stringify(g)}`);
        assert.ok(g && g.audio.packetsReceived >= 50, `${label} receives ${other}'s audio: ${JSON.stringify(g)}`);
      }
    }
    // The lobby member: no inbound media at all.
    const lobbyStats = await people.L.tp.stats();
    const lobbyIn = lobbyStats.flatMap((pc) => pc.transceivers).filter((x) => x.inbound && x.inbound.packetsReceived > 0);
    assert.deepEqual(lobbyIn, [], 'the lobby member receives nothing');
    assert.deepEqual((await info(people.L.tp)).mids, {}, 'and is offered no stream');

    // Janus's Admin API shows the same: per handle (handle_info), the admitted
    // send and receive and get keyframe requests, the lobby member forwards
    // nothing; the plugin's totals (message_plugin "stats") grow.
    const counts = await mediaCounts(env);
    t.diagnostic(`Admin API media counts: ${JSON.stringify(counts)}`);
    assert.equal(counts.lobby.length, 1);
    assert.deepEqual(counts.lobby[0], { forwarding: false }, 'the lobby member is not in the forwarding table');
    assert.equal(counts.admitted.length, 3);
    for (const m of counts.admitted) {
      assert.equal(m.forwarding, true);
      assert.ok(m.in.video_packets > 100 && m.in.audio_packets > 50, `in: ${JSON.stringify(m.in)}`);
      assert.ok(m.out.video_packets > 100 && m.out.audio_packets > 50, `out: ${JSON.stringify(m.out)}`);
      assert.ok(m.relayed > m.in.audio_packets, 'its audio alone goes to two receivers');
      assert.ok(m.keyframe_requests >= 1, 'receivers that started asked for a keyframe');
      assert.equal(m.dropped_muted, 0);
      assert.equal(m.receive_streams, 4);
    }
    const totals = (await env.janus.admin({ janus: 'message_plugin', plugin: 'janus.plugin.counsel', request: { request: 'stats' } })).response.media;
    assert.ok(totals.rtp_forwarded >= counts.admitted.reduce((n, m) => n + m.relayed, 0), JSON.stringify(totals));
    assert.equal(totals.handles_forwarding, 3);

    // Chat reaches the other admitted people only.
    await call(people.A.tp, (text) => window.counsel.chat(text), 'Hallo, können Sie mich hören? "ok" \\ 🙂');
    for (const label of ['moderator', 'B']) {
      const s = await people[label].tp.waitForState((st) => st.counsel.chats.length > 0, { message: `${label} gets A's chat` });
      assert.deepEqual(s.counsel.chats[0], { label: 'JanusDataChannel', from: ids.A, text: 'Hallo, können Sie mich hören? "ok" \\ 🙂' });
    }
    assert.equal((await info(people.A.tp)).chats.length, 0, 'not echoed to the sender');
    assert.equal((await info(people.L.tp)).chats.length, 0, 'nothing reaches the lobby');
    // Too large, or binary: dropped, and the sender is told.
    await call(people.A.tp, (text) => window.counsel.chat(text), 'x'.repeat(4097));
    let s = await people.A.tp.waitForState((st) => st.counsel.errors.length >= 1, { message: 'A told about the large chat' });
    assert.equal(s.counsel.errors[0].error_code, 481);
    await sleep(1100); // errors are paced: one per second
    await call(people.A.tp, () => window.counsel.chatBinary([1, 2, 3]));
    s = await people.A.tp.waitForState((st) => st.counsel.errors.length >= 2, { message: 'A told about the binary chat' });
    assert.equal(s.counsel.errors[1].error_code, 481);
    await sleep(500);
    for (const label of ['moderator', 'B']) assert.equal((await info(people[label].tp)).chats.length, 1, `${label}: nothing more`);

    // The moderator mutes A's microphone: A's audio stops reaching the others; A's video goes on.
    const mute = await request(people.moderator.tp, { request: 'mute', id: ids.A, audio: true });
    assert.equal(mute.counsel, 'ok', JSON.stringify(mute));
    await sleep(300);
    const muted = await growth(people.B.tp, 2000);
    t.diagnostic(`B, 2 s after A's audio was muted: ${JSON.stringify(muted[ids.A])}`);
    assert.equal(muted[ids.A].audio.packetsReceived, 0, "A's audio no longer reaches B");
    assert.ok(muted[ids.A].video.framesDecoded >= 20, "A's video still does");
    assert.ok(muted[ids.moderator].audio.packetsReceived >= 30, "the moderator's audio still does");
    const mutedCounts = (await mediaCounts(env)).admitted.filter((m) => m.muted_audio);
    assert.equal(mutedCounts.length, 1, 'the Admin API shows one muted microphone');
    assert.ok(mutedCounts[0].dropped_muted >= 50, `its audio is dropped: ${mutedCounts[0].dropped_muted}`);

    // Kick B: within a second B's media stops reaching the others. Each page
    // samples the m-lines that carried B every 50 ms; the last sample in which
    // a counter still grew must be less than a second after the kick.
    const watchers = {};
    for (const label of ['A', 'moderator']) {
      const mids = Object.entries((await info(people[label].tp)).mids).filter(([, w]) => w.id === ids.B).map(([mid]) => mid);
      assert.equal(mids.length, 2, `${label} has B's audio and video`);
      watchers[label] = call(people[label].tp, (m) => window.counsel.watchInbound(m, 3500), mids);
    }
    await sleep(500);
    const kickedAt = Date.now();
    const kick = await request(people.moderator.tp, { request: 'kick', id: ids.B });
    assert.equal(kick.counsel, 'ok', JSON.stringify(kick));
    for (const label of ['A', 'moderator']) {
      const samples = await watchers[label];
      let lastGrowth = null;
      const prev = {};
      for (const x of samples) {
        const p = prev[x.mid];
        if (p && (x.framesDecoded > p.framesDecoded || x.packetsReceived > p.packetsReceived)) lastGrowth = x.t;
        prev[x.mid] = x;
      }
      const after = lastGrowth === null ? null : lastGrowth - kickedAt;
      t.diagnostic(`${label}: B's media last grew ${after} ms after the kick (${samples.length} samples)`);
      assert.ok(after !== null && after < 1000, `${label} gets nothing of B later than 1 s after the kick (${after} ms)`);
    }
    // And the renegotiation retires B's m-lines for the others.
    for (const label of ['A', 'moderator']) {
      await people[label].tp.waitForState((st) => !Object.values(st.counsel.mids).some((m) => m.id === ids.B), {
        message: `${label} no longer offered B's streams`,
      });
    }
  }));

test('e2ee room: publish needs the JSEP e2ee flag, and every plugin JSEP carries it', { skip }, (t) =>
  runE2E(t, { plugins: ['counsel'], timeoutMs: 60000 }, async (env) => {
    const { people } = await setUp(env, { labels: ['A'], e2ee: true });
    await admit(people, 'A');
    const plain = await publish(people.A.tp);
    assert.equal(plain.msg.counsel, 'error');
    assert.equal(plain.msg.error_code, 488);
    assert.equal(plain.msg.pc_closed, true, 'the refused first offer\'s PeerConnection is closed');
    t.diagnostic(`without the flag: ${JSON.stringify(plain.msg)}`);
    const flagged = await publish(people.moderator.tp, { e2ee: true });
    assert.equal(flagged.msg.counsel, 'published', JSON.stringify(flagged.msg));
    assert.equal(flagged.jsepType, 'answer');
    assert.equal(flagged.e2ee, true, 'the answer carries e2ee');
    // A publishes with the flag on the same page and handle, once Janus's hangup of the refused offer is in.
    await awaitHangup(people.A.tp);
    assert.equal((await publish(people.A.tp, { e2ee: true })).msg.counsel, 'published');
    // The plugin's offers (each adds the other's streams) carry e2ee too.
    for (const tp of [people.moderator.tp, people.A.tp]) {
      const s = await tp.waitForState((st) => st.counsel.answered >= 1, { message: `${tp.name} answered an offer` });
      assert.deepEqual(s.counsel.offerE2ee, [true], `${tp.name}: every plugin offer is marked e2ee`);
    }
  }));

// A narrow downlink to one browser PeerConnection: inside the test namespace
// every address is local, so Janus reaches the browser through `lo`; an HTB
// class of `kbit` with a short queue takes the UDP to the browser's port and
// drops what does not fit (this kernel has no netem).
function limitTo(port, kbit) {
  const tc = (...args) => execFileSync('tc', args, { stdio: 'pipe' });
  tc('qdisc', 'add', 'dev', 'lo', 'root', 'handle', '1:', 'htb', 'default', '10');
  tc('class', 'add', 'dev', 'lo', 'parent', '1:', 'classid', '1:10', 'htb', 'rate', '10gbit');
  tc('class', 'add', 'dev', 'lo', 'parent', '1:', 'classid', '1:20', 'htb', 'rate', `${kbit}kbit`, 'ceil', `${kbit}kbit`);
  tc('qdisc', 'add', 'dev', 'lo', 'parent', '1:20', 'handle', '20:', 'pfifo', 'limit', '30');
  tc('filter', 'add', 'dev', 'lo', 'parent', '1:', 'protocol', 'ip', 'prio', '1', 'u32',
    'match', 'ip', 'protocol', '17', '0xff', 'match', 'ip', 'dport', String(port), '0xffff', 'flowid', '1:20');
  return () => tc('qdisc', 'del', 'dev', 'lo', 'root');
}

async function videoWidthOf(tp, id) {
  const inb = await inboundByPerson(tp);
  return inb[id] && inb[id].video ? inb[id].video.frameWidth || 0 : 0;
}

test('simulcast: a receiver whose downlink is too narrow gets a lower layer, and the top one again after it recovers', { skip }, (t) =>
  runE2E(t, { plugins: ['counsel'], timeoutMs: 120000 }, async (env) => {
    const { people } = await setUp(env, { labels: ['A'] });
    await admit(people, 'A');
    const pub = await publish(people.moderator.tp, { simulcast: true });
    assert.equal(pub.msg.counsel, 'published', JSON.stringify(pub.msg));
    assert.equal(pub.msg.streams[1].simulcast, true);
    // A comes a few seconds later: by then Chromium has stopped putting the
    // rid on the moderator's packets (it does so only until the SSRC is
    // acknowledged), so the plugin must have learnt the layers without A.
    await sleep(4000);
    assert.equal((await publish(people.A.tp)).msg.counsel, 'published');
    const mod = people.moderator.id;
    await waitForPeers(people.A.tp, [mod]);
    // The moderator's renegotiation (A's streams added) kept its simulcast going.
    // On a busy machine Chromium may hold its top layer back for a while (CPU
    // adaptation); the test needs all three sent, else a late top layer looks
    // like a step up under the narrow downlink.
    let layers = [];
    for (const until = Date.now() + 20000; Date.now() < until; await sleep(500)) {
      const modStats = await people.moderator.tp.stats();
      layers = modStats[0].transceivers.find((x) => x.mid === '1').outbound.layers;
      if (layers.length === 3 && layers.every((l) => l.frameWidth)) break;
    }
    t.diagnostic(`moderator sends layers ${JSON.stringify(layers.map((l) => [l.rid, l.frameWidth]))}`);
    assert.equal(layers.length, 3);
    let top = 0;
    const deadline = Date.now() + 15000;
    while (Date.now() < deadline && top < Math.max(...layers.map((l) => l.frameWidth || 0))) {
      top = await videoWidthOf(people.A.tp, mod);
      await sleep(500);
    }
    t.diagnostic(`A decodes the moderator at ${top} px wide`);
    assert.ok(top >= Math.max(...layers.map((l) => l.frameWidth || 0)), 'A starts on the top layer');

    const pair = (await people.A.tp.stats())[0].selectedPair;
    const port = Number(/:(\d+)\//.exec(pair.local)[1]);
    const restore = limitTo(port, 450);
    const lossAt = Date.now();
    let low = top;
    try {
      while (Date.now() - lossAt < 20000 && low >= top) {
        await sleep(500);
        low = await videoWidthOf(people.A.tp, mod);
      }
    } finally {
      restore();
    }
    const downAfter = Date.now() - lossAt;
    t.diagnostic(`downlink to A limited to 450 kbit/s: ${low} px after ${downAfter} ms`);
    assert.ok(low < top, 'a lower layer on a narrow downlink');

    const healedAt = Date.now();
    let back = low;
    while (Date.now() - healedAt < 30000 && back < top) {
      await sleep(500);
      back = await videoWidthOf(people.A.tp, mod);
    }
    t.diagnostic(`limit removed: ${back} px after ${Date.now() - healedAt} ms`);
    assert.equal(back, top, 'the top layer again once the downlink is quiet');
  }));

test('negotiation edges: glare, a later publish on the same PeerConnection, no usable codec, a stray answer', { skip }, (t) =>
  runE2E(t, { plugins: ['counsel'], timeoutMs: 90000 }, async (env) => {
    const { people } = await setUp(env, { labels: ['A', 'B', 'C'] });
    for (const label of ['A', 'B', 'C']) await admit(people, label);
    const ids = Object.fromEntries(Object.entries(people).map(([k, v]) => [k, v.id]));
    // An answer with no offer from the plugin in flight: 487 (Janus itself refuses
    // a JSEP answer it did not ask for, so the request carries none).
    const stray = await request(people.A.tp, { request: 'answer' });
    assert.equal(stray.counsel, 'error');
    t.diagnostic(`answer without a JSEP or an offer: ${JSON.stringify(stray)}`);
    assert.equal((await publish(people.moderator.tp)).msg.counsel, 'published');
    assert.equal((await publish(people.A.tp)).msg.counsel, 'published');
    await waitForPeers(people.A.tp, [ids.moderator]);

    // Glare: A holds the plugin's next offer (B's streams), then publishes again: 487.
    await call(people.A.tp, () => window.counsel.holdAnswers(true));
    assert.equal((await publish(people.B.tp)).msg.counsel, 'published');
    await people.A.tp.waitForState((s) => s.counsel.offers >= 2, { message: "the plugin's offer with B's streams reaches A" });
    const glare = await call(people.A.tp, () => window.counsel.publish({ again: true }));
    assert.equal(glare.msg.counsel, 'error');
    assert.equal(glare.msg.error_code, 487);
    t.diagnostic(`publish while the plugin's offer waits: ${JSON.stringify(glare.msg)}`);
    // A answers the held offer after all (Chromium rolls its own offer back
    // when the remote offer is set), then publishes again on the same
    // PeerConnection: its receive slots stay as they are.
    await call(people.A.tp, () => window.counsel.holdAnswers(false));
    await people.A.tp.waitForState((s) => s.counsel.answerReplies >= 2, { message: 'A answered the held offer' });
    await waitForPeers(people.A.tp, [ids.moderator, ids.B]);
    const again = await call(people.A.tp, () => window.counsel.publish({ again: true }));
    assert.equal(again.msg.counsel, 'published', JSON.stringify(again.msg));
    assert.equal(again.jsepType, 'answer');
    const flow = await growth(people.A.tp, 2000);
    t.diagnostic(`A after publishing again: ${JSON.stringify(flow)}`);
    for (const id of [ids.moderator, ids.B]) assert.ok(flow[id].video.framesDecoded >= 15, `A still decodes ${id}`);
    const others = await growth(people.B.tp, 2000);
    assert.ok(others[ids.A].video.framesDecoded >= 15, 'B still decodes A');

    // An offer without Opus, VP8 or H.264: 481, and nothing is forwarded.
    const bad = await publish(people.C.tp, { noCodec: true, data: false });
    assert.equal(bad.msg.counsel, 'error');
    assert.equal(bad.msg.error_code, 481);
    assert.equal(bad.msg.pc_closed, true);
    t.diagnostic(`no usable codec: ${JSON.stringify(bad.msg)}`);
    await sleep(1000);
    assert.ok(!Object.values((await info(people.A.tp)).mids).some((m) => m.id === ids.C), 'nobody is offered C');
    // C publishes a usable offer on the same handle: answered, and A and C get each other's media.
    await awaitHangup(people.C.tp);
    const good = await publish(people.C.tp);
    assert.equal(good.msg.counsel, 'published', JSON.stringify(good.msg));
    await waitForPeers(people.A.tp, [ids.C]);
    await waitForPeers(people.C.tp, [ids.moderator, ids.A, ids.B]);
  }));

// The media part of handle_info of the one handle with `role` (in a room of one moderator and one participant).
async function mediaOf(env, role) {
  const all = (await env.janus.allHandleInfo()).map((h) => h.info && h.info.plugin_specific).filter((ps) => ps && ps.role === role);
  assert.equal(all.length, 1, `one ${role}`);
  return all[0].media;
}

test('a lobby member\'s refused publish, then on the same handle media after admission; audio only stops video and resumes it', { skip }, (t) =>
  runE2E(t, { plugins: ['counsel'], timeoutMs: 120000 }, async (env) => {
    const { people } = await setUp(env, { labels: ['A'] });
    const ids = { moderator: people.moderator.id, A: people.A.id };
    assert.equal((await publish(people.moderator.tp)).msg.counsel, 'published');
    // In the lobby: 487, and the PeerConnection Janus began for the offer is closed.
    const lobby = await publish(people.A.tp);
    assert.equal(lobby.msg.error_code, 487, JSON.stringify(lobby.msg));
    assert.equal(lobby.msg.pc_closed, true);
    await awaitHangup(people.A.tp);
    // Admitted: the same page and handle publish, and both see and hear each other.
    await admit(people, 'A');
    const res = await publish(people.A.tp);
    assert.equal(res.msg.counsel, 'published', JSON.stringify(res.msg));
    await waitForPeers(people.A.tp, [ids.moderator]);
    await waitForPeers(people.moderator.tp, [ids.A]);

    // Audio only for A: the moderator's video stops reaching A, the audio goes on; A's own video still reaches the moderator.
    const off = await request(people.A.tp, { request: 'configure', receive_video: false });
    assert.equal(off.counsel, 'ok', JSON.stringify(off));
    assert.equal(off.receive_video, false);
    await sleep(500);
    const before = await mediaOf(env, 'participant');
    const [aGrowth, modGrowth] = await Promise.all([growth(people.A.tp, 2500), growth(people.moderator.tp, 2500)]);
    const after = await mediaOf(env, 'participant');
    const out = { video: after.out.video_packets - before.out.video_packets, audio: after.out.audio_packets - before.out.audio_packets };
    t.diagnostic(`audio only, 2.5 s: A decoded ${aGrowth[ids.moderator].video.framesDecoded} frames, received ${aGrowth[ids.moderator].audio.packetsReceived} audio packets; handle_info out +${out.video} video, +${out.audio} audio packets; the moderator decoded ${modGrowth[ids.A].video.framesDecoded} of A's frames`);
    assert.equal(after.receive_video, false, 'handle_info shows audio only');
    assert.equal(out.video, 0, 'no video packet relayed to A');
    assert.ok(out.audio >= 50, `audio still relayed to A: ${out.audio}`);
    assert.equal(aGrowth[ids.moderator].video.framesDecoded, 0, 'A decodes no video');
    assert.ok(aGrowth[ids.moderator].audio.packetsReceived >= 50, 'A still hears the moderator');
    assert.ok(modGrowth[ids.A].video.framesDecoded >= 20, "A's own video still reaches the moderator");
    assert.equal((await mediaOf(env, 'moderator')).receive_video, true);

    // Back on: the video resumes (on a keyframe the plugin asks for).
    const keyframesBefore = (await mediaOf(env, 'moderator')).keyframe_requests;
    const onAt = Date.now();
    const on = await request(people.A.tp, { request: 'configure', receive_video: true });
    assert.equal(on.receive_video, true);
    let first = null;
    const start = (await inboundByPerson(people.A.tp))[ids.moderator].video.framesDecoded;
    while (Date.now() - onAt < 15000) {
      const now = (await inboundByPerson(people.A.tp))[ids.moderator].video.framesDecoded;
      if (now > start) {
        first = Date.now() - onAt;
        break;
      }
      await sleep(100);
    }
    t.diagnostic(`video on again: first decoded frame after ${first} ms`);
    assert.ok(first !== null, 'A decodes the moderator\'s video again');
    const resumed = await growth(people.A.tp, 2000);
    assert.ok(resumed[ids.moderator].video.framesDecoded >= 20, `and goes on decoding: ${JSON.stringify(resumed[ids.moderator])}`);
    const back = await mediaOf(env, 'participant');
    assert.equal(back.receive_video, true);
    assert.ok(back.out.video_packets > after.out.video_packets, 'video relayed to A again');
    assert.ok((await mediaOf(env, 'moderator')).keyframe_requests > keyframesBefore, 'the sender was asked for a keyframe');
  }));

test('a plugin offer nobody answers expires: the person is told, offered again, and gets media once they answer', { skip }, (t) =>
  runE2E(t, { plugins: ['counsel'], janus: { counsel: { offer_timeout_s: 3 } }, timeoutMs: 90000 }, async (env) => {
    const { people } = await setUp(env, { labels: ['A'] });
    await admit(people, 'A');
    assert.equal((await publish(people.A.tp)).msg.counsel, 'published');
    // A's page keeps every plugin offer unanswered; then the moderator publishes.
    await call(people.A.tp, () => window.counsel.holdAnswers(true));
    assert.equal((await publish(people.moderator.tp)).msg.counsel, 'published');
    const heldAt = Date.now();
    const until = async (what, predicate, timeoutMs = 15000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const i = await info(people.A.tp);
        if (predicate(i)) return i;
        if (Date.now() > deadline) throw new Error(`${what}: ${JSON.stringify(i)}`);
        await sleep(100);
      }
    };
    await until('the first offer reaches A', (i) => i.offers >= 1);
    await until('A is told the offer expired', (i) => i.events.includes('offer_timeout'));
    const expiredAfter = Date.now() - heldAt;
    t.diagnostic(`offer_timeout after ${expiredAfter} ms (offer_timeout_s = 3)`);
    assert.ok(expiredAfter >= 2500, `not before the timeout: ${expiredAfter} ms`);
    await until('the same streams are offered again', (i) => i.offers >= 2);
    // The moderator was never held up, and A gets the moderator's media once it answers.
    await call(people.A.tp, () => window.counsel.holdAnswers(false));
    await waitForPeers(people.A.tp, [people.moderator.id]);
    assert.match(env.janus.readLog(), /offer #1 not answered in 3 s; dropped/);
  }));

test('a recording room negotiates H.264 first, and both people decode each other\'s H.264', { skip }, (t) =>
  runE2E(t, { plugins: ['counsel'], timeoutMs: 90000 }, async (env) => {
    const { people } = await setUp(env, { labels: ['A'], recording: 'with_consent' });
    await admit(people, 'A');
    for (const label of ['moderator', 'A']) {
      const res = await publish(people[label].tp);
      assert.equal(res.msg.counsel, 'published', JSON.stringify(res.msg));
      const video = res.msg.streams.find((x) => x.kind === 'video');
      assert.match(String(video.codec), /h264/i, `${label} publishes H.264: ${JSON.stringify(res.msg.streams)}`);
    }
    for (const [label, other] of [['moderator', 'A'], ['A', 'moderator']]) {
      await waitForPeers(people[label].tp, [people[other].id]);
      const g = (await growth(people[label].tp, 3000))[people[other].id];
      const now = (await inboundByPerson(people[label].tp))[people[other].id];
      t.diagnostic(`${label} receives ${other}: ${now.video.codec}, ${g.video.framesDecoded} frames in 3 s`);
      assert.match(now.video.codec, /^video\/H264/, `${label} decodes ${other}'s video as H.264`);
      assert.ok(g.video.framesDecoded >= 20, `${label} decodes ${other}'s H.264: ${JSON.stringify(g.video)}`);
      assert.match(now.audio.codec, /^audio\/opus/i);
    }
  }));
