#!/usr/bin/env bash
# Benchmark (not a test): how fast a session recording is finalized, as a
# multiple of real time. Makes the .mjr track files of a 2-person session
# (H.264 640x480 25 fps ~800 kbit/s + Opus 48 kbit/s per person, from FFmpeg
# test sources) once, then runs the same finalization the plugin's worker runs
# (counsel-rec-finalize: janus-pp-rec per track, ffprobe, one ffmpeg run to a
# 1280x480 H.264 + AAC MP4) at the worker's priority (nice 10), several rounds.
#
#   tests/bench/recording_finalize.sh [options] [MINUTES (10)] [BUILD_DIR (build-test)]
#     --seconds N       the session's length in seconds instead (short sessions: start-up costs)
#     --rounds N        rounds (default 3); medians are printed
#     --against REV     also finalize with counsel-rec-finalize built from git revision REV
#                       (cached under ~/.cache/counsel-bench), interleaved with this build
#                       round by round (the order alternates), and compare the pictures:
#                       SSIM (ffmpeg's ssim filter) of this build's MP4 against REV's, and sizes
#     --against-bin F   the same with a counsel-rec-finalize binary F
#     --size WxH        the senders' picture size (default 640x480; 1280x720 is what
#                       Chromium sends for the page's camera constraints)
#     --nice N          the tools' priority (default 10, as the worker's). On a machine busy
#                       with other work the wall times measure mostly the others (and with
#                       the kernel's autogroups, nice acts only within one login session's
#                       processes, so a lower nice does not buy the CPU back): compare builds
#                       there by CPU seconds and media seconds per CPU-second
#
# Prints per round and binary the media length, wall time, CPU time of the tools and
# media length / wall time; then medians (and min–max) per binary.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SECONDS_LONG=""
ROUNDS=3
AGAINST=""
AGAINST_BIN=""
SIZE=640x480
NICE=10
POSITIONAL=()
while (($#)); do
	case "$1" in
	--seconds) SECONDS_LONG="$2"; shift 2 ;;
	--rounds) ROUNDS="$2"; shift 2 ;;
	--against) AGAINST="$2"; shift 2 ;;
	--against-bin) AGAINST_BIN="$2"; shift 2 ;;
	--size) SIZE="$2"; shift 2 ;;
	--nice) NICE="$2"; shift 2 ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	-*) echo "unknown option $1" >&2; exit 2 ;;
	*) POSITIONAL+=("$1"); shift ;;
	esac
done
MINUTES="${POSITIONAL[0]:-10}"
BUILD="${POSITIONAL[1]:-${COUNSEL_BUILD_DIR:-build-test}}"
[[ -n "$SECONDS_LONG" ]] || SECONDS_LONG=$((MINUTES * 60))
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "--rounds: a positive number" >&2; exit 2; }
[[ "$SECONDS_LONG" =~ ^[1-9][0-9]*$ ]] || { echo "--seconds: a positive number" >&2; exit 2; }
[[ "$SIZE" =~ ^[1-9][0-9]*x[1-9][0-9]*$ ]] || { echo "--size: WxH" >&2; exit 2; }
[[ "$NICE" =~ ^[0-9]+$ && "$NICE" -le 19 ]] || { echo "--nice: 0 to 19" >&2; exit 2; }
FINALIZE="$REPO/$BUILD/plugin/recording/counsel-rec-finalize"
[[ -x "$FINALIZE" ]] || { echo "build first: cmake -B $BUILD -DCOUNSEL_TESTS=ON && cmake --build $BUILD" >&2; exit 2; }
for tool in ffmpeg ffprobe janus-pp-rec python3 cmake; do
	command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install ffmpeg janus-tools python3 cmake)" >&2; exit 2; }
done

# The build to compare with: a revision of this repository, built once (only the tool).
if [[ -n "$AGAINST" ]]; then
	rev="$(git -C "$REPO" rev-parse --short=12 "$AGAINST^{commit}")"
	cache="${XDG_CACHE_HOME:-$HOME/.cache}/counsel-bench/finalize-$rev"
	AGAINST_BIN="$cache/build/plugin/recording/counsel-rec-finalize"
	if [[ ! -x "$AGAINST_BIN" ]]; then
		echo "building counsel-rec-finalize of $rev into $cache (once) ..." >&2
		rm -rf "$cache/src" && mkdir -p "$cache/src"
		git -C "$REPO" archive "$rev" | tar -x -C "$cache/src"
		cmake -S "$cache/src" -B "$cache/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
		cmake --build "$cache/build" -j"$(nproc)" --target counsel-rec-finalize >/dev/null
	fi
	AGAINST_NAME="$rev"
elif [[ -n "$AGAINST_BIN" ]]; then
	[[ -x "$AGAINST_BIN" ]] || { echo "--against-bin: $AGAINST_BIN is not executable" >&2; exit 2; }
	AGAINST_NAME=baseline
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
ROOM=00c0ffee00c0ffee
INPUTS="$WORK/inputs"
mkdir -m 700 "$INPUTS"

