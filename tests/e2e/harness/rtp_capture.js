'use strict';
// What the server forwards, as the server sees it: Janus's own packet capture
// of a handle (Admin API start_pcap / stop_pcap, RTP after SRTP decryption,
// before encryption on the way out) read back here, and the VP8 streams in it
// reassembled into IVF files that FFmpeg can try to decode.
//
//   const cap = await startCapture(janus, handle, dir);  ...  await cap.stop();
//   const streams = vp8Streams(readPcap(cap.file), vp8PayloadTypes(sdp));
//   writeIvf(file, streams[0].frames);

const fs = require('node:fs');
const path = require('node:path');

// Starts Janus's capture of one handle ({ session_id, handle_id }) into dir/<name>.pcap.
async function startCapture(janus, handle, dir, name = `handle-${handle.handle_id}`) {
  const file = path.join(dir, `${name}.pcap`);
  const ids = { session_id: handle.session_id, handle_id: handle.handle_id };
  const r = await janus.admin({ janus: 'start_pcap', ...ids, folder: dir, filename: `${name}.pcap`, truncate: 0 });
  if (r.janus !== 'success') throw new Error(`start_pcap: ${JSON.stringify(r)}`);
  return {
    file,
    async stop() {
      const s = await janus.admin({ janus: 'stop_pcap', ...ids });
      if (s.janus !== 'success') throw new Error(`stop_pcap: ${JSON.stringify(s)}`);
      return file;
    },
  };
}

// The RTP packets of a legacy pcap file: [{ pt, ssrc, seq, ts, marker, payload }].
// Each record is a made-up frame around one RTP/RTCP packet; the RTP header is
// found after the link, IP and UDP headers the link type implies.
function readPcap(file) {
  const buf = fs.readFileSync(file);
  if (buf.length < 24) return [];
  const magic = buf.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4;
  if (!le && buf.readUInt32BE(0) !== 0xa1b2c3d4) throw new Error(`${file}: not a pcap file`);
  const u32 = (o) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const linkType = u32(20);
  // Ethernet (1): 14 + IPv4 20 + UDP 8; raw IPv4 (101, 228): 20 + 8.
  const skip = { 1: 42, 101: 28, 228: 28 }[linkType];
  if (skip === undefined) throw new Error(`${file}: link type ${linkType} not handled`);
  const out = [];
  for (let off = 24; off + 16 <= buf.length; ) {
    const caplen = u32(off + 8);
    const data = buf.subarray(off + 16, off + 16 + caplen);
    off += 16 + caplen;
    const rtp = data.subarray(skip);
    if (rtp.length < 12 || rtp[0] >> 6 !== 2) continue;
    const pt = rtp[1] & 0x7f;
    if (pt >= 72 && pt <= 79) continue; // RTCP (rtcp-mux)
    const cc = rtp[0] & 0x0f;
    let head = 12 + cc * 4;
    if (rtp[0] & 0x10) {
      if (rtp.length < head + 4) continue;
      head += 4 + rtp.readUInt16BE(head + 2) * 4;
    }
    let end = rtp.length;
    if (rtp[0] & 0x20) end -= rtp[rtp.length - 1]; // padding
    if (head > end) continue;
    out.push({ pt, marker: !!(rtp[1] & 0x80), seq: rtp.readUInt16BE(2), ts: rtp.readUInt32BE(4), ssrc: rtp.readUInt32BE(8), payload: rtp.subarray(head, end) });
  }
  return out;
}

// Payload types an SDP maps to VP8.
function vp8PayloadTypes(...sdps) {
  const pts = new Set();
  for (const sdp of sdps) for (const m of String(sdp || '').matchAll(/a=rtpmap:(\d+) VP8\/90000/gi)) pts.add(Number(m[1]));
  return pts;
}

