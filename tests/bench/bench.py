"""The media benchmark (scripts/bench runs it inside its own network namespace).

For each scenario (N rooms of 2, N rooms of 4) it drives the three targets in
turn with identical media from loadgen.py: counsel, Janus's VideoRoom, EchoTest
(the same number of people, each echoed). Per target: Janus's CPU seconds per
1,000 forwarded packets (/proc/<pid>/stat over a fixed window; packets counted
by the generator's receivers), packets lost, RSS per room; for counsel the
admit -> first forwarded packet and `end` -> purge times. Then callgrind at a
small load (counsel and VideoRoom, 1 room of 2) for instructions per packet by
object file. Writes a Markdown table (figures, never pass/fail).
"""

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from janus_proc import Janus, proc_cpu_s, proc_rss_kib  # noqa: E402
from loadgen import Generator, MediaFile, window_packets  # noqa: E402

STOCK = "/usr/lib/x86_64-linux-gnu/janus/plugins"
TARGETS = {
    "counsel": "janus.plugin.counsel",
    "videoroom": "janus.plugin.videoroom",
    "echotest": "janus.plugin.echotest",
}


def plugin_so(target, args):
    return os.path.abspath(args.plugin) if target == "counsel" else f"{STOCK}/libjanus_{target}.so"


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def median(values):
    return round(statistics.median(values), 1) if values else None


async def run_target(args, media, target, rooms, size, window_s, callgrind=False):
    janus = Janus(TARGETS[target], plugin_so(target, args), args.keygen, callgrind)
    await janus.start()
    gen = Generator(janus.ws_url, media, janus.practitioner_key)
    try:
        await asyncio.sleep(1)
        rss0 = proc_rss_kib(janus.pid)
        await gen.setup(target, rooms, size)
        missing = await gen.wait_flowing(120 if callgrind else 45)
        if missing:
            log(f"{target}: no media yet at {', '.join(missing)}; measuring anyway")
        await asyncio.sleep(3)
        if callgrind:
            janus.instr(True)
        c0, (usr0, sys0), g0, t0 = gen.counters(), proc_cpu_s(janus.pid), time.process_time(), time.monotonic()
        await asyncio.sleep(window_s)
        c1, (usr1, sys1), g1, t1 = gen.counters(), proc_cpu_s(janus.pid), time.process_time(), time.monotonic()
        cpu0, cpu1 = usr0 + sys0, usr1 + sys1
        if callgrind:
            janus.instr(False)
        rss1 = proc_rss_kib(janus.pid)
        pk = window_packets(c0, c1)
        admit, answer = gen.latencies()
        purge = await gen.end_rooms()
        purge_log = [int(x) / 1000 for x in re.findall(r"purged in (\d+) us", janus.log_text())]
        res = {
            "target": target, "rooms": rooms, "size": size, "window_s": round(t1 - t0, 1),
            "janus_cpu_s": round(cpu1 - cpu0, 2), "janus_sys_s": round(sys1 - sys0, 2), **pk,
            "cpu_ms_per_1k_fwd": round((cpu1 - cpu0) * 1e6 / max(1, pk["received"]), 1),
            "cpu_ms_per_1k_inout": round((cpu1 - cpu0) * 1e6 / max(1, pk["received"] + pk["sent"]), 1),
            "rss_mib_per_room": round((rss1 - rss0) / 1024 / rooms, 1),
            "gen_cpu_us_per_pkt": round((g1 - g0) * 1e6 / max(1, pk["received"] + pk["sent"]), 1),
            "admit_first_ms": median(admit), "answer_first_ms": median(answer),
            "end_answer_ms": median(purge), "purge_log_ms": median(purge_log),
            "missing": len(missing),
        }
        if callgrind:
            res["cg_out"] = janus.cg_out
        log(json.dumps(res))
        return res, janus
    finally:
        await gen.close()
        janus.stop(keep=callgrind)


OBJECT_GROUPS = [
    ("plugin", re.compile(r"libjanus_(counsel|videoroom|echotest)\.so")),
    ("janus core", re.compile(r"/usr/bin/janus$")),
    # Debian's libsrtp2 does its AES with NSS (freebl), DTLS is OpenSSL's libssl/libcrypto
    ("libsrtp + NSS crypto", re.compile(r"libsrtp|libfreebl|libsoftokn|libnss|libnspr|libplds")),
    ("OpenSSL", re.compile(r"libssl|libcrypto")),
    ("libnice + glib", re.compile(r"libnice|libglib|libgio|libgobject")),
    ("libc", re.compile(r"libc\.so|libc-|ld-linux")),
]


