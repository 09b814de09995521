// RecordingJobs: the sweep, every sweep_every_s on the worker (and at start).
// Retention counts from a recording's finalization, or, for one that never
// got finished, from the end of its session; the links go with it.
#include <vector>

#include "recording/recording_jobs.hpp"
#include "recording/recording_metadata.hpp"

namespace counsel::recording {
namespace {

constexpr std::int64_t kUsPerDay = 24LL * 3600 * 1'000'000;

}  // namespace

void RecordingJobs::sweep_job() {
    const std::int64_t now = now_();
    const std::int64_t retention_us = settings_.retention_days * kUsPerDay;
    std::size_t expired = 0;
    std::vector<std::string> uploads;
    for (const std::string& name : folders_.entries()) {
        if (name.rfind(kTrashPrefix, 0) == 0) {
            folders_.remove_entry(name);
            continue;
        }
        if (!room_folder_name(name)) continue;
        // The room thread's first: a room it hands over to a job is queued before it lets go.
        if (live_.live(name)) continue;
        bool waiting = false, retry = false;
        std::optional<FolderMarker> state;
        {
            std::lock_guard lock(mutex_);
            if (queued_.count(name)) continue;
            if (auto w = waiting_.find(name); w != waiting_.end()) {
                waiting = true;
                retry = now >= w->second.sweep_after_us;
                state = w->second.state;
            }
        }
        if (!state) state = folders_.read_state(name);
        const bool finished = state && state->state == FolderState::Done;
        if (retention_start_us(state, folders_.marker_mtime_us(name)) + retention_us <= now) {
            // Retention over (or a recording that could never be finalized).
            folders_.remove(name);
            links_.forget(name);
            {
                std::lock_guard lock(mutex_);
                waiting_.erase(name);
            }
            ++expired;
            if (!finished)
                log_(Gateway::Level::Warn, "room " + name + ": recording never finalized, deleted after retention");
        } else if (retry) {
            retry_finalize(name, "hourly sweep");
        } else if (waiting) {
            continue;
        } else if (finished && uploader_ && !state->uploaded) {
            uploads.push_back(name);
        }
    }
    links_.sweep(now / 1'000'000);
    {
        std::lock_guard lock(mutex_);
        stats_.expired += expired;
        next_sweep_us_ = now + settings_.sweep_every_s * 1'000'000;
    }
    live_.forget_unrecorded(now);
    if (expired) log_(Gateway::Level::Info, std::to_string(expired) + " recording(s) past retention deleted");
    for (const std::string& ref : uploads) {
        if (worker_.stop_requested()) break;
        upload_job(ref);
    }
}

}  // namespace counsel::recording
