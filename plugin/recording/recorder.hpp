// The recorder: the core's RecordingPort and the media layer's RecordingTap.
//
//   room thread   start_span / end_span / discard / finalize / grant_download
//                 (RecordingPort) and track() (RecordingTap): the rooms that
//                 record, their markers, opening and closing track files; fast
//   loop threads  SpanSink::write per RTP packet, no lock (span_sink.hpp)
//   jobs          finalization, WebDAV upload, retention on a worker of their
//                 own, never Janus's threads or the room thread (recording_jobs.hpp)
//
// A write that fails on the RTP path (a full disk) stops every sink of its
// span at once, and the room thread learns of it through take_failures() at
// its next tick; the core then ends the span, which keeps what was written
// and ends where the writing stopped.
//
// On disk (room_folders.hpp does every file operation), <rec_dir> (0700):
//   <room ref>/state.json     the marker (see folder_marker.hpp)
//   <room ref>/sNN-tNN-<kind>.mjr   one file per track and span while recording
//   <room ref>/reserve        1 MiB kept aside from the first span on, released
//                             when the disk is full so the marker can still be written
//   <room ref>/recording.mp4  the result, and recording.json its consent metadata
//   _links/<sha256 hex>       the capability store (recording/capability_store.hpp)
// Every file 0600, every folder 0700. Logs carry room refs and counts only.
// What a start finds there is dealt with by recovery.hpp.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/ports/gateway.hpp"
#include "core/ports/recording.hpp"
#include "recording/recorder_settings.hpp"
#include "recording/recording_jobs.hpp"
#include "recording/recording_tap.hpp"
#include "recording/room_folders.hpp"
#include "recording/folder_marker.hpp"
#include "recording/span_sink.hpp"
#include "recording/capability_store.hpp"

namespace counsel::recording {

class Recorder final : public RecordingPort, public RecordingTap, private LiveRooms {
public:
    // `sinks` opens track files (Janus's janus_recorder in the plugin, a fake in
    // tests); `gateway` is used for log lines only (from any thread).
    Recorder(RecorderSettings settings, TrackSinkFactory& sinks, Gateway& gateway, NowUs now = {});
    ~Recorder() override;
    Recorder(const Recorder&) = delete;
    Recorder& operator=(const Recorder&) = delete;

    // Prepares rec_dir, deletes every leftover that must not survive (vetoed,
    // unconsented, unreadable), queues the consented leftovers of a crash for
    // finalization, and starts the jobs. Before the room thread starts.
    bool start(std::string& reason);
    // Closes open track files and stops the jobs: a finalization in progress
    // is stopped (its child killed) and done again at the next start. Idempotent.
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
    // Waits until the jobs have nothing queued or running (tests, benchmarks); false on timeout.
    bool wait_idle(int timeout_ms) { return jobs_.wait_idle(timeout_ms); }
    // The retention sweep, now (it also runs every sweep_every_s).
    void sweep_now() { jobs_.sweep_now(); }
    RecorderStats stats() const;
    recording::CapabilityStore& links() { return links_; }
    const RecorderSettings& settings() const { return settings_; }

private:
    // A room of this process with links handed out or spans recorded.
    struct Live {
        FolderMarker state;   // links granted so far; spans once one started; the consent log
        std::map<std::pair<std::uint64_t, int>, std::shared_ptr<TrackSink>> sinks;  // the open span's tracks
        std::shared_ptr<SpanHealth> health;  // the open (or last) span's write-failure flag
        std::string span_failure;            // why its writing failed, once noticed
        std::string unreported;              // a failure the core has not been told of yet
        bool folder = false;  // the room folder exists (a span started)
        bool span_open = false;
        int tracks = 0;
        std::int64_t created_us = 0;
    };

    // The room's entry, made on first use; mutex_ held.
    Live& live_room(const std::string& ref, std::int64_t now_us);
    void close_span(Live& live, std::int64_t now_us);
    // Records a failure of the open span's writing (once per span); mutex_ held.
    void notice_failure(Live& live);
    // LiveRooms, for the retention sweep.
    bool live(const std::string& ref) const override;
    void forget_unrecorded(std::int64_t now_us) override;
    void log(Gateway::Level level, const std::string& line) const { gateway_.log(level, "[counsel] " + line); }

    const RecorderSettings settings_;
    TrackSinkFactory& sinks_;
    Gateway& gateway_;
    const NowUs now_;
    RoomFolders folders_;
    recording::CapabilityStore links_;
    RecordingJobs jobs_;

    mutable std::mutex mutex_;  // live_, stats_, stopped_
    std::map<std::string, Live> live_;
    const std::shared_ptr<FailureBoard> board_;  // raised by a failing sink, read by take_failures
    RecorderStats stats_;  // the room thread's counters and the start's (the jobs keep theirs)
    bool stopped_ = false;
};

}  // namespace counsel::recording
