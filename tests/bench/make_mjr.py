#!/usr/bin/env python3
"""Makes Janus .mjr track files from FFmpeg test sources, as the recorder writes
them during a session: H.264 (packetization-mode 1, 640x480) or Opus (20 ms
frames) in RTP, framed as Janus's janus_recorder does (MJR00002 header, then
"MEET" + ms + length + RTP packet per packet).

    make_mjr.py video OUT.mjr --seconds 600 [--source testsrc2] [--first-us N] [--fps 25]
    make_mjr.py audio OUT.mjr --seconds 600 [--freq 440]   [--first-us N]

`--first-us` is the "u" field (wall-clock time of the first frame, unix
microseconds) that finalization uses to place the track in its span.
Used by tests/bench/recording_finalize.sh and the recording unit tests.
"""
import argparse
import json
import os
import random
import struct
import subprocess
import sys
import tempfile
import time

MTU_PAYLOAD = 1100


def mjr_writer(path, kind, codec, first_us):
    f = open(path, "wb")
    os.chmod(path, 0o600)
    f.write(b"MJR00002")
    info = json.dumps({"t": kind, "c": codec, "s": first_us, "u": first_us}, separators=(",", ":")).encode()
    f.write(struct.pack("!H", len(info)))
    f.write(info)
    return f


def write_packet(f, ms, rtp):
    f.write(b"MEET")
    f.write(struct.pack("!IH", ms & 0xFFFFFFFF, len(rtp)))
    f.write(rtp)


def rtp_header(pt, seq, ts, ssrc, marker):
    return struct.pack("!BBHII", 0x80, (0x80 if marker else 0) | pt, seq & 0xFFFF, ts & 0xFFFFFFFF, ssrc)


def split_nals(data):
    """Annex B byte stream -> list of NAL units (without start codes)."""
    out = []
    i = 0
    n = len(data)
    starts = []
    while True:
        j = data.find(b"\x00\x00\x01", i)
        if j < 0:
            break
        starts.append(j + 3)
        i = j + 3
    for k, s in enumerate(starts):
        e = starts[k + 1] - 3 if k + 1 < len(starts) else n
        # A 4-byte start code leaves a trailing zero on the previous NAL.
        while e > s and data[e - 1] == 0 and k + 1 < len(starts):
            e -= 1
        out.append(data[s:e])
    return out


def video(args):
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, "v.h264")
        src = f"{args.source}=size={args.size}:rate={args.fps}"
        subprocess.run(
            ["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", src, "-t", str(args.seconds),
             "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-profile:v", "baseline",
             "-bf", "0", "-g", str(args.fps * 2), "-b:v", "800k", "-pix_fmt", "yuv420p",
             "-bsf:v", "h264_metadata=aud=insert", "-f", "h264", raw], check=True)
        data = open(raw, "rb").read()
    nals = split_nals(data)
    # Access units start at each AUD (type 9).
    units = []
    for nal in nals:
        if not nal:
            continue
        if nal[0] & 0x1F == 9:
            units.append([])
            continue
        if not units:
            units.append([])
        units[-1].append(nal)
    f = mjr_writer(args.out, "v", "h264", args.first_us)
    seq = random.randrange(65536)
    ssrc = random.randrange(1 << 32)
    ts0 = random.randrange(1 << 32)
    pt = 96
    for idx, au in enumerate(units):
        ts = ts0 + idx * 90000 // args.fps
        ms = idx * 1000 // args.fps
        packets = []
        for nal in au:
            if len(nal) <= MTU_PAYLOAD:
                packets.append(nal)
            else:
                hdr = nal[0]
                fu_ind = (hdr & 0xE0) | 28
                body = nal[1:]
                pos = 0
                while pos < len(body):
                    chunk = body[pos:pos + MTU_PAYLOAD]
                    start = pos == 0
                    end = pos + len(chunk) >= len(body)
                    fu_hdr = (0x80 if start else 0) | (0x40 if end else 0) | (hdr & 0x1F)
                    packets.append(bytes([fu_ind, fu_hdr]) + chunk)
                    pos += len(chunk)
        for k, payload in enumerate(packets):
            write_packet(f, ms, rtp_header(pt, seq, ts, ssrc, k == len(packets) - 1) + payload)
            seq += 1
    f.close()
    return len(units)


def ogg_packets(data):
    """Packets of an Ogg stream (one logical stream)."""
    pos = 0
    pending = b""
    while pos + 27 <= len(data):
        if data[pos:pos + 4] != b"OggS":
            raise ValueError("not an Ogg page")
        nseg = data[pos + 26]
        segs = data[pos + 27:pos + 27 + nseg]
        body = pos + 27 + nseg
        for s in segs:
            pending += data[body:body + s]
            body += s
            if s < 255:
                yield pending
                pending = b""
        pos = body


def audio(args):
    with tempfile.TemporaryDirectory() as tmp:
        ogg = os.path.join(tmp, "a.ogg")
        subprocess.run(
            ["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
             f"sine=frequency={args.freq}:sample_rate=48000:beep_factor=4", "-t", str(args.seconds),
             "-ac", "2", "-c:a", "libopus", "-b:a", "48k", "-frame_duration", "20", "-application", "voip", ogg],
            check=True)
        data = open(ogg, "rb").read()
    f = mjr_writer(args.out, "a", "opus", args.first_us)
    seq = random.randrange(65536)
    ssrc = random.randrange(1 << 32)
    ts0 = random.randrange(1 << 32)
    count = 0
    for k, pkt in enumerate(ogg_packets(data)):
        if k < 2:  # OpusHead, OpusTags
            continue
        write_packet(f, count * 20, rtp_header(111, seq, ts0 + count * 960, ssrc, False) + pkt)
        seq += 1
        count += 1
    f.close()
    return count


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("kind", choices=["video", "audio"])
    p.add_argument("out")
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--first-us", type=int, default=int(time.time() * 1e6))
    p.add_argument("--source", default="testsrc2")
    p.add_argument("--size", default="640x480")
    p.add_argument("--fps", type=int, default=25)
    p.add_argument("--freq", type=int, default=440)
    args = p.parse_args()
    n = video(args) if args.kind == "video" else audio(args)
    print(f"{args.out}: {n} {'frames' if args.kind == 'video' else 'packets'}", file=sys.stderr)


if __name__ == "__main__":
    main()
