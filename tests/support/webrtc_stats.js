'use strict';
// Reading WebRTC statistics from a page.
//
// Every page the harness opens carries an init script (INIT_SCRIPT below) that
// records each RTCPeerConnection the page creates in window.__e2e.pcs, so the
// stats helpers work on any page (the echo test page, the project's web page)
// without the page exposing its PeerConnection.
//
//   await pcStats(page)           -> [{ index, connectionState, iceConnectionState, signalingState,
//                                       selectedPair: { local, remote, state }, transceivers: [
//                                         { mid, kind, direction, currentDirection, trackId,
//                                           inbound:  { packetsReceived, bytesReceived, packetsLost, jitter,
//                                                       framesDecoded, framesReceived, framesDropped, frameWidth,
//                                                       frameHeight, keyFramesDecoded, totalAudioEnergy, audioLevel, codec } | null,
//                                           outbound: { packetsSent, bytesSent, framesEncoded, frameWidth, frameHeight,
//                                                       codec, layers: [{ rid, packetsSent, framesEncoded, ... }] } | null } ] }]
//   await measureFlow(page, 3000) -> { ms, before, after, mids: { [pcIndex:mid]: { kind, framesDecoded, packetsReceived,
//                                       packetsSent, framesEncoded, bytesReceived, bytesSent, totalAudioEnergy } } }
//                                    (each value is the growth over the window)

// Runs in the page before any of its scripts.
const INIT_SCRIPT = `(() => {
  if (window.__e2e) return;
  const e2e = { pcs: [] };
  Object.defineProperty(window, '__e2e', { value: e2e });
  const Orig = window.RTCPeerConnection;
  if (!Orig) return;
  class TrackedPeerConnection extends Orig {
    constructor(...args) {
      super(...args);
      e2e.pcs.push(this);
    }
  }
  window.RTCPeerConnection = TrackedPeerConnection;
  if (window.webkitRTCPeerConnection) window.webkitRTCPeerConnection = TrackedPeerConnection;
})();`;

// Executed in the page by page.evaluate: stats of PeerConnection(s), per transceiver (mid).
async function collectInPage({ index }) {
  const pcs = (window.__e2e && window.__e2e.pcs) || [];
  const pick = (s, keys) => {
    const o = {};
    for (const k of keys) if (s[k] !== undefined) o[k] = s[k];
    return o;
  };
  const codecOf = (report, s) => {
    const c = s.codecId && report.get(s.codecId);
    return c ? `${c.mimeType}${c.sdpFmtpLine ? ` ${c.sdpFmtpLine}` : ''}` : null;
  };
  const IN = ['ssrc', 'packetsReceived', 'bytesReceived', 'packetsLost', 'jitter', 'framesDecoded', 'framesReceived',
    'framesDropped', 'frameWidth', 'frameHeight', 'keyFramesDecoded', 'totalAudioEnergy', 'audioLevel', 'totalSamplesReceived',
    'concealedSamples', 'nackCount', 'pliCount', 'firCount', 'lastPacketReceivedTimestamp'];
  const OUT = ['ssrc', 'rid', 'packetsSent', 'bytesSent', 'framesEncoded', 'frameWidth', 'frameHeight', 'framesSent',
    'keyFramesEncoded', 'nackCount', 'pliCount', 'firCount', 'qualityLimitationReason', 'active'];
  const selected = [...pcs.keys()].filter((i) => index === undefined || i === (index < 0 ? pcs.length + index : index));
  const result = [];
  for (const i of selected) {
    const pc = pcs[i];
    const entry = {
      index: i,
      connectionState: pc.connectionState,
      iceConnectionState: pc.iceConnectionState,
      signalingState: pc.signalingState,
      selectedPair: null,
      transceivers: [],
    };
    if (pc.connectionState === 'closed') {
      result.push(entry);
      continue;
    }
    const all = await pc.getStats();
    all.forEach((s) => {
      if (s.type !== 'transport' || !s.selectedCandidatePairId) return;
      const pair = all.get(s.selectedCandidatePairId);
      if (!pair) return;
      const cand = (id) => {
        const c = all.get(id);
        return c ? `${c.address || c.ip}:${c.port}/${c.protocol} ${c.candidateType}` : null;
      };
      entry.selectedPair = { state: pair.state, local: cand(pair.localCandidateId), remote: cand(pair.remoteCandidateId), dtlsState: s.dtlsState };
    });
    for (const t of pc.getTransceivers()) {
      const tr = {
        mid: t.mid,
        kind: t.receiver.track.kind,
        direction: t.direction,
        currentDirection: t.currentDirection,
        trackId: t.receiver.track.id,
        remoteTrackState: t.receiver.track.readyState,
        remoteTrackMuted: t.receiver.track.muted,
        localTrack: t.sender.track ? { id: t.sender.track.id, label: t.sender.track.label, state: t.sender.track.readyState } : null,
        inbound: null,
        outbound: null,
      };
      if (t.mid !== null && t.currentDirection !== 'stopped') {
        const rs = await t.receiver.getStats();
        rs.forEach((s) => {
          if (s.type === 'inbound-rtp') tr.inbound = { ...pick(s, IN), codec: codecOf(rs, s) };
        });
        const ss = await t.sender.getStats();
        const layers = [];
        ss.forEach((s) => {
          if (s.type === 'outbound-rtp') layers.push({ ...pick(s, OUT), codec: codecOf(ss, s) });
        });
        if (layers.length) {
          const sum = (k) => layers.reduce((a, l) => a + (l[k] || 0), 0);
          const top = layers.reduce((a, l) => ((l.frameWidth || 0) >= (a.frameWidth || 0) ? l : a), layers[0]);
          tr.outbound = {
            packetsSent: sum('packetsSent'),
            bytesSent: sum('bytesSent'),
            framesEncoded: sum('framesEncoded'),
            frameWidth: top.frameWidth,
            frameHeight: top.frameHeight,
            codec: top.codec,
            layers,
          };
        }
      }
      entry.transceivers.push(tr);
    }
    result.push(entry);
  }
  return result;
}

