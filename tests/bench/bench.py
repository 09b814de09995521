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

from janus_proc import Janus, proc_cpu_s, proc_rss_kib, udp_drops  # noqa: E402
from loadgen import GeneratorPool, window_packets  # noqa: E402

STOCK = "/usr/lib/x86_64-linux-gnu/janus/plugins"
TARGETS = {
    "counsel": "janus.plugin.counsel",
    # counsel with a receiving handle per person (two PeerConnections each, as VideoRoom)
    "counsel-recv": "janus.plugin.counsel",
    "videoroom": "janus.plugin.videoroom",
    "echotest": "janus.plugin.echotest",
}


def plugin_so(target, args):
    return os.path.abspath(args.plugin) if TARGETS[target] == "janus.plugin.counsel" else f"{STOCK}/libjanus_{target}.so"


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def median(values):
    return round(statistics.median(values), 1) if values else None


def parse_target(spec):
    """"counsel", "counsel@loops2" (the same target with 2 static event loops,
    each room's handles on one of them) or "counsel@rr2" (2 static event loops,
    Janus placing handles in turn, as it does for clients that name no loop).
    Returns (base, loops, placed)."""
    base, _, variant = spec.partition("@")
    m = re.fullmatch(r"(loops|rr)([1-9][0-9]*)", variant) if variant else None
    if base not in TARGETS or (variant and not m):
        raise SystemExit(f"bench: unknown target {spec!r} (counsel, counsel-recv, videoroom, echotest, optionally @loopsN or @rrN)")
    return (base, int(m.group(2)), m.group(1) == "loops") if m else (base, 0, False)


def box_cpu():
    """(busy, total) jiffies of the whole machine so far (/proc/stat)."""
    fields = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


