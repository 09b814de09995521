// RecordingJobs: the finalization of one ended session, on the worker.
#include <chrono>
#include <cstdio>

#include "recording/finalizer.hpp"
#include "recording/recording_jobs.hpp"
#include "recording/recording_metadata.hpp"

namespace counsel::recording {

void RecordingJobs::finalize_job(const std::string& ref, std::optional<FolderMarker> known) {
    std::optional<FolderMarker> state = known ? std::move(known) : folders_.read_state(ref);
    if (!state) {
        log_(Gateway::Level::Error, "room " + ref + ": recording marker unreadable, the recording is deleted");
        folders_.remove(ref);
        return done_with(ref);
    }
    // Without room for even the first step, the tools are not started at all.
    const std::int64_t tracks = folders_.track_bytes(ref);
    const auto t0 = std::chrono::steady_clock::now();
    FinalizeOutcome outcome;
    if (too_little_to_start(folders_.free_bytes(), tracks))
        outcome.why = "not enough free space in rec_dir";
    else
        outcome = render_session(folders_.path(ref), *state, settings_.tools, &worker_.stop_flag());
    const std::int64_t took_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    if (worker_.stop_requested()) return done_with(ref);  // stopping: the next start finalizes it again
    if (!outcome.ok) return finalize_failed(ref, *state, outcome.why, finalize_needs_bytes(tracks));

    const std::int64_t finalized_at = now_();
    Json consent_log = consent_log_for(*state, state->consent_log.empty() ? folders_.legacy_consent(ref) : std::nullopt);
    Json metadata = recording_metadata(ref, *state, outcome, std::move(consent_log), finalized_at);
    folders_.write_record(ref, kMetadataFile, metadata.dump() + "\n");
    // What the page server serves (its links are published below); the rest stays owner-only.
    folders_.share_recording(ref);

    state->state = FolderState::Done;
    state->spans = outcome.spans;
    state->finalized_at_us = finalized_at;
    folders_.write_state(*state);
    folders_.remove_leftovers(ref);
    publish_links(*state);
    {
        std::lock_guard lock(mutex_);
        ++stats_.finalized;
        stats_.last_finalize_ms = took_ms;
        stats_.last_recording_ms = outcome.duration_us / 1000;
    }
    char speed[32];
    std::snprintf(speed, sizeof speed, "%.1f", took_ms > 0 ? outcome.duration_us / 1000.0 / took_ms : 0.0);
    log_(Gateway::Level::Info, "room " + ref + ": recording finalized" + (state->recovered ? " after a crash" : "") +
                                   (state->finalize_failures ? " after " + std::to_string(state->finalize_failures) +
                                                                   " failed attempt(s) (" + state->finalize_failure + ")"
                                                             : std::string()) +
                                   ": " + std::to_string(outcome.spans.size()) + " span(s), " +
                                   seconds_text(outcome.duration_us) + " s, " + std::to_string(outcome.tracks_used) +
                                   " tracks, " + std::to_string(state->links.size()) + " link(s), in " +
                                   seconds_text(took_ms * 1000) + " s (" + speed + "x real time)");
    if (uploader_) upload_job(ref);
    done_with(ref);
}

void RecordingJobs::finalize_failed(const std::string& ref, FolderMarker& state, const std::string& why,
                                    std::int64_t need_bytes) {
    // Space it was, if rec_dir lacks what the run needs (the tools' own files are gone again).
    const bool space = short_of_space(folders_.free_bytes(), need_bytes);
    ++state.finalize_failures;
    state.finalize_failure = space ? "no_space" : "finalize_error";
    folders_.write_state(state);
    {
        std::lock_guard lock(mutex_);
        ++stats_.finalize_failed;
        queued_.erase(ref);
        // Half a sweep period at least: the next sweep but one at the latest, never right after the failure.
        waiting_[ref] = Waiting{space, need_bytes, now_() + settings_.sweep_every_s * 500'000, state};
        next_space_check_us_ = now_() + settings_.space_check_s * 1'000'000;
    }
    worker_.timer_now();  // its look at free space is due sooner than the sweep
    const std::string mb = std::to_string((need_bytes + (1 << 20) - 1) >> 20);
    log_(Gateway::Level::Error, "room " + ref + ": recording could not be finalized (" + why + "); tried again " +
                                    (space ? "as soon as rec_dir has " + mb + " MB free, at the latest " : "") +
                                    "by the hourly sweep, deleted if still unfinished " +
                                    std::to_string(settings_.retention_days) + " days after the session");
}

bool RecordingJobs::publish_links(const FolderMarker& state) {
    const std::int64_t expires = links_expire_at_s(state, settings_.retention_days);
    bool ok = true;
    for (const LinkRecord& l : state.links) ok = links_.publish(l.digest, state.room, l.granted_at_s, expires) && ok;
    return ok;
}

}  // namespace counsel::recording
