#include "recording/recording_jobs.hpp"

#include <algorithm>
#include <chrono>
#include <vector>

namespace counsel::recording {
namespace {

// The longest the worker sleeps between looks at its timers (the clock may jump).
constexpr std::int64_t kLongestWaitUs = 60'000'000;

}  // namespace

RecordingJobs::RecordingJobs(const RecorderSettings& settings, RoomFolders& folders,
                             recording::CapabilityStore& links, LiveRooms& live, NowUs now, RecorderLog log)
    : settings_(settings),
      folders_(folders),
      links_(links),
      live_(live),
      now_(std::move(now)),
      log_(std::move(log)),
      worker_([this] {
          SerialWorkerOptions o;
          o.at_stop = AtStop::Drop;  // the markers keep what is left to do for the next start
          o.timer = [this] { return on_timer(); };
          o.on_error = [this](std::exception_ptr) { log_(Gateway::Level::Error, "recording worker: a job failed"); };
          o.start = false;
          return o;
      }()) {
    if (settings_.webdav) uploader_ = std::make_unique<recording::WebdavUploader>(*settings_.webdav);
}

RecordingJobs::~RecordingJobs() { stop(); }

void RecordingJobs::finalize(const std::string& ref, std::optional<FolderMarker> known) {
    {
        std::lock_guard lock(mutex_);
        queued_.insert(ref);
    }
    worker_.post([this, ref, known = std::move(known)] { finalize_job(ref, known); });
}

void RecordingJobs::upload(const std::string& ref) {
    {
        std::lock_guard lock(mutex_);
        queued_.insert(ref);
    }
    worker_.post([this, ref] {
        upload_job(ref);
        done_with(ref);
    });
}

void RecordingJobs::start() {
    {
        std::lock_guard lock(mutex_);
        next_sweep_us_ = now_() + settings_.sweep_every_s * 1'000'000;
        next_space_check_us_ = now_();
    }
    worker_.post([this] { sweep_job(); });
    worker_.start();
}

void RecordingJobs::stop() { worker_.stop(); }

bool RecordingJobs::wait_idle(int timeout_ms) { return worker_.wait_idle(std::chrono::milliseconds(timeout_ms)); }

void RecordingJobs::sweep_now() {
    worker_.post([this] { sweep_job(); });
}

void RecordingJobs::count_into(RecorderStats& out) const {
    std::lock_guard lock(mutex_);
    out.finalized = stats_.finalized;
    out.finalize_failed = stats_.finalize_failed;
    out.finalize_retried = stats_.finalize_retried;
    out.finalize_waiting = waiting_.size();
    out.expired = stats_.expired;
    out.uploaded = stats_.uploaded;
    out.upload_failed = stats_.upload_failed;
    out.last_finalize_ms = stats_.last_finalize_ms;
    out.last_recording_ms = stats_.last_recording_ms;
}

void RecordingJobs::done_with(const std::string& ref) {
    std::lock_guard lock(mutex_);
    queued_.erase(ref);
}

SerialWorker::Duration RecordingJobs::on_timer() {
    bool sweep = false, look_at_space = false;
    {
        std::lock_guard lock(mutex_);
        const std::int64_t now = now_();
        sweep = now >= next_sweep_us_;
        look_at_space = !sweep && !waiting_.empty() && now >= next_space_check_us_;
    }
    if (sweep)
        sweep_job();
    else if (look_at_space)
        retry_where_space();
    std::lock_guard lock(mutex_);
    const std::int64_t now = now_();
    std::int64_t wait_us = std::max<std::int64_t>(0, next_sweep_us_ - now);
    if (!waiting_.empty()) wait_us = std::min(wait_us, std::max<std::int64_t>(0, next_space_check_us_ - now));
    return std::chrono::microseconds(std::min(wait_us, kLongestWaitUs));
}

void RecordingJobs::retry_where_space() {
    {
        std::lock_guard lock(mutex_);
        next_space_check_us_ = now_() + settings_.space_check_s * 1'000'000;
    }
    std::int64_t free = folders_.free_bytes();
    std::vector<std::string> ready;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [ref, waiting] : waiting_) {
            if (!waiting.for_space || free < waiting.need_bytes) continue;
            free -= waiting.need_bytes;
            ready.push_back(ref);
        }
    }
    for (const std::string& ref : ready) retry_finalize(ref, "rec_dir has space again");
}

void RecordingJobs::retry_finalize(const std::string& ref, const char* why) {
    std::optional<FolderMarker> known;
    {
        std::lock_guard lock(mutex_);
        if (auto it = waiting_.find(ref); it != waiting_.end()) {
            known = std::move(it->second.state);
            waiting_.erase(it);
        }
        queued_.insert(ref);
        ++stats_.finalize_retried;
    }
    worker_.post([this, ref, known = std::move(known)] { finalize_job(ref, known); });
    log_(Gateway::Level::Info, "room " + ref + ": finalization tried again (" + why + ")");
}

}  // namespace counsel::recording
