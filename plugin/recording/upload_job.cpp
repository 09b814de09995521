// RecordingJobs: the delivery of a finished recording to the WebDAV target, on the worker.
#include "recording/recording_jobs.hpp"

namespace counsel::recording {

void RecordingJobs::upload_job(const std::string& ref) {
    if (!uploader_) return;
    std::optional<FolderMarker> state = folders_.read_state(ref);
    if (!state || state->state != FolderState::Done || state->uploaded) return;
    const std::string dir = folders_.path(ref);
    std::string reason;
    auto cancelled = [this] { return worker_.stop_requested(); };
    const bool ok = uploader_->put(dir + "/" + kRecordingFile, "counsel-" + ref + ".mp4", cancelled, reason) &&
                    uploader_->put(dir + "/" + kMetadataFile, "counsel-" + ref + ".json", cancelled, reason);
    if (ok) {
        state->uploaded = true;
        folders_.write_state(*state);
        log_(Gateway::Level::Info, "room " + ref + ": recording uploaded to the WebDAV target");
    } else {
        log_(Gateway::Level::Warn, "room " + ref + ": WebDAV upload failed (" + reason + "), retried within the hour");
    }
    std::lock_guard lock(mutex_);
    ++(ok ? stats_.uploaded : stats_.upload_failed);
}

}  // namespace counsel::recording
