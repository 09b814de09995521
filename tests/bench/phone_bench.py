"""Phone dial-in benchmark (not a test; `scripts/bench --phone` runs it in the
bench's network namespace): counsel-phone's CPU per phone caller for the mix.

Per scenario, R rooms (default 2) of S people: one phone caller and S-1
WebRTC people (python3-aiortc, pre-encoded Opus from the bench media, audio
only, not decoded). Each caller is Debian's SIPp for SIP plus an RTP
endpoint here (G.711 A-law, a 300 Hz tone, RFC 4733 keys); it keys in the room
number and PIN, waits in the lobby, is admitted. Then a fixed window: the CPU
seconds (/proc/<pid>/stat, user + system) of counsel-phone and of Janus. For
a caller in a room of S, counsel-phone decodes S-1 Opus streams, mixes them,
encodes G.711, and encodes the caller's voice as Opus. Scenario "lobby": the
callers wait in the lobby (G.711 and keypad detection only, no mix) — the base
the mix is added to. Figures, never pass/fail.
"""

import argparse
import asyncio
import json
import math
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription  # noqa: E402

from janus_proc import Janus, proc_cpu_s  # noqa: E402
from janus_session import JanusSession  # noqa: E402
from loadgen import FileTrack, MediaFile, RecvCounter  # noqa: E402

SIPP = "/usr/bin/sipp"
CALLER_XML = os.path.join(HERE, "..", "e2e", "phone", "caller_waits.xml")
EVENT_PT = 101
ALAW_PT = 8


def log(msg):
    print(f"[phone-bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def alaw(sample):
    """G.711 A-law of one 16-bit sample (the caller's line)."""
    pcm = sample >> 3
    mask = 0xD5
    if pcm < 0:
        mask, pcm = 0x55, -pcm - 1
    for seg, end in enumerate((0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF)):
        if pcm <= end:
            return ((seg << 4) | ((pcm >> 1 if seg < 2 else pcm >> seg) & 0x0F)) ^ mask
    return 0x7F ^ mask


# One second of a 300 Hz tone, 50 frames of 20 ms (300 Hz fits a whole number of periods).
TONE = bytes(alaw(int(6000 * math.sin(2 * math.pi * 300 * i / 8000))) for i in range(8000))


class Caller(asyncio.DatagramProtocol):
    """The caller's RTP: learns counsel-phone's port from its first packet, then
    sends 20 ms of tone (or a key) every 20 ms and counts what it hears."""

    def __init__(self):
        self.remote = None
        self.received = 0
        self.keys = []
        self.seq, self.ts, self.ssrc, self.frame = 1, 0, 0x1234ABCD, 0

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        if self.remote is None:
            self.remote = addr
        self.received += 1

    def _packet(self, pt, marker, ts, payload):
        header = bytes([0x80, (0x80 if marker else 0) | pt]) + self.seq.to_bytes(2, "big") + \
            (ts & 0xFFFFFFFF).to_bytes(4, "big") + self.ssrc.to_bytes(4, "big")
        self.seq = (self.seq + 1) & 0xFFFF
        return header + payload

    def tick(self):
        if self.remote is None:
            return
        if self.keys:
            key = self.keys[0]
            n = key["frame"]
            if n < 5:
                code = {"*": 10, "#": 11}.get(key["digit"], None)
                code = int(key["digit"]) if code is None else code
                dur = (n + 1) * 160
                pkt = self._packet(EVENT_PT, n == 0, key.setdefault("ts", self.ts), bytes([code, 10, dur >> 8, dur & 0xFF]))
                self.transport.sendto(pkt, self.remote)
                if n == 4:
                    for _ in range(3):
                        self.transport.sendto(self._packet(EVENT_PT, False, key["ts"], bytes([code, 0x8A, dur >> 8, dur & 0xFF])), self.remote)
            key["frame"] += 1
            if key["frame"] >= 10:
                self.keys.pop(0)
                key["done"].set_result(True)
            if n < 5:
                self.ts += 160
                return
        at = (self.frame % 50) * 160
        self.transport.sendto(self._packet(ALAW_PT, False, self.ts, TONE[at:at + 160]), self.remote)
        self.frame += 1
        self.ts += 160

    async def press(self, digits):
        futures = []
        for d in digits:
            f = asyncio.get_running_loop().create_future()
            self.keys.append({"digit": d, "frame": 0, "done": f})
            futures.append(f)
        await asyncio.gather(*futures)


class Person:
    """A WebRTC person sending pre-encoded Opus (audio only), counting what arrives."""

    def __init__(self, url, media):
        self.url, self.media = url, media
        self.recv = RecvCounter()
        self.tasks = []

    async def open(self):
        self.session = await JanusSession(self.url).open()
        self.handle = await self.session.attach("janus.plugin.counsel")
        self.events = []
        self.tasks.append(asyncio.create_task(self._dispatch()))
        return self

    async def _dispatch(self):
        """One reader of the handle's events: offers are answered, the rest kept for wait_event."""
        queue = self.session.events.setdefault(self.handle, asyncio.Queue())
        while True:
            data, jsep = await queue.get()
            if jsep and jsep.get("type") == "offer" and getattr(self, "pc", None):
                await self._answer(jsep)
            else:
                self.events.append(data)

    async def wait_event(self, accept, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for data in self.events:
                if accept(data):
                    return data
            await asyncio.sleep(0.05)
        raise TimeoutError("no such event")

    async def request(self, body):
        return (await self.session.message(self.handle, body))[0]

    async def publish(self):
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.pc.addTransceiver(FileTrack(self.media, "audio"), direction="sendrecv")
        await self.pc.setLocalDescription(await self.pc.createOffer())
        for t in self.pc.getTransceivers():
            t.receiver._bench_counter = self.recv
        desc = self.pc.localDescription
        data, jsep = await self.session.message(self.handle, {"request": "publish"}, {"type": desc.type, "sdp": desc.sdp})
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=jsep["sdp"], type=jsep["type"]))

    async def _answer(self, jsep):
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=jsep["sdp"], type=jsep["type"]))
        for t in self.pc.getTransceivers():
            t.receiver._bench_counter = self.recv
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        desc = self.pc.localDescription
        await self.session.message(self.handle, {"request": "answer"}, {"type": desc.type, "sdp": desc.sdp})

    async def close(self):
        for t in self.tasks:
            t.cancel()
        if getattr(self, "pc", None):
            await self.pc.close()
        await self.session.close()


