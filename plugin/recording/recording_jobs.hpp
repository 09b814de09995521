// The recorder's background work, one job at a time on a SerialWorker of its
// own, never on Janus's threads or the room thread:
//
//   finalize_job.cpp     the MP4 of an ended session (janus-pp-rec, ffprobe,
//                        ffmpeg as nice'd child processes), recording.json,
//                        the links published; a failure waits for a retry
//   upload_job.cpp       the finished MP4 and its metadata to the WebDAV target
//   retention_sweep.cpp  every sweep_every_s: recordings past retention
//                        deleted, failed finalizations and uploads tried again
//   recording_jobs.cpp   the queue, the timers (the sweep, a look at free
//                        space while finalizations wait for it), the counters
//
// A stop drops what is queued and kills a finalization in progress: the
// markers on disk say what is left to do, and the next start does it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "core/serial_worker.hpp"
#include "recording/recorder_settings.hpp"
#include "recording/room_folders.hpp"
#include "recording/folder_marker.hpp"
#include "recording/capability_store.hpp"
#include "recording/webdav_upload.hpp"

namespace counsel::recording {

// What the sweep asks of the rooms the room thread records (the Recorder).
class LiveRooms {
public:
    virtual ~LiveRooms() = default;
    // The room thread still has this room: its folder is not the sweep's.
    virtual bool live(const std::string& ref) const = 0;
    // Forgets rooms that handed out links but never recorded, pending_link_grace_s after they did.
    virtual void forget_unrecorded(std::int64_t now_us) = 0;
};

class RecordingJobs {
public:
    // Everything passed in outlives the jobs. The worker starts with start().
    RecordingJobs(const RecorderSettings& settings, RoomFolders& folders, recording::CapabilityStore& links,
                  LiveRooms& live, NowUs now, RecorderLog log);
    ~RecordingJobs();
    RecordingJobs(const RecordingJobs&) = delete;
    RecordingJobs& operator=(const RecordingJobs&) = delete;

    // Queues the finalization of a room's folder (the folder is the jobs' from
    // now on). `known`: its state as this process knows it (on a full disk
    // the marker may lag behind); without it the marker is read.
    void finalize(const std::string& ref, std::optional<FolderMarker> known = std::nullopt);
    // Queues the upload of a finished recording.
    void upload(const std::string& ref);
    // Runs what was queued, then a first sweep; then the timers.
    void start();
    void stop();
    // Waits until nothing is queued or running (tests, benchmarks); false on timeout.
    bool wait_idle(int timeout_ms);
    void sweep_now();
    // Adds the jobs' counters to `stats`.
    void count_into(RecorderStats& stats) const;

private:
    // A finalization that failed, waiting to be tried again.
    struct Waiting {
        bool for_space = false;     // retried as soon as need_bytes are free
        std::int64_t need_bytes = 0;
        std::int64_t sweep_after_us = 0;  // and by the first sweep after this
        FolderMarker state;               // the truth, should the marker on a full disk lag behind
    };

    SerialWorker::Duration on_timer();
    void finalize_job(const std::string& ref, std::optional<FolderMarker> known);
    void finalize_failed(const std::string& ref, FolderMarker& state, const std::string& why, std::int64_t need_bytes);
    // Queues another attempt for a waiting finalization (on the worker; mutex_ not held).
    void retry_finalize(const std::string& ref, const char* why);
    // Retries the finalizations that wait for space if rec_dir has it now.
    void retry_where_space();
    bool publish_links(const FolderMarker& state);
    void upload_job(const std::string& ref);
    void sweep_job();
    void done_with(const std::string& ref);

    const RecorderSettings& settings_;
    RoomFolders& folders_;
    recording::CapabilityStore& links_;
    LiveRooms& live_;
    const NowUs now_;
    const RecorderLog log_;
    std::unique_ptr<recording::WebdavUploader> uploader_;

    mutable std::mutex mutex_;  // queued_, waiting_, stats_, the two timers
    std::set<std::string> queued_;            // rooms whose folder a queued or running job owns
    std::map<std::string, Waiting> waiting_;  // finalizations to retry (their folder is nobody's until then)
    RecorderStats stats_;                     // the jobs' counters only
    std::int64_t next_sweep_us_ = 0;
    std::int64_t next_space_check_us_ = 0;
    SerialWorker worker_;  // last: its jobs use everything above
};

}  // namespace counsel::recording