// The VP8 payload of one RTP packet (RFC 7741 descriptor removed): { start, data } or null.
function vp8Payload(p) {
  const b = p.payload;
  if (b.length < 1) return null;
  let i = 1;
  const start = !!(b[0] & 0x10) && (b[0] & 0x07) === 0;
  if (b[0] & 0x80) {
    if (b.length < 2) return null;
    const x = b[1];
    i = 2;
    if (x & 0x80) i += b[i] & 0x80 ? 2 : 1; // PictureID
    if (x & 0x40) i += 1; // TL0PICIDX
    if (x & 0x30) i += 1; // TID / KEYIDX
  }
  return i <= b.length ? { start, data: b.subarray(i) } : null;
}

// Per SSRC with a VP8 payload type: { ssrc, packets, frames: [{ ts, data }] }
// (complete frames in sequence order, from the first keyframe on).
function vp8Streams(packets, vp8Pts) {
  const bySsrc = new Map();
  for (const p of packets) {
    if (!vp8Pts.has(p.pt) || p.payload.length === 0) continue;
    if (!bySsrc.has(p.ssrc)) bySsrc.set(p.ssrc, []);
    bySsrc.get(p.ssrc).push(p);
  }
  const out = [];
  for (const [ssrc, list] of bySsrc) {
    // Unwrap sequence numbers, drop duplicates (retransmissions), order.
    let last = null;
    let cycles = 0;
    const seen = new Map();
    for (const p of list) {
      if (last !== null && p.seq < last && last - p.seq > 0x8000) cycles += 0x10000;
      last = p.seq;
      seen.set(cycles + p.seq, p);
    }
    const ordered = [...seen.entries()].sort((a, b) => a[0] - b[0]);
    const frames = [];
    let cur = null;
    let prev = null;
    for (const [n, p] of ordered) {
      const v = vp8Payload(p);
      if (!v) continue;
      if (v.start) cur = { ts: p.ts, parts: [], next: n };
      if (cur && cur.ts === p.ts && n === cur.next && (v.start || prev === n - 1)) {
        cur.parts.push(v.data);
        cur.next = n + 1;
        if (p.marker) {
          frames.push({ ts: cur.ts, data: Buffer.concat(cur.parts) });
          cur = null;
        }
      } else {
        cur = null; // a gap: drop the partial frame
      }
      prev = n;
    }
    // A decoder starts at a keyframe (VP8: bit 0 of the first byte clear; the
    // E2EE format keeps that byte in clear too): drop what came before it.
    const firstKey = frames.findIndex((f) => f.data.length > 0 && (f.data[0] & 1) === 0);
    out.push({ ssrc, packets: list.length, frames: firstKey < 0 ? [] : frames.slice(firstKey) });
  }
  return out.sort((a, b) => b.frames.length - a.frames.length);
}

// An IVF file of VP8 frames (what FFmpeg and libvpx read).
function writeIvf(file, frames) {
  let width = 640;
  let height = 480;
  const key = frames.find((f) => f.data.length >= 10 && !(f.data[0] & 1) && f.data[3] === 0x9d && f.data[4] === 0x01 && f.data[5] === 0x2a);
  if (key) {
    width = key.data.readUInt16LE(6) & 0x3fff;
    height = key.data.readUInt16LE(8) & 0x3fff;
  }
  const head = Buffer.alloc(32);
  head.write('DKIF', 0, 'ascii');
  head.writeUInt16LE(0, 4);
  head.writeUInt16LE(32, 6);
  head.write('VP80', 8, 'ascii');
  head.writeUInt16LE(width, 12);
  head.writeUInt16LE(height, 14);
  head.writeUInt32LE(90000, 16);
  head.writeUInt32LE(1, 20);
  head.writeUInt32LE(frames.length, 24);
  const parts = [head];
  const t0 = frames.length ? frames[0].ts : 0;
  for (const f of frames) {
    const fh = Buffer.alloc(12);
    fh.writeUInt32LE(f.data.length, 0);
    fh.writeBigUInt64LE(BigInt((f.ts - t0) >>> 0), 4);
    parts.push(fh, f.data);
  }
  fs.writeFileSync(file, Buffer.concat(parts));
  return { width, height };
}

module.exports = { startCapture, readPcap, vp8PayloadTypes, vp8Streams, writeIvf };
