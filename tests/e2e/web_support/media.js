'use strict';
// What a person sees and hears on the page, measured: whether a tile's video
// plays, and per person (tile) the frames decoded, the audio packets and the
// audio energy that arrived over a time window, from the page's own receivers
// (getStats). Works in Chromium and Firefox (TestPage's own methods only).

// Whether the tile of `name` on page `tp` shows a playing video.
function tileVideoPlaying(tp, name) {
  return tp.evaluate((who) => {
    const tile = [...document.querySelectorAll('#tiles .tile')].find((t) => t.querySelector('.tile-name').textContent.startsWith(who));
    if (!tile) return { found: false };
    const v = tile.querySelector('video');
    return { found: true, hidden: v.hidden, readyState: v.readyState, width: v.videoWidth, time: v.currentTime, noVideo: tile.classList.contains('no-video') };
  }, name);
}

async function waitTileVideo(tp, name, { timeout = 20000 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await tileVideoPlaying(tp, name);
    if (last.found && !last.hidden && last.readyState >= 2 && last.width > 0) return last;
    await tp.sleep(250);
  }
  throw new Error(`${tp.name}: the tile of ${name} shows no video: ${JSON.stringify(last)}\nconsole:\n${tp.logs.slice(-20).join('\n')}`);
}

// Runs in the page: per remote tile its name and the inbound counters of the
// receivers whose tracks the tile plays.
async function snapshotInPage() {
  const tracks = new Map(); // track id -> inbound counters
  for (const pc of (window.__e2e && window.__e2e.pcs) || []) {
    if (pc.connectionState === 'closed') continue;
    for (const tr of pc.getTransceivers()) {
      if (!tr.receiver || !tr.receiver.track || tr.mid === null) continue;
      const report = await tr.receiver.getStats();
      report.forEach((s) => {
        if (s.type !== 'inbound-rtp') return;
        const codec = s.codecId && report.get(s.codecId);
        tracks.set(tr.receiver.track.id, {
          framesDecoded: s.framesDecoded || 0,
          packetsReceived: s.packetsReceived || 0,
          totalAudioEnergy: s.totalAudioEnergy || 0,
          frameWidth: s.frameWidth || 0,
          codec: codec ? codec.mimeType : null,
        });
      });
    }
  }
  const trackOf = (el, kind) => {
    const st = el && el.srcObject;
    const t = st ? (kind === 'video' ? st.getVideoTracks()[0] : st.getAudioTracks()[0]) : null;
    return t ? tracks.get(t.id) || null : null;
  };
  return {
    at: performance.now(),
    people: [...document.querySelectorAll('#tiles .tile:not(.self)')].map((tile) => ({
      name: tile.querySelector('.tile-name').firstChild.textContent,
      video: trackOf(tile.querySelector('video'), 'video'),
      audio: trackOf(tile.querySelector('audio'), 'audio'),
    })),
  };
}

// Per remote person on `tp`: growth over `ms` of { frames, width, videoCodec,
// audioPackets, audioEnergy } (null where no track plays yet).
async function perPerson(tp, ms = 3000) {
  const before = await tp.evaluate(snapshotInPage);
  await tp.sleep(ms);
  const after = await tp.evaluate(snapshotInPage);
  const out = {};
  for (const p of after.people) {
    const was = before.people.find((q) => q.name === p.name) || {};
    const grow = (kind, key) => (p[kind] ? p[kind][key] - ((was[kind] && was[kind][key]) || 0) : 0);
    out[p.name] = {
      frames: grow('video', 'framesDecoded'),
      width: p.video ? p.video.frameWidth : 0,
      videoCodec: p.video ? p.video.codec : null,
      audioPackets: grow('audio', 'packetsReceived'),
      audioEnergy: Number(grow('audio', 'totalAudioEnergy').toFixed(4)),
    };
  }
  return { ms: Math.round(after.at - before.at), people: out };
}

// Waits until `tp` plays video from each of `names` in their tiles (and
// receives audio).
async function waitSeesAndHears(tp, names, { timeout = 45000 } = {}) {
  for (const name of names) await waitTileVideo(tp, name, { timeout });
  // The others' streams arrive on the last PeerConnection that is open: the
  // receiving one, or the publishing one where that was given up.
  const index = await tp.evaluate(() => {
    const pcs = (window.__e2e && window.__e2e.pcs) || [];
    for (let i = pcs.length - 1; i >= 0; i -= 1) if (pcs[i].connectionState !== 'closed') return i;
    return -1;
  });
  await tp.waitForMedia({ kinds: names.length ? ['video', 'audio'] : ['audio'], timeoutMs: timeout, index });
}

// Measures `tp` in windows of `ms` (at most `windows`: a starved machine
// stalls a sender now and then) until enough(person) holds for each of
// `names` in one of them; returns { name: that window (or the last) }.
// log(text): each window that was not enough for everyone.
async function untilFlowing(tp, names, enough, { windows = 5, ms = 3000, log = () => {} } = {}) {
  const best = {};
  for (let w = 1; w <= windows; w += 1) {
    const m = await perPerson(tp, ms);
    for (const n of names) if (m.people[n] && (!best[n] || !enough(best[n], n))) best[n] = { ...m.people[n], ms: m.ms };
    if (names.every((n) => best[n] && enough(best[n], n))) break;
    log(`window ${w}: ${JSON.stringify(m.people)}`);
  }
  return best;
}

// Frames decoded so far from the video `name`'s tile plays on `tp` (0: none).
async function framesOf(tp, name) {
  const snap = await tp.evaluate(snapshotInPage);
  const p = snap.people.find((q) => q.name === name);
  return p && p.video ? p.video.framesDecoded : 0;
}

// Polls every `every` ms until `tp` decodes `name`'s video again (at least
// `frames` new frames within one second); returns the ms from the call to the
// first sample that had grown (0: it never stood still).
async function waitDecodingAgain(tp, name, { timeout = 60000, frames = 5, every = 200 } = {}) {
  const start = Date.now();
  const seen = []; // [time, frames]
  while (Date.now() - start < timeout) {
    const now = Date.now();
    seen.push([now, await framesOf(tp, name).catch(() => 0)]);
    const old = seen.find(([at]) => now - at <= 1000);
    if (old && seen[seen.length - 1][1] - old[1] >= frames) {
      // The first sample of the run of growth that ends here.
      let i = seen.length - 1;
      while (i > 0 && seen[i][1] > seen[i - 1][1]) i -= 1;
      return i === 0 ? 0 : seen[i][0] - start;
    }
    await tp.sleep(every);
  }
  throw new Error(`${tp.name}: no video of ${name} decoded again in ${timeout} ms\nconsole:\n${tp.logs.slice(-25).join('\n')}`);
}

module.exports = { tileVideoPlaying, waitTileVideo, perPerson, waitSeesAndHears, untilFlowing, framesOf, waitDecodingAgain };