class PhoneService:
    def __init__(self, binary, janus, service_key, dir_):
        self.dir = dir_
        key_file = os.path.join(dir_, "service.key")
        with open(key_file, "w") as f:
            f.write(service_key + "\n")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            self.sip_port = s.getsockname()[1]
        self.conf = os.path.join(dir_, "counsel-phone.conf")
        with open(self.conf, "w") as f:
            f.write(f"[sip]\nlisten = sip:127.0.0.1:{self.sip_port};transport=udp\nallowed_sources = 127.0.0.1\nmax_calls = 50\n"
                    f"[media]\naddress = 127.0.0.1\nrtp_port_min = 43000\nrtp_port_max = 43999\n"
                    f"[janus]\nurl = {janus.http_url}\nservice_key_file = {key_file}\n"
                    f"[calls]\nprompts_dir = {os.path.join(os.path.dirname(binary), 'prompts')}\ndigit_timeout_s = 20\nlog_level = verbose\n")
        self.log_path = os.path.join(dir_, "counsel-phone.log")
        self.proc = subprocess.Popen(["setpriv", "--pdeathsig", "KILL", binary, "--config", self.conf],
                                     stdout=open(self.log_path, "w"), stderr=subprocess.STDOUT)

    def log_text(self):
        return open(self.log_path).read()

    async def ready(self):
        for _ in range(300):
            if "connected to Janus" in self.log_text():
                return
            await asyncio.sleep(0.1)
        raise RuntimeError(f"counsel-phone did not connect:\n{self.log_text()}")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