// Stats of the page's PeerConnections (index: one of them, negative counts from the end).
async function pcStats(page, { index } = {}) {
  return page.evaluate(collectInPage, { index });
}

const FLOW_KEYS = {
  inbound: ['packetsReceived', 'bytesReceived', 'framesDecoded', 'framesReceived', 'totalAudioEnergy'],
  outbound: ['packetsSent', 'bytesSent', 'framesEncoded'],
};

// Flat counters keyed "<pcIndex>:<mid>".
function counters(stats) {
  const out = {};
  for (const pc of stats) {
    for (const t of pc.transceivers) {
      if (t.mid === null) continue;
      const c = { kind: t.kind, pc: pc.index, mid: t.mid };
      for (const dir of ['inbound', 'outbound']) {
        for (const k of FLOW_KEYS[dir]) c[k] = (t[dir] && t[dir][k]) || 0;
      }
      out[`${pc.index}:${t.mid}`] = c;
    }
  }
  return out;
}

// Growth of every counter over `ms` milliseconds.
async function measureFlow(page, ms = 3000, { index } = {}) {
  const before = await pcStats(page, { index });
  const t0 = Date.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = await pcStats(page, { index });
  const elapsed = Date.now() - t0;
  const a = counters(before);
  const b = counters(after);
  const mids = {};
  for (const [key, now] of Object.entries(b)) {
    const was = a[key] || {};
    const d = { kind: now.kind, pc: now.pc, mid: now.mid };
    for (const k of [...FLOW_KEYS.inbound, ...FLOW_KEYS.outbound]) d[k] = now[k] - (was[k] || 0);
    mids[key] = d;
  }
  return { ms: elapsed, before, after, mids };
}

// Sums of a flow's growth per kind and direction:
// { video: { framesDecoded, packetsReceived, packetsSent, framesEncoded }, audio: {...} }
function flowByKind(flow) {
  const out = {};
  for (const d of Object.values(flow.mids)) {
    const k = (out[d.kind] = out[d.kind] || {});
    for (const [name, v] of Object.entries(d)) {
      if (typeof v === 'number' && name !== 'pc') k[name] = (k[name] || 0) + v;
    }
  }
  return out;
}

// Executed in the page: video frames decoded and audio packets received so
// far, summed over every receiver of every open PeerConnection.
async function inboundTotalsInPage() {
  let frames = 0;
  let audioPackets = 0;
  for (const pc of (window.__e2e && window.__e2e.pcs) || []) {
    if (pc.connectionState === 'closed') continue;
    (await pc.getStats()).forEach((s) => {
      if (s.type !== 'inbound-rtp') return;
      if ((s.kind || s.mediaType) === 'video') frames += s.framesDecoded || 0;
      else audioPackets += s.packetsReceived || 0;
    });
  }
  return { frames, audioPackets };
}

// Freezes a person would notice on `page` over `ms`, sampled every 100 ms:
// each stretch of more than 1 s in which no video frame was decoded (summed
// over all received video). Returns { freezes, frozenMs, perMinute, frames,
// audioPackets, ms } (frames and audio packets received meanwhile).
async function freezes(page, ms) {
  const read = () => page.evaluate(inboundTotalsInPage);
  const start = Date.now();
  const first = await read();
  let last = first;
  let lastMove = Date.now();
  let count = 0;
  let frozenMs = 0;
  const close = (now) => {
    if (now - lastMove > 1000) {
      count += 1;
      frozenMs += now - lastMove;
    }
  };
  while (Date.now() - start < ms) {
    await new Promise((r) => setTimeout(r, 100));
    const now = Date.now();
    const cur = await read().catch(() => last);
    if (cur.frames !== last.frames) {
      close(now);
      lastMove = now;
    }
    last = cur;
  }
  const end = Date.now();
  close(end);
  const took = end - start;
  return {
    freezes: count,
    frozenMs,
    perMinute: Number(((count * 60000) / took).toFixed(1)),
    frames: last.frames - first.frames,
    audioPackets: last.audioPackets - first.audioPackets,
    ms: took,
  };
}

module.exports = { INIT_SCRIPT, pcStats, measureFlow, flowByKind, counters, freezes };
