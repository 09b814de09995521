"""Light WebRTC load generator for scripts/bench (Debian's python3-aiortc).

Real PeerConnections (ICE, DTLS, SRTP) that send pre-encoded VP8 + Opus from
one file without encoding (aiortc's packetizers take encoded packets) and
count what they receive without decoding (the receiver's RTP handler is
replaced by a counter). Speaks three Janus plugins with identical media:

  counsel    practitioner key -> create, moderator joins, invitees knock,
             the moderator admits, everyone publishes and answers the
             plugin's `media` offers (one PeerConnection per person)
  videoroom  one publisher PeerConnection per person and one subscriber
             PeerConnection per person receiving every other person
  echotest   one PeerConnection per person, echoed back (the floor)
"""

import asyncio
import itertools
import time

import av
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamTrack
from aiortc.rtcrtpreceiver import RTCRtpReceiver
from aiortc.rtcrtpsender import RTCRtpSender

from janus_session import JanusSession


def now_ms():
    return time.monotonic() * 1000.0


# --- media: encoded packets from one file, paced in real time ---------------


class EncodedPacket:
    """What aiortc's encoders' pack() reads: bytes(), pts and time_base."""

    __slots__ = ("data", "pts", "time_base")

    def __init__(self, data, pts, time_base):
        self.data, self.pts, self.time_base = data, pts, time_base

    def __bytes__(self):
        return self.data


class MediaFile:
    """The file's packets per kind, read once and shared by every track."""

    def __init__(self, path):
        self.packets = {"audio": [], "video": []}
        self.time_base = {}
        with av.open(path) as container:
            for packet in container.demux():
                kind = packet.stream.type
                if packet.size == 0 or kind not in self.packets:
                    continue
                self.time_base[kind] = packet.time_base
                self.packets[kind].append((bytes(packet), packet.pts))
        for kind, packets in self.packets.items():
            if not packets:
                raise SystemExit(f"loadgen: {path} has no {kind} packets")
        # One loop lasts as long as the longer stream, plus one frame.
        self.loop_s = max(float(p[-1][1] * self.time_base[k]) for k, p in self.packets.items()) + 0.04


class FileTrack(MediaStreamTrack):
    """Replays the file's packets of one kind in real time, looping."""

    def __init__(self, media, kind):
        super().__init__()
        self.kind = kind
        self._media = media
        self._iter = itertools.cycle(enumerate(media.packets[kind]))
        self._tb = media.time_base[kind]
        self._loop_ticks = int(media.loop_s / self._tb)
        self._loops = -1
        self._start = None

    async def recv(self):
        index, (data, pts) = next(self._iter)
        if index == 0:
            self._loops += 1
        pts += self._loops * self._loop_ticks
        if self._start is None:
            self._start = time.monotonic() - float(pts * self._tb)
        delay = self._start + float(pts * self._tb) - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        return EncodedPacket(data, pts, self._tb)


# --- receive side: count, never decode ---------------------------------------


class RecvCounter:
    """Per PeerConnection: packets per SSRC, highest sequence, first arrival."""

    def __init__(self):
        self.ssrcs = {}  # ssrc -> [received, highest extended seq]
        self.first_ms = None

    def add(self, packet):
        if self.first_ms is None:
            self.first_ms = now_ms()
        entry = self.ssrcs.get(packet.ssrc)
        seq = packet.sequence_number
        if entry is None:
            self.ssrcs[packet.ssrc] = [1, seq]
            return
        entry[0] += 1
        high = entry[1]
        delta = (seq - (high & 0xFFFF)) & 0xFFFF
        if delta < 0x8000:  # newer (wrap-aware); older ones are reordered, not lost
            entry[1] = high + delta

    def snapshot(self):
        return {ssrc: tuple(v) for ssrc, v in self.ssrcs.items()}


UNATTRIBUTED = RecvCounter()


async def _count_rtp(self, packet, arrival_time_ms):
    getattr(self, "_bench_counter", UNATTRIBUTED).add(packet)


RTCRtpReceiver._handle_rtp_packet = _count_rtp  # no jitter buffer, no decoder


def sent_packets(pc):
    total = 0
    for t in pc.getTransceivers():
        total += getattr(t.sender, "_RTCRtpSender__packet_count", 0)
    return total


def jsep_of(desc):
    return {"type": desc.type, "sdp": desc.sdp}


# --- one person -------------------------------------------------------------


