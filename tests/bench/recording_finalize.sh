#!/usr/bin/env bash
# Benchmark (not a test): how fast a session recording is finalized, as a
# multiple of real time. Makes the .mjr track files of a 2-person session
# (H.264 640x480 25 fps ~800 kbit/s + Opus 48 kbit/s per person, as Chromium
# sends them) from FFmpeg test sources, then runs the same finalization the
# plugin's worker runs (counsel-rec-finalize: janus-pp-rec per track, ffprobe,
# one ffmpeg run to a 1280x480 H.264 + AAC MP4) at the worker's priority.
#
#   tests/bench/recording_finalize.sh [MINUTES (10)] [BUILD_DIR (build-test)]
#
# Prints the media length, the wall time, and media length / wall time.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MINUTES="${1:-10}"
BUILD="${2:-${COUNSEL_BUILD_DIR:-build-test}}"
FINALIZE="$REPO/$BUILD/plugin/recording/counsel-rec-finalize"
[[ -x "$FINALIZE" ]] || { echo "build first: cmake -B $BUILD -DCOUNSEL_TESTS=ON && cmake --build $BUILD" >&2; exit 2; }
for tool in ffmpeg ffprobe janus-pp-rec python3; do
	command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install ffmpeg janus-tools python3)" >&2; exit 2; }
done

SECONDS_LONG=$((MINUTES * 60))
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
ROOM=00c0ffee00c0ffee
DIR="$WORK/$ROOM"
mkdir -m 700 "$DIR"

START_US=$(( $(date +%s) * 1000000 ))
echo "making ${MINUTES} min of 2-person tracks (not timed) ..." >&2
t0=$(date +%s.%N)
python3 "$REPO/tests/bench/make_mjr.py" video "$DIR/s01-t01-video.mjr" --seconds "$SECONDS_LONG" --source testsrc2 --first-us "$START_US" 2>/dev/null &
python3 "$REPO/tests/bench/make_mjr.py" video "$DIR/s01-t03-video.mjr" --seconds "$SECONDS_LONG" --source testsrc --first-us $((START_US + 200000)) 2>/dev/null &
python3 "$REPO/tests/bench/make_mjr.py" audio "$DIR/s01-t02-audio.mjr" --seconds "$SECONDS_LONG" --freq 440 --first-us "$START_US" 2>/dev/null &
python3 "$REPO/tests/bench/make_mjr.py" audio "$DIR/s01-t04-audio.mjr" --seconds "$SECONDS_LONG" --freq 660 --first-us $((START_US + 200000)) 2>/dev/null &
wait
t1=$(date +%s.%N)
printf 'inputs ready in %.1f s: %s\n' "$(echo "$t1 - $t0" | bc)" "$(du -sh "$DIR" | cut -f1)" >&2

END_US=$((START_US + SECONDS_LONG * 1000000))
cat >"$DIR/state.json" <<JSON
{"version":1,"room":"$ROOM","state":"finalizing","finalized_at_us":0,"recovered":false,"uploaded":false,"links":[],
 "spans":[{"start_us":$START_US,"end_us":$END_US,"participants":[1,2],"tracks":[
  {"file":"s01-t01-video.mjr","participant":1,"mindex":1,"kind":"video","codec":"h264"},
  {"file":"s01-t02-audio.mjr","participant":1,"mindex":0,"kind":"audio","codec":"opus"},
  {"file":"s01-t03-video.mjr","participant":2,"mindex":1,"kind":"video","codec":"h264"},
  {"file":"s01-t04-audio.mjr","participant":2,"mindex":0,"kind":"audio","codec":"opus"}]}]}
JSON

echo "finalizing (nice 10, as the plugin's worker) on $(nproc) CPU(s), load average $(cut -d' ' -f1 /proc/loadavg) ..." >&2
RESULT="$("$FINALIZE" "$DIR")"
echo "$RESULT"
ffprobe -v error -show_entries stream=codec_name,width,height,sample_rate,channels:format=duration,size \
	-of compact=p=0 "$DIR/recording.mp4"
python3 - "$RESULT" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
print(f"finalized {r['media_s'] / 60:.1f} min of a 2-person session in {r['took_s']:.1f} s wall "
      f"({r['cpu_s']:.1f} s CPU): {r['speed']:.1f}x real time "
      f"({r['media_s'] / r['cpu_s']:.1f}x per CPU-second)")
PY