async def dial(phone, tmp, index):
    loop = asyncio.get_running_loop()
    transport, caller = await loop.create_datagram_endpoint(Caller, local_addr=("127.0.0.1", 0))
    rtp_port = transport.get_extra_info("sockname")[1]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        sip_port = s.getsockname()[1]
    sipp = subprocess.Popen([SIPP, f"127.0.0.1:{phone.sip_port}", "-sf", CALLER_XML, "-m", "1", "-l", "1", "-i", "127.0.0.1",
                             "-p", str(sip_port), "-set", "caller", f"+4930555{index:04d}", "-set", "rtp_port", str(rtp_port),
                             "-nostdin", "-timeout", "3600s"],
                            cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    async def pump():
        while True:
            caller.tick()
            await asyncio.sleep(0.02)
    caller.pump = asyncio.create_task(pump())
    caller.sipp, caller.transport = sipp, transport
    for _ in range(200):
        if caller.remote:
            return caller
        await asyncio.sleep(0.05)
    raise RuntimeError("counsel-phone did not answer")


async def room(janus, media, size, index, phone, tmp):
    """A room of `size`: the moderator and size-2 other people on WebRTC, one phone caller."""
    mod = await Person(janus.ws_url, media).open()
    invitees = [{"label": "Anrufer"}] + [{"label": f"P{i}"} for i in range(max(0, size - 2))]
    created = await mod.request({"request": "create", "practitioner_key": janus.practitioner_key, "invitees": invitees, "phone": True})
    await mod.request({"request": "join", "room": created["room"], "token": created["moderator_token"], "display": "M"})
    people = [mod]
    if size >= 2:
        await mod.publish()
    for inv in created["invites"][1:]:
        p = await Person(janus.ws_url, media).open()
        waiting = await p.request({"request": "join", "room": created["room"], "token": inv["token"], "display": inv["label"]})
        await mod.request({"request": "admit", "id": waiting["id"]})
        await p.wait_event(lambda d: d.get("counsel") == "admitted")
        await p.publish()
        people.append(p)
    caller = await dial(phone, tmp, index)
    await caller.press(created["phone"]["room_number"] + created["invites"][0]["pin"])
    lobby = await mod.wait_event(lambda d: d.get("counsel") == "lobby" and any(w.get("phone") for w in d["waiting"]))
    if size >= 2:
        await mod.request({"request": "admit", "id": next(w["id"] for w in lobby["waiting"] if w.get("phone"))})
    return {"people": people, "caller": caller, "mod": mod}


async def scenario(args, media, size, service):
    """size 1: the callers wait in the lobby; else rooms of `size` with one caller each."""
    janus = Janus("janus.plugin.counsel", os.path.abspath(args.plugin), args.keygen, http=True, phone_hash=service["key_hash"])
    await janus.start()
    tmp = tempfile.mkdtemp(prefix="counsel-phone-bench-")
    phone = PhoneService(os.path.abspath(args.phone), janus, service["key"], tmp)
    rooms = []
    try:
        await phone.ready()
        for i in range(args.rooms):
            try:
                rooms.append(await room(janus, media, size, i, phone, tmp))
            except Exception as exc:
                raise RuntimeError(f"room {i} of {size}: {exc!r}; counsel-phone log:\n{phone.log_text()[-3000:]}") from exc
        want = args.rooms if size >= 2 else 0
        for _ in range(300):
            if phone.log_text().count("in the session") >= want and (size >= 2 or phone.log_text().count("waits in the lobby") >= args.rooms):
                break
            await asyncio.sleep(0.2)
        await asyncio.sleep(5)  # prompts over, jitter buffers filled
        heard0 = [r["caller"].received for r in rooms]
        people0 = sum(sum(n for n, _ in p.recv.snapshot().values()) for r in rooms for p in r["people"])
        (pu0, ps0), (ju0, js0), t0 = proc_cpu_s(phone.proc.pid), proc_cpu_s(janus.pid), time.monotonic()
        await asyncio.sleep(args.window)
        (pu1, ps1), (ju1, js1), t1 = proc_cpu_s(phone.proc.pid), proc_cpu_s(janus.pid), time.monotonic()
        heard = sum(r["caller"].received for r in rooms) - sum(heard0)
        people1 = sum(sum(n for n, _ in p.recv.snapshot().values()) for r in rooms for p in r["people"])
        window = t1 - t0
        phone_cpu = (pu1 + ps1) - (pu0 + ps0)
        res = {
            "size": size, "rooms": args.rooms, "callers": args.rooms, "window_s": round(window, 1),
            "phone_cpu_s": round(phone_cpu, 2), "phone_sys_s": round(ps1 - ps0, 2),
            "phone_cpu_pct_per_caller": round(100 * phone_cpu / window / args.rooms, 2),
            "janus_cpu_s": round((ju1 + js1) - (ju0 + js0), 2),
            "line_packets_per_caller_s": round(heard / window / args.rooms, 1),
            "webrtc_packets_received": people1 - people0,
            "streams_mixed_per_caller": max(0, size - 1),
        }
        for r in rooms:
            if size >= 2:
                await r["mod"].request({"request": "end"})
        await asyncio.sleep(12 if size >= 2 else 1)  # goodbye prompts, then counsel-phone logs its counts
        # Per call at its end: packets from the room (the others' Opus, all decoded) and mix counts.
        rooms_in = [int(n) for n in re.findall(r"room (\d+) in / \d+ out", phone.log_text())]
        mixes = re.findall(r"mix (\d+) frames, (\d+) underruns, (\d+) concealed, (\d+) late, (\d+) dropped", phone.log_text())
        if mixes:
            res["mix_frames"] = sum(int(m[0]) for m in mixes)
            res["mix_underruns"] = sum(int(m[1]) for m in mixes)
            res["mix_concealed"] = sum(int(m[2]) for m in mixes)
            # Opus packets from the room per 20 ms mixed: the streams each caller really decoded.
            res["streams_decoded_per_frame"] = round(sum(rooms_in) / max(1, res["mix_frames"]), 2)
        log(json.dumps(res))
        return res
    finally:
        for r in rooms:
            r["caller"].pump.cancel()
            r["caller"].sipp.kill()
            r["caller"].transport.close()
            for p in r["people"]:
                try:
                    await p.close()
                except Exception:
                    pass
        phone.stop()
        janus.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def markdown(meta, results, args):
    out = ["# Phone dial-in benchmark", "",
           f"Date {meta['date']}; machine: nproc {meta['nproc']}, {meta['cpu']}, kernel {meta['kernel']}; load average at the "
           f"start {meta['load']}. {args.rooms} room(s) per scenario, one phone caller each; window {args.window} s. "
           "CPU = user + system seconds of the process over the window; % of one core per caller.", "",
           "| scenario | callers | Opus streams mixed per caller (decoded per 20 ms) | counsel-phone CPU s (system) | % of a core per caller | Janus CPU s | caller hears pkt/s | mix frames / underruns / concealed |",
           "|---|---|---|---|---|---|---|---|"]
    for r in results:
        name = "lobby (no mix)" if r["size"] == 1 else f"rooms of {r['size']}"
        mix = f"{r.get('mix_frames', '–')} / {r.get('mix_underruns', '–')} / {r.get('mix_concealed', '–')}"
        out.append(f"| {name} | {r['callers']} | {r['streams_mixed_per_caller']} ({r.get('streams_decoded_per_frame', '–')}) | {r['phone_cpu_s']} ({r['phone_sys_s']}) | "
                   f"{r['phone_cpu_pct_per_caller']} | {r['janus_cpu_s']} | {r['line_packets_per_caller_s']} | {mix} |")
    return "\n".join(out) + "\n"


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugin", required=True)
    ap.add_argument("--keygen", required=True)
    ap.add_argument("--phone", required=True, help="the counsel-phone binary (its prompts/ beside it)")
    ap.add_argument("--media", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--rooms", type=int, default=2)
    ap.add_argument("--window", type=int, default=30)
    ap.add_argument("--sizes", default="1,2,4,8")
    args = ap.parse_args()
    media = MediaFile(args.media)
    service = json.loads(subprocess.check_output([args.keygen, "--json"], text=True, timeout=60))
    meta = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "nproc": os.cpu_count(),
            "cpu": next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?"),
            "kernel": platform.release(), "load": " ".join(f"{x:.2f}" for x in os.getloadavg())}
    results = []
    for size in [int(s) for s in args.sizes.split(",")]:
        log(f"{args.rooms} caller(s), " + ("waiting in the lobby" if size == 1 else f"rooms of {size}"))
        results.append(await scenario(args, media, size, service))
    text = markdown(meta, results, args)
    with open(args.out, "w") as f:
        f.write(text)
    with open(os.path.splitext(args.out)[0] + ".json", "w") as f:
        json.dump({"meta": meta, "results": results}, f, indent=1)
    print(text)


if __name__ == "__main__":
    asyncio.run(main())