def callgrind_objects(path):
    """Exclusive instructions (Ir) per object file, read from a callgrind.out file:
    cost lines count for the current `ob=`, except the one after `calls=` (a callee's inclusive cost)."""
    names, per_object, obj, skip_next = {}, {}, "?", False
    for line in open(path, errors="replace"):
        if line.startswith(("ob=", "cob=")):  # "(id) name" defines a compressed name, "(id)" uses it
            m = re.match(r"c?ob=(?:\((\d+)\))?\s*(.*)", line.rstrip("\n"))
            if m.group(1) and m.group(2):
                names[m.group(1)] = m.group(2)
            if line.startswith("ob="):
                obj = names.get(m.group(1), m.group(2)) if m.group(1) else m.group(2)
        elif line.startswith("calls="):
            skip_next = True
        elif line[:1].isdigit() or line[:1] in "+-*":
            if skip_next:
                skip_next = False
                continue
            parts = line.split()
            if len(parts) >= 2:
                per_object[obj] = per_object.get(obj, 0) + int(parts[1])
    return per_object


def callgrind_by_object(cg_out):
    """Exclusive Ir per object group, summed over every dump of the run."""
    folder = os.path.dirname(cg_out)
    groups = {name: 0 for name, _ in OBJECT_GROUPS}
    groups["other"] = 0
    others = {}
    for name in os.listdir(folder):
        if not name.startswith("callgrind.out"):
            continue
        for obj, ir in callgrind_objects(os.path.join(folder, name)).items():
            group = next((n for n, rx in OBJECT_GROUPS if rx.search(obj)), "other")
            groups[group] += ir
            if group == "other":
                others[os.path.basename(obj)] = others.get(os.path.basename(obj), 0) + ir
    return groups, sorted(others.items(), key=lambda kv: -kv[1])[:6]


def machine():
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    janus = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "janus"], capture_output=True, text=True).stdout
    return {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "nproc": os.cpu_count(), "cpu": model,
            "kernel": platform.release(), "janus": janus, "load": " ".join(f"{x:.2f}" for x in os.getloadavg())}


def ratio(a, b):
    return f"{a / b:.2f}" if a is not None and b else "–"