class Peer:
    """One person: a session and the PeerConnections it uses."""

    def __init__(self, gen, name):
        self.gen, self.name = gen, name
        self.session = None
        self.pcs = []  # every PeerConnection (send and receive)
        self.recv = RecvCounter()  # what this person receives, all PCs together
        self.expect_ssrcs = 0
        self.answer_sent_ms = None
        self.admit_ms = None

    async def open(self):
        self.session = await JanusSession(self.gen.ws_url, self.gen.token).open()
        return self

    def new_pc(self, send=True, direction="sendrecv"):
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        if send:
            for kind in ("audio", "video"):
                tr = pc.addTransceiver(FileTrack(self.gen.media, kind), direction=direction)
                codecs = [c for c in RTCRtpSender.getCapabilities(kind).codecs if c.mimeType in ("audio/opus", "video/VP8")]
                tr.setCodecPreferences(codecs)
        self.pcs.append(pc)
        return pc

    def tag_receivers(self, pc):
        for t in pc.getTransceivers():
            t.receiver._bench_counter = self.recv

    async def offer(self, pc):
        await pc.setLocalDescription(await pc.createOffer())
        self.tag_receivers(pc)
        return jsep_of(pc.localDescription)

    async def answer_offer(self, pc, jsep):
        await pc.setRemoteDescription(RTCSessionDescription(sdp=jsep["sdp"], type=jsep["type"]))
        self.tag_receivers(pc)
        await pc.setLocalDescription(await pc.createAnswer())
        return jsep_of(pc.localDescription)

    def sent(self):
        return sum(sent_packets(pc) for pc in self.pcs)

    async def close(self):
        for pc in self.pcs:
            await pc.close()
        if self.session:
            await self.session.close()


# --- scenarios ----------------------------------------------------------------


class CounselRoom:
    # True (CounselRecvRoom): every person also binds a receiving handle and
    # gets the others' streams on a second, receive-only PeerConnection
    # (docs/api.md "Receiving handle"); False: one PeerConnection each.
    receive_handle = False

    def __init__(self, gen, size, index):
        self.gen, self.size, self.index = gen, size, index
        self.peers = []
        self.tasks = []

    async def _media_loop(self, peer, handle, pc):
        """Answers every `media` offer of the plugin, for as long as it lives."""
        while True:
            data, jsep = await peer.session.next_event(handle, lambda d, j: j is not None and j.get("type") == "offer", 1e9)
            answer = await peer.answer_offer(pc, jsep)
            if peer.answer_sent_ms is None:
                peer.answer_sent_ms = now_ms()
            await peer.session.message(handle, {"request": "answer"}, answer)

    async def _publish(self, peer, handle, seated):
        """`seated`: the person's id and resume secret (from `joined`, or `admitted` and `waiting`)."""
        pc = peer.new_pc()
        data, jsep = await peer.session.message(handle, {"request": "publish"}, await peer.offer(pc))
        if data.get("counsel") != "published":
            raise RuntimeError(f"publish: {data}")
        await pc.setRemoteDescription(RTCSessionDescription(sdp=jsep["sdp"], type=jsep["type"]))
        self.tasks.append(asyncio.create_task(self._media_loop(peer, handle, pc)))
        if self.receive_handle:
            receiver = await peer.session.attach("janus.plugin.counsel", self.gen.loop_for(self.index))
            recv_pc = peer.new_pc(send=False)
            self.tasks.append(asyncio.create_task(self._media_loop(peer, receiver, recv_pc)))
            data, _ = await peer.session.message(receiver, {"request": "receive", "room": self.room, "id": seated["id"],
                                                            "secret": seated["resume"]})
            if data.get("counsel") != "receiving":
                raise RuntimeError(f"receive: {data}")

    async def setup(self):
        gen = self.gen
        mod = await Peer(gen, f"r{self.index}m").open()
        self.mod_handle = await mod.session.attach("janus.plugin.counsel", gen.loop_for(self.index))
        created, _ = await mod.session.message(
            self.mod_handle,
            {"request": "create", "practitioner_key": gen.practitioner_key,
             "invitees": [{"label": f"P{i}"} for i in range(1, self.size)], "e2ee": False},
        )
        self.room = created["room"]
        joined, _ = await mod.session.message(self.mod_handle, {"request": "join", "room": self.room, "token": created["moderator_token"], "display": "M"})
        self.mod = mod
        self.peers.append(mod)
        await self._publish(mod, self.mod_handle, joined)
        for i, invite in enumerate(created["invites"]):
            peer = await Peer(gen, f"r{self.index}p{i}").open()
            handle = await peer.session.attach("janus.plugin.counsel", gen.loop_for(self.index))
            waiting, _ = await peer.session.message(handle, {"request": "join", "room": self.room, "token": invite["token"], "display": f"P{i}"})
            peer.admit_ms = now_ms()
            await mod.session.message(self.mod_handle, {"request": "admit", "id": waiting["id"]})
            admitted, _ = await peer.session.next_event(handle, lambda d, j: d.get("counsel") == "admitted")
            await self._publish(peer, handle, {"id": admitted["id"], "resume": waiting["resume"]})
            self.peers.append(peer)
        for peer in self.peers:
            peer.expect_ssrcs = 2 * (self.size - 1)

    async def end(self):
        """`end` -> its answer, which the plugin sends after the purge (ms)."""
        for t in self.tasks:
            t.cancel()
        t0 = now_ms()
        data, _ = await self.mod.session.message(self.mod_handle, {"request": "end"})
        if data.get("counsel") != "ended":
            raise RuntimeError(f"end: {data}")
        return now_ms() - t0


