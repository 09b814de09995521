// The recorder: the core's RecordingPort and the media layer's RecordingTap.
//
//   room thread   start_span / end_span / discard / finalize / grant_download
//                 (RecordingPort) and track() (RecordingTap): folder and
//                 marker bookkeeping, opening and closing track files; fast
//   loop threads  TrackSink::write per RTP packet (no lock of ours)
//   worker        one thread of its own: finalization (janus-pp-rec, ffprobe,
//                 ffmpeg as nice'd child processes), WebDAV uploads, the
//                 retention sweep every hour, retries of finalizations that
//                 failed (when rec_dir has room again, and with each sweep);
//                 never Janus's threads or the room thread
//
// A write that fails on the RTP path (a full disk) trips an atomic flag shared
// by the span's sinks: they all stop at once, and the room thread learns of it
// through take_failures() at its next tick; the core then ends the span, which
// keeps what was written and ends where the writing stopped.
//
// On disk, <rec_dir> (0700):
//   <room ref>/state.json     the marker (see session_state.hpp)
//   <room ref>/sNN-tNN-<kind>.mjr   one file per track and span while recording
//   <room ref>/reserve        1 MiB kept aside from the first span on, released
//                             when the disk is full so the marker can still be written
//   <room ref>/recording.mp4  the result, and recording.json its consent metadata
//   _links/<sha256 hex>       the capability store (transports/capability_store.hpp)
// Every file 0600, every folder 0700. Logs carry room refs and counts only.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>

#include "core/ports/gateway.hpp"
#include "core/ports/recording.hpp"
#include "recording/finalizer.hpp"
#include "recording/recording_tap.hpp"
#include "recording/session_state.hpp"
#include "transports/capability_store.hpp"
#include "transports/webdav_upload.hpp"

namespace counsel::recording {

struct RecorderSettings {
    std::string rec_dir = "/srv/janus-counsel/rec";
    std::int64_t retention_days = 7;
    Tools tools;
    std::optional<transports::WebdavTarget> webdav;
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

// What the worker has done, for tests and the admin API (counts only).
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

class Recorder final : public RecordingPort, public RecordingTap {
public:
    using NowUs = std::function<std::int64_t()>;

    // `sinks` opens track files (Janus's janus_recorder in the plugin, a fake in
    // tests); `gateway` is used for log lines only (from any thread).
    Recorder(RecorderSettings settings, TrackSinkFactory& sinks, Gateway& gateway, NowUs now = {});
    ~Recorder() override;
    Recorder(const Recorder&) = delete;
    Recorder& operator=(const Recorder&) = delete;

    // Prepares rec_dir, deletes every leftover that must not survive (vetoed,
    // unconsented, unreadable), queues the consented leftovers of a crash for
    // finalization, and starts the worker. Before the room thread starts.
    bool start(std::string& reason);
    // Stops the worker: a finalization in progress is stopped (its child
    // killed) and done again at the next start. Closes open track files. Idempotent.
    void stop();

    // RecordingPort, on the room thread.
    void start_span(const std::string& room_ref, const std::vector<MediaMember>& members) override;
    void end_span(const std::string& room_ref) override;
    void discard(const std::string& room_ref) override;
    void finalize(const std::string& room_ref, const Json& metadata) override;
    void consent_logged(const std::string& room_ref, const Json& metadata) override;
    std::vector<RecordingFailure> take_failures() override;
    std::string grant_download(const std::string& room_ref) override;
    std::int64_t retention_days() const override { return settings_.retention_days; }

    // RecordingTap, on the room thread.
    std::shared_ptr<TrackSink> track(const std::string& room_ref, std::uint64_t participant, int mindex,
                                     const TrackSpec& spec) override;

    // Whether the room records right now (a span is open).
    bool recording(const std::string& room_ref) const;
    // Waits until the worker has nothing queued or running (tests, benchmarks); false on timeout.
    bool wait_idle(int timeout_ms);
    // The retention sweep, now (it also runs every sweep_every_s on the worker).
    void sweep_now();
    RecorderStats stats() const;
    transports::CapabilityStore& links() { return links_; }
    const RecorderSettings& settings() const { return settings_; }