START_US=$(($(date +%s) * 1000000))
echo "making ${SECONDS_LONG} s of 2-person tracks at $SIZE (not timed) ..." >&2
t0=$(date +%s.%N)
mk() { python3 "$REPO/tests/bench/make_mjr.py" "$@" 2>/dev/null; }
mk video "$INPUTS/s01-t01-video.mjr" --seconds "$SECONDS_LONG" --size "$SIZE" --source testsrc2 --first-us "$START_US" &
mk video "$INPUTS/s01-t03-video.mjr" --seconds "$SECONDS_LONG" --size "$SIZE" --source testsrc --first-us $((START_US + 200000)) &
mk audio "$INPUTS/s01-t02-audio.mjr" --seconds "$SECONDS_LONG" --freq 440 --first-us "$START_US" &
mk audio "$INPUTS/s01-t04-audio.mjr" --seconds "$SECONDS_LONG" --freq 660 --first-us $((START_US + 200000)) &
wait
t1=$(date +%s.%N)
printf 'inputs ready in %.1f s: %s\n' "$(echo "$t1 - $t0" | bc)" "$(du -sh "$INPUTS" | cut -f1)" >&2

END_US=$((START_US + SECONDS_LONG * 1000000))
cat >"$INPUTS/state.json" <<JSON
{"version":1,"room":"$ROOM","state":"finalizing","finalized_at_us":0,"recovered":false,"uploaded":false,"links":[],
 "spans":[{"start_us":$START_US,"end_us":$END_US,"participants":[1,2],"tracks":[
  {"file":"s01-t01-video.mjr","participant":1,"mindex":1,"kind":"video","codec":"h264"},
  {"file":"s01-t02-audio.mjr","participant":1,"mindex":0,"kind":"audio","codec":"opus"},
  {"file":"s01-t03-video.mjr","participant":2,"mindex":1,"kind":"video","codec":"h264"},
  {"file":"s01-t04-audio.mjr","participant":2,"mindex":0,"kind":"audio","codec":"opus"}]}]}
JSON

NAMES=(this)
BINS=("$FINALIZE")
if [[ -n "$AGAINST_BIN" ]]; then
	NAMES+=("$AGAINST_NAME")
	BINS+=("$AGAINST_BIN")
fi
load() { cut -d' ' -f1 /proc/loadavg; }
echo "finalizing (tools at nice +$NICE from $(nice); the worker's is +10) on $(nproc) CPU(s), load average $(load) at the start, $ROUNDS round(s) ..." >&2
RESULTS="$WORK/results.tsv"
: >"$RESULTS"
for ((r = 1; r <= ROUNDS; r++)); do
	order=("${!BINS[@]}")
	# Alternate who goes first: a slow phase of a shared machine hits both.
	((r % 2 == 0)) && order=($(printf '%s\n' "${order[@]}" | tac))
	for i in "${order[@]}"; do
		dir="$WORK/${NAMES[$i]}/$ROOM"
		rm -rf "$dir" && mkdir -p "$(dirname "$dir")" && cp -a "$INPUTS" "$dir"
		json="$("${BINS[$i]}" --nice "$NICE" "$dir")"
		size=$(stat -c %s "$dir/recording.mp4")
		mv "$dir/recording.mp4" "$WORK/${NAMES[$i]}.mp4"
		rm -rf "$dir"
		printf '%s\t%s\t%s\t%s\t%s\n' "$r" "${NAMES[$i]}" "$json" "$size" "$(load)" >>"$RESULTS"
		python3 - "$r" "${NAMES[$i]}" "$json" "$size" "$(load)" <<'PY'
import json, sys
r, name, j, size, load = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
print(f"round {r} {name:>12}: {j['media_s']:.1f} s of media in {j['took_s']:.1f} s wall ({j['cpu_s']:.1f} s CPU): "
      f"{j['speed']:.1f}x real time, {j['media_s'] / j['cpu_s']:.1f} s of media per CPU-second, "
      f"{size / 1e6:.1f} MB (load average {load})", flush=True)
PY
	done
done
ffprobe -v error -show_entries stream=codec_name,width,height,sample_rate,channels:format=duration,size \
	-of compact=p=0 "$WORK/this.mp4"
python3 - "$RESULTS" <<'PY'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    r, name, j, size, load = line.rstrip("\n").split("\t")
    rows.setdefault(name, []).append((json.loads(j), int(size), float(load)))
print("medians over the rounds (min–max):")
for name, runs in rows.items():
    def stat(values, fmt):
        return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}–{fmt.format(max(values))})"
    speed = [j["speed"] for j, _, _ in runs]
    took = [j["took_s"] for j, _, _ in runs]
    cpu = [j["cpu_s"] for j, _, _ in runs]
    per_cpu = [j["media_s"] / j["cpu_s"] for j, _, _ in runs]
    print(f"  {name:>12}: {stat(speed, '{:.1f}')}x real time, wall {stat(took, '{:.1f}')} s, CPU {stat(cpu, '{:.1f}')} s, "
          f"{stat(per_cpu, '{:.1f}')} s of media per CPU-second, {runs[-1][1] / 1e6:.1f} MB; "
          f"load average {stat([l for _, _, l in runs], '{:.1f}')}")
PY
if [[ -n "$AGAINST_BIN" ]]; then
	ssim="$(nice ffmpeg -nostdin -hide_banner -i "$WORK/this.mp4" -i "$WORK/$AGAINST_NAME.mp4" \
		-lavfi '[0:v][1:v]ssim' -f null - 2>&1 | grep -o 'All:[0-9.]*' | cut -d: -f2)"
	echo "picture: SSIM of this build's MP4 against $AGAINST_NAME's: $ssim (1 = identical)"
fi