class CounselRecvRoom(CounselRoom):
    receive_handle = True


class VideoRoomRoom:
    def __init__(self, gen, size, index):
        self.gen, self.size, self.index = gen, size, index
        self.peers = []

    async def setup(self):
        gen = self.gen
        self.room = 1000 + self.index
        first = await Peer(gen, f"v{self.index}p0").open()
        admin_handle = await first.session.attach("janus.plugin.videoroom", gen.loop_for(self.index))
        await first.session.message(admin_handle, {
            "request": "create", "room": self.room, "publishers": self.size, "audiocodec": "opus",
            "videocodec": "vp8", "bitrate": 0, "notify_joining": False})
        ids = []
        for i in range(self.size):
            peer = first if i == 0 else await Peer(gen, f"v{self.index}p{i}").open()
            handle = await peer.session.attach("janus.plugin.videoroom", gen.loop_for(self.index))
            joined, _ = await peer.session.message(handle, {"request": "join", "ptype": "publisher", "room": self.room, "display": f"P{i}"})
            ids.append(joined["id"])
            pc = peer.new_pc(direction="sendonly")
            data, jsep = await peer.session.message(handle, {"request": "publish", "audio": True, "video": True}, await peer.offer(pc))
            await pc.setRemoteDescription(RTCSessionDescription(sdp=jsep["sdp"], type=jsep["type"]))
            self.peers.append(peer)
        await asyncio.sleep(0.5)
        for i, peer in enumerate(self.peers):
            handle = await peer.session.attach("janus.plugin.videoroom", gen.loop_for(self.index))
            streams = [{"feed": f} for j, f in enumerate(ids) if j != i]
            data, jsep = await peer.session.message(handle, {"request": "join", "ptype": "subscriber", "room": self.room, "streams": streams})
            if jsep is None:
                data, jsep = await peer.session.next_event(handle, lambda d, j: j is not None)
            pc = peer.new_pc(send=False)
            answer = await peer.answer_offer(pc, jsep)
            await peer.session.message(handle, {"request": "start"}, answer)
            peer.expect_ssrcs = 2 * (self.size - 1)

    async def end(self):
        return None


class EchoRoom:
    """`size` independent EchoTest sessions (same number of people)."""

    def __init__(self, gen, size, index):
        self.gen, self.size, self.index = gen, size, index
        self.peers = []

    async def setup(self):
        for i in range(self.size):
            peer = await Peer(self.gen, f"e{self.index}p{i}").open()
            handle = await peer.session.attach("janus.plugin.echotest", self.gen.loop_for(self.index))
            pc = peer.new_pc()
            data, jsep = await peer.session.message(handle, {"audio": True, "video": True}, await peer.offer(pc))
            if jsep is None:
                data, jsep = await peer.session.next_event(handle, lambda d, j: j is not None)
            await pc.setRemoteDescription(RTCSessionDescription(sdp=jsep["sdp"], type=jsep["type"]))
            peer.expect_ssrcs = 2
            self.peers.append(peer)

    async def end(self):
        return None


SCENARIOS = {"counsel": CounselRoom, "counsel-recv": CounselRecvRoom, "videoroom": VideoRoomRoom, "echotest": EchoRoom}