    // What the sinks of one span share with the recorder (defined in recorder.cpp).
    struct SpanHealth;
    struct FailureBoard;

private:
    // A room of this process with links handed out or spans recorded.
    struct Live {
        SessionState state;   // links granted so far; spans once one started; the consent log
        std::map<std::pair<std::uint64_t, int>, std::shared_ptr<TrackSink>> sinks;  // the open span's tracks
        std::shared_ptr<SpanHealth> health;  // the open (or last) span's write-failure flag
        std::string span_failure;            // why its writing failed, once noticed
        std::string unreported;              // a failure the core has not been told of yet
        bool folder = false;  // the room folder exists (a span started)
        bool span_open = false;
        int tracks = 0;
        std::int64_t created_us = 0;
    };
    // A finalization that failed, waiting to be tried again.
    struct Waiting {
        bool for_space = false;     // retried as soon as need_bytes are free
        std::int64_t need_bytes = 0;
        std::int64_t sweep_after_us = 0;  // and by the first sweep after this
        SessionState state;               // the truth, should the marker on a full disk lag behind
    };
    using Job = std::function<void()>;

    std::string room_dir(const std::string& ref) const { return settings_.rec_dir + "/" + ref; }
    bool write_state(const SessionState& state);
    // Writes a small file of the room folder; on a full disk, releases the
    // room's reserve and tries once more.
    bool write_record(const std::string& ref, const char* name, const std::string& text);
    void make_reserve(const std::string& ref);
    std::optional<SessionState> read_state(const std::string& ref) const;
    void close_span(Live& live, std::int64_t now_us);
    // Records a failure of the open span's writing (once per span); mutex_ held.
    void notice_failure(Live& live);
    // "disk_full" when rec_dir has (almost) no space left, else "write_error".
    const char* failure_reason() const;
    std::int64_t free_bytes() const;
    bool delete_room_folder(const std::string& ref);
    void enqueue(Job job);
    void run_worker();
    bool publish_links(const SessionState& state);
    // Worker jobs.
    // `known`: the state as this process knows it (else the marker is read).
    void finalize_job(const std::string& ref, std::optional<SessionState> known = std::nullopt);
    void finalize_failed(const std::string& ref, SessionState& state, const std::string& why, std::int64_t need_bytes);
    // Queues another attempt for a waiting finalization; mutex_ held.
    void retry_finalize(const std::string& ref, const char* why);
    // The worker's look at free space while finalizations wait for it; takes `lock` (held) off and on.
    void retry_where_space(std::unique_lock<std::mutex>& lock);
    void upload_job(const std::string& ref);
    void sweep_job();
    void log(Gateway::Level level, const std::string& line) const { gateway_.log(level, "[counsel] " + line); }

    RecorderSettings settings_;
    TrackSinkFactory& sinks_;
    Gateway& gateway_;
    NowUs now_;
    transports::CapabilityStore links_;
    std::unique_ptr<transports::WebdavUploader> uploader_;

    mutable std::mutex mutex_;  // live_, pending_, stats_, the queue
    std::map<std::string, Live> live_;
    std::set<std::string> queued_;   // rooms whose folder the worker owns now
    std::map<std::string, Waiting> waiting_;  // finalizations to retry (their folder is nobody's until then)
    std::shared_ptr<FailureBoard> board_;     // raised by a failing sink, read by take_failures
    RecorderStats stats_;

    std::condition_variable wake_;
    std::condition_variable idle_;
    std::deque<Job> jobs_;
    bool busy_ = false;
    bool stopping_ = false;
    std::atomic<bool> cancel_{false};
    std::int64_t next_sweep_us_ = 0;
    std::int64_t next_space_check_us_ = 0;
    std::thread worker_;
};

}  // namespace counsel::recording