def markdown(meta, results, cg, args):
    out = [f"# Media benchmark ({'quick' if args.quick else 'full'} run)", "",
           f"Date {meta['date']}; machine: nproc {meta['nproc']}, {meta['cpu']}, kernel {meta['kernel']}, "
           f"janus {meta['janus']}; load average at the start {meta['load']}. Window {args.window} s per target; "
           "generator: python3-aiortc, pre-encoded VP8 640x360 30 fps ~450 kbit/s + Opus, no decoding. "
           "Forwarded packets = RTP packets the generator's peers received from Janus in the window.", "",
           "| scenario | target | people | Janus CPU s (of it system) | fwd packets | CPU ms / 1k fwd | CPU ms / 1k in+out | lost | RSS MiB / room | admit→1st pkt ms | answer→1st pkt ms | end→ended ms (log purge ms) | generator µs / pkt |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        purge = f"{r['end_answer_ms']} ({r['purge_log_ms']})" if r["end_answer_ms"] is not None else "–"
        out.append(f"| {r['rooms']}×{r['size']} | {r['target']} | {r['rooms'] * r['size']} | {r['janus_cpu_s']} ({r.get('janus_sys_s', '–')}) | "
                   f"{r['received']} | {r['cpu_ms_per_1k_fwd']} | {r['cpu_ms_per_1k_inout']} | {r['lost']} | "
                   f"{r['rss_mib_per_room']} | {r['admit_first_ms'] or '–'} | {r['answer_first_ms'] or '–'} | {purge} | "
                   f"{r['gen_cpu_us_per_pkt']} |")
    out += ["", "| scenario | counsel / VideoRoom (CPU per fwd) | target ≤ 0.8 | counsel / EchoTest (CPU per fwd) | counsel / EchoTest (CPU per in+out) | target ≤ 1.1 |", "|---|---|---|---|---|---|"]
    for key in sorted({(r["rooms"], r["size"]) for r in results}):
        by = {r["target"]: r for r in results if (r["rooms"], r["size"]) == key}
        c, v, e = by.get("counsel"), by.get("videoroom"), by.get("echotest")
        if not c:
            continue
        rv = ratio(c["cpu_ms_per_1k_fwd"], v and v["cpu_ms_per_1k_fwd"])
        re_ = ratio(c["cpu_ms_per_1k_fwd"], e and e["cpu_ms_per_1k_fwd"])
        re_io = ratio(c["cpu_ms_per_1k_inout"], e and e["cpu_ms_per_1k_inout"])
        out.append(f"| {key[0]}×{key[1]} | {rv} | {'met' if rv != '–' and float(rv) <= 0.8 else 'missed'} | {re_} | {re_io} | "
                   f"{'met' if re_ != '–' and float(re_) <= 1.1 else 'missed'} |")
    if cg:
        out += ["", ("Kept from the previous run (--no-callgrind). " if getattr(args, "cg_kept", False) else "") + "Callgrind (1 room of 2 — for EchoTest 2 people —, instrumentation only during the window; user-space instructions only, the kernel's share of the CPU above is not in them): instructions per forwarded packet by object file.", "",
                "| target | fwd packets | plugin .so | janus core | libsrtp + NSS crypto | OpenSSL | libnice + glib | libc | other | total |",
                "|---|---|---|---|---|---|---|---|---|---|"]
        for target, (groups, fwd, _) in cg.items():
            cells = " | ".join(f"{groups[g] / max(1, fwd):,.0f}" for g in ["plugin", "janus core", "libsrtp + NSS crypto", "OpenSSL", "libnice + glib", "libc", "other"])
            out.append(f"| {target} | {fwd} | {cells} | {sum(groups.values()) / max(1, fwd):,.0f} |")
        for target, (_, fwd, others) in cg.items():
            out.append(f"\n{target}, largest objects in 'other' (Ir per packet): " +
                       ", ".join(f"{name} {ir / max(1, fwd):,.0f}" for name, ir in others))
        if "counsel" in cg and "videoroom" in cg:
            pc = cg["counsel"][0]["plugin"] / max(1, cg["counsel"][1])
            pv = cg["videoroom"][0]["plugin"] / max(1, cg["videoroom"][1])
            out += ["", f"Plugin instructions per packet, counsel / VideoRoom: {ratio(pc, pv)} (target ≤ 0.5)."]
    return "\n".join(out) + "\n"


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugin", required=True)
    ap.add_argument("--keygen", required=True)
    ap.add_argument("--media", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--rooms", type=int, default=None)
    ap.add_argument("--window", type=int, default=None)
    ap.add_argument("--targets", default="counsel,videoroom,echotest")
    ap.add_argument("--sizes", default=None)
    ap.add_argument("--no-callgrind", action="store_true")
    ap.add_argument("--callgrind-only", action="store_true", help="rerun only callgrind, keeping the figures in OUT's .json")
    args = ap.parse_args()
    args.rooms = args.rooms or (1 if args.quick else 2)
    args.window = args.window or (15 if args.quick else 45)
    sizes = [int(s) for s in (args.sizes or ("2" if args.quick else "2,4")).split(",")]
    targets = args.targets.split(",")
    media = MediaFile(args.media)
    meta = machine()
    results = []
    if args.callgrind_only:  # keep the last run's figures, redo the callgrind part
        with open(os.path.splitext(args.out)[0] + ".json") as f:
            saved = json.load(f)
        meta, results, sizes = saved["meta"], saved["results"], []
    if sizes:
        # The first Janus of a run measured up to twice the CPU of the same target
        # run again right after (mostly system time): warm up, unmeasured.
        log(f"warm-up (not measured): {targets[0]}, 1 room of 2, 10 s")
        await run_target(args, media, targets[0], 1, 2, 10)
    for size in sizes:
        for target in targets:
            log(f"{target}: {args.rooms} room(s) of {size}, {args.window} s window")
            res, _ = await run_target(args, media, target, args.rooms, size, args.window)
            results.append(res)
    cg = {}
    if not args.quick and not args.no_callgrind:
        for target in [t for t in targets if t in ("counsel", "videoroom", "echotest")]:
            log(f"{target} under callgrind: 1 room of 2, 20 s")
            res, janus = await run_target(args, media, target, 1, 2, 20, callgrind=True)
            try:
                keep = os.environ.get("COUNSEL_BENCH_KEEP_CALLGRIND")  # a folder for callgrind_annotate by hand
                if keep:
                    shutil.copytree(janus.dir, os.path.join(keep, target), ignore=shutil.ignore_patterns("plugins", "*.db*"), dirs_exist_ok=True)
                groups, others = callgrind_by_object(res["cg_out"])
                cg[target] = (groups, res["received"], others)
                log(f"{target} callgrind, largest 'other' objects: {others}")
            finally:
                shutil.rmtree(janus.dir, ignore_errors=True)
    if not cg and args.no_callgrind and os.path.exists(os.path.splitext(args.out)[0] + ".json"):
        with open(os.path.splitext(args.out)[0] + ".json") as f:  # keep the last callgrind figures
            cg = {k: tuple(v) for k, v in json.load(f).get("callgrind", {}).items()}
        if cg:
            log("callgrind figures kept from the previous run (--no-callgrind)")
            args.cg_kept = True
    text = markdown(meta, results, cg, args)
    with open(args.out, "w") as f:
        f.write(text)
    with open(os.path.splitext(args.out)[0] + ".json", "w") as f:
        json.dump({"meta": meta, "results": results, "callgrind": cg}, f, indent=1)
    print(text)


if __name__ == "__main__":
    asyncio.run(main())
