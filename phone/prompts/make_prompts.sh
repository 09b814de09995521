#!/bin/sh
# Build step of counsel-phone (phone/CMakeLists.txt): every line of
# prompts.tsv becomes <out>/<name>.s16 (8 kHz, 16-bit little-endian, mono):
# espeak-ng speaks the German and the English text (voices de and en) into
# WAV files, counsel-phone-prompt resamples both to 8 kHz with libspeexdsp and
# joins them, German first.
#   make_prompts.sh <espeak-ng> <counsel-phone-prompt> <prompts.tsv> <out dir>
set -eu
espeak=$1 tool=$2 tsv=$3 out=$4
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tab=$(printf '\t')
grep -v '^#' "$tsv" | grep -v '^$' | while IFS="$tab" read -r name de en; do
	[ -n "$name" ] && [ -n "$de" ] && [ -n "$en" ] || { echo "make_prompts: bad line for '$name'" >&2; exit 1; }
	"$espeak" -v de -s 150 -w "$tmp/de.wav" "$de"
	"$espeak" -v en -s 150 -w "$tmp/en.wav" "$en"
	"$tool" "$out/$name.s16" "$tmp/de.wav" "$tmp/en.wav"
done
