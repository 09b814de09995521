#include "recording/recorder.hpp"

#include <algorithm>
#include <chrono>

#include "recording/recording_metadata.hpp"
#include "recording/recovery.hpp"

namespace counsel::recording {
namespace {

std::int64_t wall_clock_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

Recorder::Recorder(RecorderSettings settings, TrackSinkFactory& sinks, Gateway& gateway, NowUs now)
    : settings_(std::move(settings)),
      sinks_(sinks),
      gateway_(gateway),
      now_(now ? std::move(now) : NowUs(wall_clock_us)),
      folders_(settings_, [this](Gateway::Level level, const std::string& line) { log(level, line); }),
      links_(settings_.rec_dir, settings_.reader_group),
      jobs_(settings_, folders_, links_, *this, now_,
            [this](Gateway::Level level, const std::string& line) { log(level, line); }),
      board_(std::make_shared<FailureBoard>(now_)) {}

Recorder::~Recorder() { stop(); }

// ---------------------------------------------------------------------------
// Start and stop

bool Recorder::start(std::string& reason) {
    if (!folders_.prepare(reason)) return false;
    if (!links_.open(reason)) {
        reason = "rec_dir/_links: " + reason;
        return false;
    }
    const RecoveryPlan plan = recover_at_start(folders_, links_, settings_.webdav.has_value());
    for (const RecoveryPlan::Job& job : plan.jobs) {
        if (job.finalize)
            jobs_.finalize(job.ref);
        else
            jobs_.upload(job.ref);
    }
    links_.sweep(now_() / 1'000'000);
    {
        std::lock_guard lock(mutex_);
        stats_.deleted_at_start += plan.deleted;
        stats_.recovered += plan.recovered;
        stopped_ = false;
    }
    if (plan.deleted || plan.recovered || plan.kept)
        log(Gateway::Level::Info, "recordings at start: " + std::to_string(plan.recovered) + " to finalize, " +
                                      std::to_string(plan.kept) + " finished, " + std::to_string(plan.deleted) +
                                      " deleted");
    jobs_.start();
    return true;
}

void Recorder::stop() {
    {
        std::lock_guard lock(mutex_);
        stopped_ = true;
        for (auto& [ref, live] : live_)
            if (live.span_open) close_span(live, now_());
    }
    jobs_.stop();
}

// ---------------------------------------------------------------------------
// Spans and tracks (room thread)

Recorder::Live& Recorder::live_room(const std::string& ref, std::int64_t now_us) {
    Live& live = live_[ref];
    if (!live.created_us) live.created_us = now_us;
    live.state.room = ref;
    return live;
}

void Recorder::start_span(const std::string& ref, const std::vector<MediaMember>& members) {
    if (!recording::CapabilityStore::valid_room_ref(ref)) return;
    std::lock_guard lock(mutex_);
    const std::int64_t now = now_();
    Live& live = live_room(ref, now);
    if (live.span_open) close_span(live, now);
    // A span that cannot start is a write failure like any other: the core is told and everyone sees it.
    auto cannot_start = [&](const char* what) {
        live.unreported = write_failure_reason(folders_.free_bytes());
        ++stats_.write_failures;
        board_->raised.store(true, std::memory_order_release);
        log(Gateway::Level::Error, "room " + ref + ": " + what + " (" + live.unreported + "), nothing is recorded");
    };
    const bool first = !live.folder;
    if (!live.folder) {
        if (!folders_.create(ref)) return cannot_start("recording folder cannot be created");
        live.folder = true;
    }
    SpanRecord span;
    span.start_us = now;
    for (const MediaMember& m : members) span.participants.push_back(m.id);
    live.state.spans.push_back(std::move(span));
    live.state.state = FolderState::Recording;
    live.span_open = true;
    live.health = std::make_shared<SpanHealth>(board_);
    live.span_failure.clear();
    // The marker first: a folder never holds media without one.
    if (!folders_.write_state(live.state)) {
        live.span_open = false;
        live.state.spans.pop_back();
        return cannot_start("recording marker cannot be written");
    }
    if (first) folders_.make_reserve(ref);
    ++stats_.spans_started;
    log(Gateway::Level::Info, "room " + ref + ": recording span " + std::to_string(live.state.spans.size()) +
                                  " started (" + std::to_string(members.size()) + " people)");
}

std::shared_ptr<TrackSink> Recorder::track(const std::string& ref, std::uint64_t participant, int mindex,
                                           const TrackSpec& spec) {
    std::lock_guard lock(mutex_);
    auto it = live_.find(ref);
    if (it == live_.end() || !it->second.span_open || stopped_) return nullptr;
    Live& live = it->second;
    SpanRecord& span = live.state.spans.back();
    if (std::find(span.participants.begin(), span.participants.end(), participant) == span.participants.end())
        return nullptr;
    const auto key = std::make_pair(participant, mindex);
    if (auto s = live.sinks.find(key); s != live.sinks.end()) return s->second;
    const std::string base = track_base_name(live.state.spans.size(), span.tracks.size() + 1, spec.video);
    // The marker names the file before it exists.
    span.tracks.push_back(TrackRecord{base + ".mjr", participant, mindex, spec.video, codec_key(spec.codec)});
    if (!folders_.write_state(live.state)) {
        // A person would be missing from a recording everyone believes runs: the span fails.
        span.tracks.pop_back();
        live.health->trip();
        return nullptr;
    }
    std::shared_ptr<TrackSink> file = sinks_.open(folders_.path(ref), base, spec);
    if (!file) {
        log(Gateway::Level::Warn, "room " + ref + ": a track file cannot be opened, that track is not recorded");
        return nullptr;
    }
    auto sink = std::make_shared<SpanSink>(std::move(file), live.health);
    live.sinks[key] = sink;
    ++live.tracks;
    ++stats_.tracks_opened;
    return sink;
}

void Recorder::close_span(Live& live, std::int64_t now_us) {
    for (auto& [key, sink] : live.sinks) sink->close();
    live.sinks.clear();
    if (!live.span_open) return;
    live.span_open = false;
    SpanRecord& span = live.state.spans.back();
    std::int64_t failed_at = 0;
    if (live.health && live.health->tripped()) {
        // The span really ends where the writing stopped.
        notice_failure(live);
        span.failure = live.span_failure;
        failed_at = live.health->failed_at_us.load(std::memory_order_relaxed);
    }
    span.end_us = span_end_us(span.start_us, now_us, failed_at);
    live.state.state = FolderState::Paused;
    folders_.write_state(live.state);
}

void Recorder::notice_failure(Live& live) {
    if (!live.health || !live.health->tripped() || !live.span_failure.empty()) return;
    live.span_failure = write_failure_reason(folders_.free_bytes());
    live.unreported = live.span_failure;
    ++stats_.write_failures;
    log(Gateway::Level::Error, "room " + live.state.room + ": recording span " +
                                   std::to_string(live.state.spans.size()) + " cannot be written (" +
                                   live.span_failure + "); it ends here, what was written is kept");
}

std::vector<RecordingFailure> Recorder::take_failures() {
    if (!board_->raised.exchange(false, std::memory_order_acq_rel)) return {};
    std::vector<RecordingFailure> out;
    std::lock_guard lock(mutex_);
    for (auto& [ref, live] : live_) {
        if (live.span_open) notice_failure(live);
        if (live.unreported.empty()) continue;
        out.push_back(RecordingFailure{ref, live.unreported});
        live.unreported.clear();
    }
    return out;
}

void Recorder::end_span(const std::string& ref) {
    std::lock_guard lock(mutex_);
    auto it = live_.find(ref);
    if (it == live_.end() || !it->second.span_open) return;
    close_span(it->second, now_());
    const SpanRecord& span = it->second.state.spans.back();
    log(Gateway::Level::Info, "room " + ref + ": recording span " + std::to_string(it->second.state.spans.size()) +
                                  " ended after " + seconds_text(span.end_us - span.start_us) + " s (" +
                                  std::to_string(span.tracks.size()) + " tracks" +
                                  (span.failure.empty() ? "" : ", stopped by a write failure") + ")");
}

// ---------------------------------------------------------------------------
// The session's end, consent and links (room thread)

void Recorder::discard(const std::string& ref) {
    if (!recording::CapabilityStore::valid_room_ref(ref)) return;
    std::lock_guard lock(mutex_);
    if (auto it = live_.find(ref); it != live_.end()) {
        close_span(it->second, now_());
        live_.erase(it);
    }
    const bool gone = folders_.remove(ref);
    links_.forget(ref);
    ++stats_.discarded;
    if (gone)
        log(Gateway::Level::Info, "room " + ref + ": recording discarded, nothing kept");
    else
        log(Gateway::Level::Error, "room " + ref + ": recording discarded but its folder could not be deleted");
}

void Recorder::finalize(const std::string& ref, const Json& metadata) {
    std::lock_guard lock(mutex_);
    auto it = live_.find(ref);
    if (it == live_.end() || !it->second.folder || it->second.state.spans.empty()) {
        // Nothing was written: no folder, and the links lead nowhere.
        if (it != live_.end()) live_.erase(it);
        folders_.remove(ref);
        return;
    }
    Live& live = it->second;
    const std::int64_t now = now_();
    close_span(live, now);
    live.state.state = FolderState::Finalizing;
    live.state.ended_at_us = now;
    // The final consent log goes into the marker, with the spans it proves.
    if (metadata)
        if (auto entries = consent_log_from(metadata)) live.state.consent_log = std::move(*entries);
    if (!folders_.write_state(live.state))
        log(Gateway::Level::Error, "room " + ref + ": recording marker cannot be written at the end");
    // The jobs get the state itself (on a full disk the marker may lag behind),
    // and the folder before the room leaves live_: the sweep always finds it in one of the two.
    jobs_.finalize(ref, std::move(live.state));
    live_.erase(it);
}

void Recorder::consent_logged(const std::string& ref, const Json& metadata) {
    if (!recording::CapabilityStore::valid_room_ref(ref)) return;
    auto entries = consent_log_from(metadata);
    if (!entries) return;
    std::lock_guard lock(mutex_);
    Live& live = live_room(ref, now_());
    const bool changed = entries->size() != live.state.consent_log.size();
    live.state.consent_log = std::move(*entries);
    // Before any span, it stays in memory: nothing touches the disk until everyone has consented.
    if (changed && live.folder && !folders_.write_state(live.state))
        log(Gateway::Level::Error, "room " + ref + ": the consent log cannot be written to the recording's marker");
}

std::string Recorder::grant_download(const std::string& ref) {
    if (!recording::CapabilityStore::valid_room_ref(ref)) return {};
    const recording::CapabilityStore::Minted minted = recording::CapabilityStore::mint();
    std::lock_guard lock(mutex_);
    const std::int64_t now = now_();
    Live& live = live_room(ref, now);
    live.state.links.push_back(LinkRecord{minted.digest, now / 1'000'000});
    // Before any span, the digest stays in memory only: nothing touches the
    // disk until everyone has consented.
    if (live.folder && !folders_.write_state(live.state)) {
        live.state.links.pop_back();
        return {};
    }
    return minted.path;
}

bool Recorder::recording(const std::string& ref) const {
    std::lock_guard lock(mutex_);
    auto it = live_.find(ref);
    return it != live_.end() && it->second.span_open;
}

RecorderStats Recorder::stats() const {
    RecorderStats out;
    {
        std::lock_guard lock(mutex_);
        out = stats_;
    }
    jobs_.count_into(out);
    return out;
}

// ---------------------------------------------------------------------------
// LiveRooms (the jobs' worker)

bool Recorder::live(const std::string& ref) const {
    std::lock_guard lock(mutex_);
    return live_.count(ref) > 0;
}

void Recorder::forget_unrecorded(std::int64_t now_us) {
    std::lock_guard lock(mutex_);
    // Rooms that handed out links but never recorded and never ended with a discard.
    std::erase_if(live_, [&](const auto& entry) {
        return !entry.second.folder && entry.second.created_us + settings_.pending_link_grace_s * 1'000'000 <= now_us;
    });
}

}  // namespace counsel::recording
