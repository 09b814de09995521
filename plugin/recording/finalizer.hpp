// Finalization: the consented spans of one session, recorded per track as
// .mjr files, become ONE MP4: one video picture with every participant in a
// grid (each scaled to fit its tile, letterboxed, on black) and one mixed
// audio track, the spans one after another.
//
//   janus-pp-rec  each .mjr -> its own container (.mkv video, .opus audio), stream copy;
//                 the tracks side by side (the runs are mostly start-up and file I/O)
//   ffprobe       each video: its first picture size (for the tile); every track's length
//                 only in a span a crash left open (its end is its last packet)
//   ffmpeg        one run: per span a black canvas of the span's length with the tiles
//                 overlaid at their start offset (overlay), the audio tracks delayed to their
//                 offset, gaps filled with silence (aresample async), summed at full level
//                 (amix) under a limiter against clipping when people talk at once; the
//                 spans joined (concat); H.264 (libx264 without B-frames, yuv420p, High) +
//                 AAC-LC (fast coder), faststart
//
// Why H.264 + AAC in MP4: the picture is composed, so video must be encoded
// anyway, and the mix is new audio, so audio too; that pair plays in every
// browser (Chrome, Firefox, Safari, Edge), in the OS's own players and in
// Nextcloud's preview, while Opus in MP4 does not play in older Safari and many
// desktop players. Nothing here is a hand-written muxer: the tools are
// Debian's janus-pp-rec and ffmpeg.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "recording/folder_marker.hpp"

namespace counsel::recording {

struct Tools {
    std::string pp_rec = "/usr/bin/janus-pp-rec";
    std::string ffmpeg = "/usr/bin/ffmpeg";
    std::string ffprobe = "/usr/bin/ffprobe";
    int nice = 10;
    int timeout_s = 6 * 3600;  // per tool run
    std::string x264_preset = "veryfast";
    int crf = 23;
    int fps = 25;
};

// The header of a .mjr file.
struct MjrHeader {
    bool video = false;
    std::string codec;
    std::int64_t created_us = 0;      // "s": when the file was opened
    std::int64_t first_frame_us = 0;  // "u": when the first packet was written (0: unknown)
};
// Nullopt if the file is missing, not a .mjr, or has no packet (Janus writes
// the header with the first packet).
std::optional<MjrHeader> read_mjr_header(const std::string& path);

// The grid for `tiles` pictures: columns = ceil(sqrt(n)), rows to fit; tiles
// 4:3, 640x480 up to three columns, smaller beyond so the canvas stays <= 1920 wide.
struct Layout {
    int cols = 1, rows = 1, tile_w = 640, tile_h = 480;
    int width() const { return cols * tile_w; }
    int height() const { return rows * tile_h; }
};
Layout layout_for(std::size_t tiles);

struct VideoInput {
    std::string path;
    std::int64_t offset_us = 0;  // from the span's start
    int width = 0, height = 0;   // of its first picture (0: unknown, fill the tile)
};
struct AudioInput {
    std::string path;
    std::int64_t offset_us = 0;
};
struct SpanPlan {
    std::int64_t duration_us = 0;
    std::vector<VideoInput> video;
    std::vector<AudioInput> audio;
};

// The ffmpeg command line (argv) that renders `spans` into `output` (MP4).
std::vector<std::string> ffmpeg_argv(const Tools& tools, const std::vector<SpanPlan>& spans, const std::string& output);
// The filter graph alone (for tests).
std::string filter_graph(const Tools& tools, const std::vector<SpanPlan>& spans, const Layout& layout);

struct FinalizeOutcome {
    bool ok = false;
    std::string why;  // on failure, for the log (no personal data)
    std::int64_t duration_us = 0;
    // The spans as rendered: ends resolved for spans a crash left open.
    std::vector<SpanRecord> spans;
    int tracks_used = 0;
    int tracks_empty = 0;
};

// Renders the folder's spans into <room_dir>/recording.mp4 (through a .part
// file renamed into place). Leaves the .mjr files; removes its own
// intermediates (work-*) whether it succeeds or not.
FinalizeOutcome render_session(const std::string& room_dir, const FolderMarker& state, const Tools& tools,
                               const std::atomic<bool>* cancel);

// The intermediate files of a room folder (track files and work files).
bool is_intermediate(const std::string& name);

}  // namespace counsel::recording