class Generator:
    """The people of some rooms, in this process. `loops` > 0: Janus runs that
    many static event loops and every handle of room i is attached to loop
    i % loops (its people's PeerConnections then share one thread)."""

    def __init__(self, ws_url, media, practitioner_key=None, token=None, loops=0):
        self.ws_url, self.media = ws_url, media
        self.practitioner_key, self.token = practitioner_key, token
        self.loops = loops
        self.rooms = []

    def loop_for(self, index):
        return index % self.loops if self.loops else None

    @property
    def peers(self):
        return [p for r in self.rooms for p in r.peers]

    async def setup(self, target, indices, size):
        """The rooms with these (run-wide) indices."""
        for index in indices:
            room = SCENARIOS[target](self, size, index)
            await room.setup()
            self.rooms.append(room)

    async def wait_flowing(self, timeout_s):
        """Until every person receives every stream it should (or timeout)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            missing = [p.name for p in self.peers if len(p.recv.ssrcs) < p.expect_ssrcs]
            if not missing:
                return []
            await asyncio.sleep(0.25)
        return missing

    def counters(self):
        return {"sent": sum(p.sent() for p in self.peers), "recv": [p.recv.snapshot() for p in self.peers]}

    def latencies(self):
        admit = [p.recv.first_ms - p.admit_ms for p in self.peers if p.admit_ms and p.recv.first_ms]
        answer = [p.recv.first_ms - p.answer_sent_ms for p in self.peers if p.admit_ms and p.answer_sent_ms and p.recv.first_ms]
        return admit, answer

    async def end_rooms(self):
        return [ms for ms in [await r.end() for r in self.rooms] if ms is not None]

    async def close(self):
        for p in self.peers:
            try:
                await p.close()
            except Exception:
                pass


def window_packets(c0, c1):
    """Packets received and lost between two counters() snapshots."""
    received = lost = 0
    for before, after in zip(c0["recv"], c1["recv"]):
        for ssrc, (n1, hi1) in after.items():
            n0, hi0 = before.get(ssrc, (0, None))
            if hi0 is None:
                continue  # a stream that started inside the window: not counted
            received += n1 - n0
            lost += max(0, (hi1 - hi0) - (n1 - n0))
    return {"sent": c1["sent"] - c0["sent"], "received": received, "lost": lost}


# --- several generator processes ----------------------------------------------
# One Python process sends and receives at ~65-130 µs per packet (asyncio,
# aiortc's RTP code, libsrtp): beyond a few rooms it, not Janus, would be the
# limit. The pool spreads the rooms over processes (room i to process i % P)
# and sums what they count.


def _worker_main(conn, ws_url, media_path, practitioner_key, token, loops):
    asyncio.run(_worker(conn, ws_url, media_path, practitioner_key, token, loops))


async def _worker(conn, ws_url, media_path, practitioner_key, token, loops):
    import traceback

    gen = Generator(ws_url, MediaFile(media_path), practitioner_key, token, loops)
    loop = asyncio.get_running_loop()
    while True:
        cmd, arg = await loop.run_in_executor(None, conn.recv)
        try:
            if cmd == "setup":
                target, indices, size = arg
                reply = await gen.setup(target, indices, size)
            elif cmd == "wait_flowing":
                reply = await gen.wait_flowing(arg)
            elif cmd == "counters":
                reply = {**gen.counters(), "cpu_s": time.process_time()}
            elif cmd == "latencies":
                reply = gen.latencies()
            elif cmd == "end":
                reply = await gen.end_rooms()
            elif cmd == "close":
                await gen.close()
                conn.send(("ok", None))
                return
            else:
                raise ValueError(f"unknown command {cmd}")
            conn.send(("ok", reply))
        except Exception:
            conn.send(("error", traceback.format_exc()))


class GeneratorPool:
    """The Generator's interface over `procs` worker processes."""

    def __init__(self, ws_url, media_path, practitioner_key=None, token=None, loops=0, procs=1):
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited event loop
        self.workers = []
        for _ in range(max(1, procs)):
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=_worker_main, args=(child, ws_url, media_path, practitioner_key, token, loops),
                               daemon=True)
            proc.start()
            self.workers.append((proc, parent))

    @property
    def pids(self):
        return [proc.pid for proc, _ in self.workers]

    def _call(self, args_per_worker):
        for (proc, conn), (cmd, arg) in zip(self.workers, args_per_worker):
            conn.send((cmd, arg))
        replies = []
        for proc, conn in self.workers:
            status, reply = conn.recv()
            if status != "ok":
                raise RuntimeError(f"generator process {proc.pid}: {reply}")
            replies.append(reply)
        return replies

    async def call(self, cmd, arg=None, per_worker=None):
        args = per_worker or [arg] * len(self.workers)
        return await asyncio.get_running_loop().run_in_executor(None, self._call, [(cmd, a) for a in args])

    async def setup(self, target, rooms, size):
        n = len(self.workers)
        await self.call("setup", per_worker=[(target, list(range(i, rooms, n)), size) for i in range(n)])

    async def wait_flowing(self, timeout_s):
        return [name for missing in await self.call("wait_flowing", timeout_s) for name in missing]

    async def counters(self):
        """Summed counters, and the CPU seconds of each process so far."""
        replies = await self.call("counters")
        return ({"sent": sum(r["sent"] for r in replies), "recv": [x for r in replies for x in r["recv"]]},
                [r["cpu_s"] for r in replies])

    async def latencies(self):
        admit, answer = [], []
        for a, b in await self.call("latencies"):
            admit += a
            answer += b
        return admit, answer

    async def end_rooms(self):
        return [ms for r in await self.call("end") for ms in r]

    async def close(self):
        try:
            await self.call("close")
        except Exception:
            pass
        for proc, conn in self.workers:
            proc.join(10)
            if proc.is_alive():
                proc.kill()
