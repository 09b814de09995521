"""A WebRTC person for the phone tests (Debian's python3-aiortc), driven by the
node test over stdin/stdout, one JSON object per line.

    /usr/bin/python3 peer.py <janus ws url> <name>

Commands (each answered with {"id": <its id>, "ok": true, ...} or {"id", "error"}):
    {"id": 1, "cmd": "request", "body": {...}}     a plugin request; answers {"answer": <plugin data>}
    {"id": 2, "cmd": "publish", "tone_hz": 1000}   a PeerConnection sending a sine tone as Opus;
                                                    the plugin's `media` offers are answered from then on
    {"id": 3, "cmd": "tone", "hz": 440, "ms": 2000} the received audio of the last `ms`, per remote
                                                    track: {"tracks": [{"mid", "amplitude", "rms", "frames"}]}
    {"id": 4, "cmd": "close"}
Every plugin event that is not an answer is printed as {"event": <plugin data>}.

Received audio is decoded (aiortc's Opus decoder, 48 kHz) and kept per track
for 10 s; `tone` measures the amplitude of one frequency with the Goertzel
algorithm, so "audio arrived" means "this tone arrived", not "packets came".
"""

import asyncio
import fractions
import json
import math
import os
import sys
import time

import av
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamTrack

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
from janus_session import JanusSession  # noqa: E402

RATE = 48000
FRAME = 960  # 20 ms
KEEP_S = 10


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


class SineTrack(MediaStreamTrack):
    """A sine tone in real time, 20 ms frames of 48 kHz mono."""

    kind = "audio"

    def __init__(self, hz, amplitude=8000):
        super().__init__()
        self.hz, self.amplitude = hz, amplitude
        self._n = 0
        self._start = None

    async def recv(self):
        if self._start is None:
            self._start = time.monotonic()
        due = self._start + self._n * FRAME / RATE
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        frame = av.AudioFrame(format="s16", layout="mono", samples=FRAME)
        step = 2 * math.pi * self.hz / RATE
        base = self._n * FRAME
        samples = bytearray()
        for i in range(FRAME):
            v = int(self.amplitude * math.sin(step * (base + i)))
            samples += v.to_bytes(2, "little", signed=True)
        frame.planes[0].update(bytes(samples))
        frame.sample_rate = RATE
        frame.pts = base
        frame.time_base = fractions.Fraction(1, RATE)
        self._n += 1
        return frame


def goertzel(samples, hz, rate=RATE):
    """The amplitude of `hz` in `samples` (a sine of amplitude A gives ~A)."""
    n = len(samples)
    if n == 0:
        return 0.0
    coeff = 2 * math.cos(2 * math.pi * hz / rate)
    s1 = s2 = 0.0
    for x in samples:
        s1, s2 = x + coeff * s1 - s2, s1
    power = s1 * s1 + s2 * s2 - coeff * s1 * s2
    return 2 * math.sqrt(max(power, 0.0)) / n


class Received:
    """One remote audio track: its decoded samples (mono) with arrival times."""

    def __init__(self, mid):
        self.mid = mid
        self.chunks = []  # (monotonic time, list of samples)
        self.frames = 0

    def add(self, frame):
        data = frame.to_ndarray()
        channels = len(frame.layout.channels)
        flat = data.reshape(-1).tolist()
        mono = flat[::channels] if channels > 1 else flat
        now = time.monotonic()
        self.chunks.append((now, mono))
        self.frames += 1
        while self.chunks and self.chunks[0][0] < now - KEEP_S:
            self.chunks.pop(0)

    def last(self, ms):
        since = time.monotonic() - ms / 1000.0
        out = []
        for t, mono in self.chunks:
            if t >= since:
                out.extend(mono)
        return out


class Peer:
    def __init__(self, url, name):
        self.url, self.name = url, name
        self.session = None
        self.handle = None
        self.pc = None
        self.received = {}
        self.tasks = []

    async def open(self):
        self.session = await JanusSession(self.url).open()
        self.handle = await self.session.attach("janus.plugin.counsel")
        self.tasks.append(asyncio.create_task(self._events()))

    async def _events(self):
        queue = self.session.events.setdefault(self.handle, asyncio.Queue())
        while True:
            data, jsep = await queue.get()
            if jsep and jsep.get("type") == "offer" and self.pc:
                await self._answer_offer(jsep)
            emit({"event": data})

    async def _answer_offer(self, jsep):
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=jsep["sdp"], type=jsep["type"]))
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        desc = self.pc.localDescription
        await self.session.message(self.handle, {"request": "answer"}, {"type": desc.type, "sdp": desc.sdp})

    async def _consume(self, track, mid):
        rec = self.received.setdefault(mid, Received(mid))
        while True:
            try:
                frame = await track.recv()
            except Exception:
                return
            rec.add(frame)

    async def request(self, body):
        msg = await self.session.call({"janus": "message", "handle_id": self.handle, "body": body})
        return msg.get("plugindata", {}).get("data", {})

    async def publish(self, tone_hz):
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.pc.addTransceiver(SineTrack(tone_hz), direction="sendrecv")

        @self.pc.on("track")
        def on_track(track):
            mid = next((t.mid for t in self.pc.getTransceivers() if t.receiver.track is track), None)
            self.tasks.append(asyncio.create_task(self._consume(track, mid)))

        await self.pc.setLocalDescription(await self.pc.createOffer())
        desc = self.pc.localDescription
        msg = await self.session.call({"janus": "message", "handle_id": self.handle, "body": {"request": "publish"},
                                       "jsep": {"type": desc.type, "sdp": desc.sdp}})
        data = msg.get("plugindata", {}).get("data", {})
        jsep = msg.get("jsep")
        if data.get("counsel") != "published" or not jsep:
            raise RuntimeError(f"publish: {data}")
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=jsep["sdp"], type=jsep["type"]))
        return data

    def tone(self, hz, ms):
        tracks = []
        for mid, rec in sorted(self.received.items(), key=lambda kv: str(kv[0])):
            samples = rec.last(ms)
            rms = math.sqrt(sum(x * x for x in samples) / len(samples)) if samples else 0.0
            tracks.append({"mid": mid, "amplitude": round(goertzel(samples, hz), 1), "rms": round(rms, 1),
                           "samples": len(samples), "frames": rec.frames})
        return tracks

    async def close(self):
        for t in self.tasks:
            t.cancel()
        if self.pc:
            await self.pc.close()
        if self.session:
            await self.session.close()


async def main():
    url, name = sys.argv[1], sys.argv[2]
    peer = Peer(url, name)
    await peer.open()
    emit({"ready": name})
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while True:
        line = await reader.readline()
        if not line:
            break
        cmd = json.loads(line)
        reply = {"id": cmd.get("id")}
        try:
            if cmd["cmd"] == "request":
                reply["answer"] = await peer.request(cmd["body"])
            elif cmd["cmd"] == "publish":
                reply["answer"] = await peer.publish(cmd.get("tone_hz", 1000))
            elif cmd["cmd"] == "tone":
                reply["tracks"] = peer.tone(cmd["hz"], cmd.get("ms", 2000))
            elif cmd["cmd"] == "close":
                await peer.close()
                reply["ok"] = True
                emit(reply)
                return
            reply["ok"] = True
        except Exception as exc:  # reported to the test, which fails with it
            reply["error"] = f"{type(exc).__name__}: {exc}"
        emit(reply)


if __name__ == "__main__":
    asyncio.run(main())