async def run_target(args, target, rooms, size, window_s, callgrind=False):
    base, loops, placed = parse_target(target)
    janus = Janus(TARGETS[base], plugin_so(base, args), args.keygen, callgrind, event_loops=loops)
    await janus.start()
    gen = GeneratorPool(janus.ws_url, args.media, janus.practitioner_key, loops=loops if placed else 0, procs=args.gen_procs)
    try:
        await asyncio.sleep(1)
        rss0 = proc_rss_kib(janus.pid)
        await gen.setup(base, rooms, size)
        missing = await gen.wait_flowing(120 if callgrind else 45 + 5 * rooms)
        if missing:
            log(f"{target}: no media yet at {', '.join(missing)}; measuring anyway")
        await asyncio.sleep(3)
        if callgrind:
            janus.instr(True)
        pids = [janus.pid] + gen.pids
        (c0, g0), (usr0, sys0), d0, b0, t0 = await gen.counters(), proc_cpu_s(janus.pid), udp_drops(pids), box_cpu(), time.monotonic()
        await asyncio.sleep(window_s)
        (c1, g1), (usr1, sys1), d1, b1, t1 = await gen.counters(), proc_cpu_s(janus.pid), udp_drops(pids), box_cpu(), time.monotonic()
        cpu0, cpu1 = usr0 + sys0, usr1 + sys1
        if callgrind:
            janus.instr(False)
        rss1 = proc_rss_kib(janus.pid)
        pk = window_packets(c0, c1)
        admit, answer = await gen.latencies()
        purge = await gen.end_rooms()
        purge_log = [int(x) / 1000 for x in re.findall(r"purged in (\d+) us", janus.log_text())]
        window = t1 - t0
        gen_cpu = [b - a for a, b in zip(g0, g1)]
        people = rooms * size
        res = {
            "target": target, "rooms": rooms, "size": size, "window_s": round(window, 1),
            "janus_cpu_s": round(cpu1 - cpu0, 2), "janus_sys_s": round(sys1 - sys0, 2), **pk,
            "lost_pct": round(100 * pk["lost"] / max(1, pk["received"] + pk["lost"]), 2),
            "cpu_ms_per_1k_fwd": round((cpu1 - cpu0) * 1e6 / max(1, pk["received"]), 1),
            "cpu_ms_per_1k_inout": round((cpu1 - cpu0) * 1e6 / max(1, pk["received"] + pk["sent"]), 1),
            "rss_mib_per_room": round((rss1 - rss0) / 1024 / rooms, 1),
            "gen_cpu_us_per_pkt": round(sum(gen_cpu) * 1e6 / max(1, pk["received"] + pk["sent"]), 1),
            # Where packets were lost or work piled up: for saying what the limit was.
            "janus_cores": round((cpu1 - cpu0) / window, 2),
            "gen_procs": len(gen_cpu), "gen_core_max": round(max(gen_cpu) / window, 2),
            "box_busy_pct": round(100 * (b1[0] - b0[0]) / max(1, b1[1] - b0[1]), 1),
            "drops_janus": d1[janus.pid] - d0[janus.pid],
            "drops_gen": sum(d1[p] - d0[p] for p in gen.pids),
            "sent_pps_per_person": round(pk["sent"] / window / max(1, people), 1),
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


def bottleneck(r, reference_pps):
    """What limited a run, from its own figures (the generator's processes, the
    sockets' drops, Janus's CPU, the machine's CPU)."""
    why = []
    if r["gen_core_max"] >= 0.85:
        why.append(f"a generator process at {r['gen_core_max']:.2f} of a core")
    if reference_pps and r["sent_pps_per_person"] < 0.95 * reference_pps:
        why.append(f"the generator sent {r['sent_pps_per_person']} of {reference_pps} packets/s per person (pacing fell behind)")
    total = max(1, r["received"] + r["lost"])
    if r["drops_gen"] > 0.002 * total:
        why.append(f"{r['drops_gen']} datagrams dropped at the generator's sockets")
    if r["drops_janus"] > 0.002 * total:
        why.append(f"{r['drops_janus']} datagrams dropped at Janus's sockets (Janus read too late)")
    if r["janus_cores"] >= 0.85 * (os.cpu_count() or 1):
        why.append(f"Janus at {r['janus_cores']:.2f} cores")
    if r["box_busy_pct"] >= 95:
        why.append(f"the machine {r['box_busy_pct']} % busy (Janus + generator + anything else)")
    return "; ".join(why) or "none of the watched limits (loss on the way, inside Janus)"


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


def spread(values, fmt="{:.1f}"):
    """Median (min–max) of the rounds' values."""
    values = [v for v in values if v is not None]
    if not values:
        return "–"
    if len(values) == 1:
        return fmt.format(values[0])
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def header(meta, args, what):
    return [f"# Media benchmark ({what})", "",
            f"Date {meta['date']}; machine: nproc {meta['nproc']}, {meta['cpu']}, kernel {meta['kernel']}, "
            f"janus {meta['janus']}; load average at the start {meta['load']}. Window {args.window} s per run; "
            f"generator: python3-aiortc in {args.gen_procs} process(es), pre-encoded VP8 640x360 30 fps ~450 kbit/s + Opus, "
            "no decoding. Forwarded packets = RTP packets the generator's peers received from Janus in the window; "
            "lost = gaps in their sequence numbers; box busy = the whole machine's CPU (Janus, generator and "
            "anything else running) over the window.", ""]


def runs_table(results):
    out = ["| round | scenario | target | people | Janus CPU s (of it system) | fwd packets | CPU ms / 1k fwd | CPU ms / 1k in+out | lost % | box busy % | generator µs / pkt (max core) | RSS MiB / room | admit→1st pkt ms | answer→1st pkt ms | end→ended ms (log purge ms) |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        purge = f"{r['end_answer_ms']} ({r['purge_log_ms']})" if r["end_answer_ms"] is not None else "–"
        out.append(f"| {r.get('round', 1)} | {r['rooms']}×{r['size']} | {r['target']} | {r['rooms'] * r['size']} | "
                   f"{r['janus_cpu_s']} ({r.get('janus_sys_s', '–')}) | {r['received']} | {r['cpu_ms_per_1k_fwd']} | "
                   f"{r['cpu_ms_per_1k_inout']} | {r.get('lost_pct', '–')} | {r.get('box_busy_pct', '–')} | "
                   f"{r['gen_cpu_us_per_pkt']} ({r.get('gen_core_max', '–')}) | {r['rss_mib_per_room']} | "
                   f"{r['admit_first_ms'] or '–'} | {r['answer_first_ms'] or '–'} | {purge} |")
    return out


def summary_tables(results):
    """Medians and spread over the rounds, per scenario and target, and the ratios per round."""
    scenarios = sorted({(r["rooms"], r["size"]) for r in results})
    targets = list(dict.fromkeys(r["target"] for r in results))
    rounds = sorted({r.get("round", 1) for r in results})
    out = ["", f"Medians over {len(rounds)} round(s), in brackets the spread (min–max):", "",
           "| scenario | target | CPU ms / 1k fwd | CPU ms / 1k in+out | lost % | admit→1st pkt ms | answer→1st pkt ms |",
           "|---|---|---|---|---|---|---|"]
    for key in scenarios:
        for t in targets:
            rs = [r for r in results if (r["rooms"], r["size"]) == key and r["target"] == t]
            if rs:
                out.append(f"| {key[0]}×{key[1]} | {t} | {spread([r['cpu_ms_per_1k_fwd'] for r in rs])} | "
                           f"{spread([r['cpu_ms_per_1k_inout'] for r in rs])} | {spread([r.get('lost_pct') for r in rs], '{:.2f}')} | "
                           f"{spread([r['admit_first_ms'] for r in rs])} | {spread([r['answer_first_ms'] for r in rs])} |")
    others = [t for t in targets if t != "counsel"]
    if "counsel" in targets and others:
        out += ["", "Ratios of CPU per forwarded packet, each round's runs against each other (the targets ran "
                "interleaved, in a rotating order), median (min–max):", "",
                "| scenario | " + " | ".join(f"counsel / {t}" for t in others) + " |", "|---|" + "---|" * len(others)]
        for key in scenarios:
            cells = []
            for t in others:
                per_round = []
                for rnd in rounds:
                    by = {r["target"]: r for r in results if (r["rooms"], r["size"]) == key and r.get("round", 1) == rnd}
                    if "counsel" in by and t in by and by[t]["cpu_ms_per_1k_fwd"]:
                        per_round.append(by["counsel"]["cpu_ms_per_1k_fwd"] / by[t]["cpu_ms_per_1k_fwd"])
                cells.append(spread(per_round, "{:.2f}"))
            out.append(f"| {key[0]}×{key[1]} | " + " | ".join(cells) + " |")
    return out


def callgrind_tables(cg, args):
    out = ["", ("Kept from the previous run (--no-callgrind). " if getattr(args, "cg_kept", False) else "") + "Callgrind (1 room of 2 — for EchoTest 2 people —, instrumentation only during the window; user-space instructions only, the kernel's share of the CPU above is not in them): instructions per forwarded packet by object file.", "",
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
    return out


def markdown(meta, results, cg, args):
    out = header(meta, args, f"{'quick' if args.quick else 'full'} run, {args.rounds} round(s)")
    out += runs_table(results) + summary_tables(results)
    if cg:
        out += callgrind_tables(cg, args)
    return "\n".join(out) + "\n"


def capacity_markdown(meta, results, verdicts, args):
    out = header(meta, args, f"capacity{', quick' if args.quick else ''}: rooms of {args.capacity_size}, "
                 f"loss limit {args.loss_limit} %")
    out += runs_table(results)
    out += ["", f"Largest room count with at most {args.loss_limit} % of the forwarded packets lost "
            "(a step over the limit is run once more to confirm it), and what limited the first step over it:", "",
            "| target | rooms | people | limit seen at | what limited it |", "|---|---|---|---|---|"]
    for target, v in verdicts.items():
        rooms = v["rooms"]
        out.append(f"| {target} | {rooms if rooms is not None else 'none passed'} | "
                   f"{rooms * args.capacity_size if rooms else '–'} | "
                   f"{(str(v['failed_at']) + ' rooms') if v['failed_at'] else 'not reached (ladder ended)'} | {v['why']} |")
    return "\n".join(out) + "\n"


async def capacity(args, targets, meta):
    """Rooms of `capacity_size` people, more rooms per step, the targets
    interleaved at every step, until a target loses more than the limit."""
    ladder = [int(x) for x in args.ladder.split(",")]
    results, verdicts = [], {t: {"rooms": None, "failed_at": None, "why": "–"} for t in targets}
    reference = {}
    alive = list(targets)
    for step, rooms in enumerate(ladder):
        order = alive[step % len(alive):] + alive[:step % len(alive)]
        for target in order:
            for attempt in (1, 2):
                log(f"capacity: {target}, {rooms} room(s) of {args.capacity_size}, {args.window} s window"
                    + (" (again, to confirm)" if attempt == 2 else ""))
                res, _ = await run_target(args, target, rooms, args.capacity_size, args.window)
                res["round"] = attempt
                results.append(res)
                reference.setdefault(target, res["sent_pps_per_person"])
                if res["lost_pct"] <= args.loss_limit and not res["missing"]:
                    verdicts[target]["rooms"] = rooms
                    break
            else:
                verdicts[target].update(failed_at=rooms, why=bottleneck(res, reference[target]))
                alive.remove(target)
        if not alive:
            break
    return results, verdicts


def write_report(out, text, data):
    """OUT (Markdown) and OUT's .json beside it; the text also to stdout."""
    with open(out, "w") as f:
        f.write(text)
    with open(os.path.splitext(out)[0] + ".json", "w") as f:
        json.dump(data, f, indent=1)
    print(text)


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugin", required=True)
    ap.add_argument("--keygen", required=True)
    ap.add_argument("--media", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--rooms", type=int, default=None)
    ap.add_argument("--window", type=int, default=None)
    ap.add_argument("--rounds", type=int, default=None, help="rounds; the targets run interleaved in each (3; quick 2)")
    ap.add_argument("--targets", default=None,
                    help="comma-separated: counsel, counsel-recv (a receiving handle per person), videoroom, echotest, "
                         "each optionally @loopsN (N static event loops, a room's handles on one) or @rrN (N, handles placed in turn)")
    ap.add_argument("--sizes", default=None)
    ap.add_argument("--gen-procs", type=int, default=None, help="generator processes (default: 2, capacity: nproc + 1)")
    ap.add_argument("--capacity", action="store_true", help="find the largest room count under the loss limit")
    ap.add_argument("--capacity-size", type=int, default=2, help="people per room in --capacity (2)")
    ap.add_argument("--ladder", default=None, help="room counts to try in --capacity (1,2,4,6,8,12,16,24,32; quick 1,2)")
    ap.add_argument("--loss-limit", type=float, default=1.0, help="percent of forwarded packets (1)")
    ap.add_argument("--no-callgrind", action="store_true")
    ap.add_argument("--callgrind-only", action="store_true", help="rerun only callgrind, keeping the figures in OUT's .json")
    args = ap.parse_args()
    args.rooms = args.rooms or (1 if args.quick else 2)
    args.window = args.window or (10 if args.quick else (20 if args.capacity else 45))
    args.rounds = args.rounds or (2 if args.quick else 3)
    args.gen_procs = args.gen_procs or ((os.cpu_count() or 1) + 1 if args.capacity else 2)
    args.ladder = args.ladder or ("1,2" if args.quick else "1,2,4,6,8,12,16,24,32")
    sizes = [int(s) for s in (args.sizes or ("2" if args.quick else "2,4")).split(",")]
    targets = (args.targets or ("counsel,videoroom" if args.capacity else "counsel,counsel-recv,videoroom,echotest")).split(",")
    for t in targets:
        parse_target(t)
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
        await run_target(args, targets[0], 1, 2, 10)
    if args.capacity:
        results, verdicts = await capacity(args, targets, meta)
        write_report(args.out, capacity_markdown(meta, results, verdicts, args),
                     {"meta": meta, "results": results, "capacity": verdicts})
        return
    # Interleaved: every round runs every target once per scenario, the order
    # rotating from round to round, so a slow phase of the machine is spread
    # over the targets instead of landing on one.
    for rnd in range(1, args.rounds + 1 if sizes else 1):
        for size in sizes:
            order = targets[(rnd - 1) % len(targets):] + targets[:(rnd - 1) % len(targets)]
            for target in order:
                log(f"round {rnd}/{args.rounds}: {target}, {args.rooms} room(s) of {size}, {args.window} s window")
                res, _ = await run_target(args, target, args.rooms, size, args.window)
                res["round"] = rnd
                results.append(res)
    cg = {}
    if not args.quick and not args.no_callgrind:
        for target in [t for t in targets if t in ("counsel", "videoroom", "echotest")]:
            log(f"{target} under callgrind: 1 room of 2, 20 s")
            res, janus = await run_target(args, target, 1, 2, 20, callgrind=True)
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
    write_report(args.out, markdown(meta, results, cg, args), {"meta": meta, "results": results, "callgrind": cg})


if __name__ == "__main__":
    asyncio.run(main())
