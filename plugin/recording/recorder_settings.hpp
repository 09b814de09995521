// What every part of the recorder shares: its settings (read and checked in
// the shim's config), its counters (for tests and the admin API), and the
// clock and log line sink it is built with.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/ports/gateway.hpp"
#include "recording/finalizer.hpp"
#include "recording/webdav_upload.hpp"

namespace counsel::recording {

struct RecorderSettings {
    std::string rec_dir = "/srv/janus-counsel/rec";
    std::int64_t retention_days = 7;
    Tools tools;
    std::optional<recording::WebdavTarget> webdav;
    // rec_reader_group: the page server's group may enter rec_dir and read the
    // link files and finished recordings (nothing else); none: owner only.
    std::optional<unsigned> reader_group;
    std::int64_t sweep_every_s = 3600;
    // Links of a room that never recorded (and never ended with a discard)
    // are forgotten after this long.
    std::int64_t pending_link_grace_s = 2 * 24 * 3600;
    // While a finalization waits for space: how often rec_dir's free space is looked at (statvfs).
    std::int64_t space_check_s = 10;
    // Kept aside per recording (fallocate) for its marker when the disk fills; 0: none.
    std::int64_t reserve_bytes = 1 << 20;
    // Free bytes on the filesystem of a path, -1 if unknown (default: statvfs; tests replace it).
    std::function<std::int64_t(const std::string&)> free_bytes;
};

// What the recorder has done, for tests and the admin API (counts only).
struct RecorderStats {
    std::uint64_t spans_started = 0;
    std::uint64_t tracks_opened = 0;
    std::uint64_t discarded = 0;
    std::uint64_t finalized = 0;
    std::uint64_t write_failures = 0;   // spans a write failure stopped (a full disk)
    std::uint64_t finalize_failed = 0;  // finalization attempts that failed
    std::uint64_t finalize_retried = 0; // attempts after a failure, while running
    std::uint64_t finalize_waiting = 0; // recordings waiting for a retry now
    std::uint64_t recovered = 0;        // crash leftovers queued for finalization at start
    std::uint64_t deleted_at_start = 0; // unconsented or vetoed leftovers deleted at start
    std::uint64_t expired = 0;
    std::uint64_t uploaded = 0;
    std::uint64_t upload_failed = 0;
    std::int64_t last_finalize_ms = 0;        // wall time of the last finalization
    std::int64_t last_recording_ms = 0;       // its media length
};

// Unix microseconds (a fake clock in tests).
using NowUs = std::function<std::int64_t()>;
// A log line (room refs and counts only); the recorder adds the "[counsel] " prefix.
using RecorderLog = std::function<void(Gateway::Level, const std::string&)>;

}  // namespace counsel::recording
