// What the recorder decides from a room's marker and a few numbers, without
// touching the disk: track file names, recording.json (the consent metadata
// beside the MP4), the times retention counts from, and the space and
// failure verdicts. Pure, so each rule is unit-tested on its own
// (tests/unit/recording_metadata_test.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "core/json.hpp"
#include "recording/finalizer.hpp"
#include "recording/folder_marker.hpp"

namespace counsel::recording {

// "s01-t02-video": a track file's base name (span and track counted from 1).
std::string track_base_name(std::size_t span, std::size_t track, bool video);
// A codec name as the marker keeps it ("H264" -> "h264").
std::string codec_key(std::string codec);

// The consent log for recording.json: the marker's; markers of older
// versions kept it in consent.json instead (`legacy_consent`, its text).
Json consent_log_for(const FolderMarker& state, const std::optional<std::string>& legacy_consent);
// recording.json: ids and times, no names. `outcome` is the rendered MP4.
Json recording_metadata(const std::string& room_ref, const FolderMarker& state, const FinalizeOutcome& outcome,
                        Json consent_log, std::int64_t finalized_at_us);

// Where a span ends: now, or where a write failure stopped it (0: none), never before its start.
std::int64_t span_end_us(std::int64_t start_us, std::int64_t now_us, std::int64_t failed_at_us);
// When an unfinished recording's session ended: its end, else its last
// span's end, else the marker's modification time.
std::int64_t session_end_us(const FolderMarker& state, std::int64_t marker_mtime_us);
// Where retention counts from: a finished recording's finalization, an
// unfinished one's session end, a folder without a readable marker's mtime.
std::int64_t retention_start_us(const std::optional<FolderMarker>& state, std::int64_t marker_mtime_us);
// When the links of a finished recording stop working (unix seconds).
std::int64_t links_expire_at_s(const FolderMarker& state, std::int64_t retention_days);

// The converted tracks and the MP4 each take about what the track files do,
// plus the tools' own work files: what a finalization needs free.
std::int64_t finalize_needs_bytes(std::int64_t track_bytes);
// Fewer than `need_bytes` free (free < 0: unknown, not short).
bool short_of_space(std::int64_t free_bytes, std::int64_t need_bytes);
// Not even room for the first step (the converted tracks): the tools are not started.
bool too_little_to_start(std::int64_t free_bytes, std::int64_t track_bytes);
// Why a span's writing failed: "disk_full" when rec_dir has (almost) no space left, else "write_error".
const char* write_failure_reason(std::int64_t free_bytes);

// Seconds with one decimal, for log lines ("12.3").
std::string seconds_text(std::int64_t us);

}  // namespace counsel::recording
