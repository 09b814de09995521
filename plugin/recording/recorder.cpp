#include "recording/recorder.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>

#include "transports/private_fs.hpp"

namespace counsel::recording {
namespace fsx = counsel::transports;

// Raised by the first failing write of any span; take_failures() lowers it.
struct Recorder::FailureBoard {
    explicit FailureBoard(NowUs clock) : now(std::move(clock)) {}
    const NowUs now;
    std::atomic<bool> raised{false};
};

// Shared by the sinks of one span: the first failing write stops them all.
struct Recorder::SpanHealth {
    explicit SpanHealth(std::shared_ptr<FailureBoard> on) : board(std::move(on)) {}
    void trip() {
        if (failed.exchange(true, std::memory_order_acq_rel)) return;
        failed_at_us.store(board->now(), std::memory_order_relaxed);
        board->raised.store(true, std::memory_order_release);
    }
    bool tripped() const { return failed.load(std::memory_order_acquire); }
    const std::shared_ptr<FailureBoard> board;
    std::atomic<bool> failed{false};
    std::atomic<std::int64_t> failed_at_us{0};
};

namespace {

constexpr std::int64_t kUsPerDay = 24LL * 3600 * 1'000'000;
// Below this, rec_dir counts as full (a failure is "disk_full").
constexpr std::int64_t kFullBelowBytes = 1 << 20;
// Room for the tools beyond the converted tracks and the MP4 (work files, the .part).
constexpr std::int64_t kFinalizeHeadroomBytes = 16LL << 20;

// A track file of one span as the RTP path sees it: the file's sink behind
// the span's failure flag. One relaxed load per packet when all is well.
class SpanSink final : public TrackSink {
public:
    SpanSink(std::shared_ptr<TrackSink> file, std::shared_ptr<Recorder::SpanHealth> health)
        : file_(std::move(file)), health_(std::move(health)) {}
    bool write(char* rtp, unsigned length) override {
        if (health_->failed.load(std::memory_order_relaxed)) return false;
        if (file_->write(rtp, length)) return true;
        health_->trip();
        return false;
    }
    void close() override { file_->close(); }
    bool wants_keyframe(std::int64_t now_us) override {
        return !health_->failed.load(std::memory_order_relaxed) && file_->wants_keyframe(now_us);
    }

private:
    const std::shared_ptr<TrackSink> file_;
    const std::shared_ptr<Recorder::SpanHealth> health_;
};

// Bytes of the track files in a room folder (what janus-pp-rec will convert).
std::int64_t track_bytes(const std::string& dir) {
    std::int64_t total = 0;
    for (const std::string& name : fsx::list_dir(dir))
        if (name.find(".mjr") != std::string::npos)
            total += std::max<std::int64_t>(0, fsx::file_size(dir + "/" + name));
    return total;
}

// When an unfinished recording's session ended (retention counts from there).
std::int64_t ended_us(const SessionState& state, const std::string& marker_path) {
    if (state.ended_at_us > 0) return state.ended_at_us;
    std::int64_t last = 0;
    for (const SpanRecord& span : state.spans) last = std::max(last, span.end_us);
    return last > 0 ? last : fsx::mtime_us(marker_path);
}

std::string two_digits(int n) {
    std::string s = std::to_string(n);
    return s.size() < 2 ? "0" + s : s;
}

std::string secs(std::int64_t us) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(us) / 1e6);
    return buf;
}

}  // namespace

Recorder::Recorder(RecorderSettings settings, TrackSinkFactory& sinks, Gateway& gateway, NowUs now)
    : settings_(std::move(settings)),
      sinks_(sinks),
      gateway_(gateway),
      now_(now ? std::move(now) : NowUs(fsx::now_unix_us)),
      links_(settings_.rec_dir, settings_.reader_group),
      board_(std::make_shared<FailureBoard>(now_)) {
    if (settings_.webdav) uploader_ = std::make_unique<transports::WebdavUploader>(*settings_.webdav);
    if (!settings_.free_bytes) settings_.free_bytes = fsx::free_bytes;
}

Recorder::~Recorder() { stop(); }

// ---------------------------------------------------------------------------
// Start and stop

bool Recorder::start(std::string& reason) {
    if (!fsx::make_private_dir(settings_.rec_dir, reason)) {
        reason = "rec_dir: " + reason;
        return false;
    }
    if (!fsx::share_with_reader(settings_.rec_dir, settings_.reader_group)) {
        reason = "rec_dir: cannot give rec_reader_group access";
        return false;
    }
    if (!links_.open(reason)) {
        reason = "rec_dir/_links: " + reason;
        return false;
    }
    std::size_t deleted = 0, recovered = 0, kept = 0;
    for (const std::string& name : fsx::list_dir(settings_.rec_dir)) {
        const std::string path = settings_.rec_dir + "/" + name;
        const bool dir = fsx::is_dir(path);
        std::optional<SessionState> state;
        bool has_recording = false;
        if (dir && room_folder_name(name)) {
            state = read_state(name);
            has_recording = fsx::file_size(path + "/" + kRecordingFile) > 0;
        }
        const Verdict verdict = classify(name, dir, state, has_recording);
        switch (verdict.action) {
            case Recovery::Ignore: break;
            case Recovery::Delete:
                fsx::remove_tree(path);
                ++deleted;
                if (room_folder_name(name)) links_.forget(name);
                break;
            case Recovery::Keep:
                // A finished recording; remove what a crash may have left beside it.
                for (const std::string& f : fsx::list_dir(path))
                    if (is_intermediate(f) || f == kConsentFile || f == kReserveFile)
                        ::unlink((path + "/" + f).c_str());
                ++kept;
                if (uploader_ && !state->uploaded) {
                    std::lock_guard lock(mutex_);
                    queued_.insert(name);
                    jobs_.push_back([this, name] {
                        upload_job(name);
                        std::lock_guard l(mutex_);
                        queued_.erase(name);
                    });
                }
                break;
            case Recovery::Finalize: {
                if (state->state == FolderState::Recording || state->state == FolderState::Paused) {
                    state->recovered = true;  // the session did not end: Janus stopped during it
                    state->state = FolderState::Finalizing;
                    write_state(*state);
                }
                std::lock_guard lock(mutex_);
                queued_.insert(name);
                jobs_.push_back([this, name] { finalize_job(name); });
                ++recovered;
                break;
            }
        }
    }
    links_.sweep(now_() / 1'000'000);
    {
        std::lock_guard lock(mutex_);
        stats_.deleted_at_start += deleted;
        stats_.recovered += recovered;
        next_sweep_us_ = now_() + settings_.sweep_every_s * 1'000'000;
        next_space_check_us_ = now_();
        stopping_ = false;
        cancel_ = false;
    }
    if (deleted || recovered || kept)
        log(Gateway::Level::Info, "recordings at start: " + std::to_string(recovered) + " to finalize, " +
                                      std::to_string(kept) + " finished, " + std::to_string(deleted) + " deleted");
    jobs_.push_back([this] { sweep_job(); });
    worker_ = std::thread([this] { run_worker(); });
    return true;
}

void Recorder::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && !worker_.joinable()) return;
        stopping_ = true;
        cancel_ = true;
        for (auto& [ref, live] : live_)
            if (live.span_open) close_span(live, now_());
    }
    wake_.notify_all();
    if (worker_.joinable()) worker_.join();
    std::lock_guard lock(mutex_);
    jobs_.clear();
    busy_ = false;
    idle_.notify_all();
}

// ---------------------------------------------------------------------------
// Room thread

void Recorder::start_span(const std::string& ref, const std::vector<MediaMember>& members) {
    if (!transports::CapabilityStore::valid_room_ref(ref)) return;
    std::lock_guard lock(mutex_);
    Live& live = live_[ref];
    const std::int64_t now = now_();
    if (!live.created_us) live.created_us = now;
    live.state.room = ref;
    if (live.span_open) close_span(live, now);
    // A span that cannot start is a write failure like any other: the core is told and everyone sees it.
    auto cannot_start = [&](const char* what) {
        live.unreported = failure_reason();
        ++stats_.write_failures;
        board_->raised.store(true, std::memory_order_release);
        log(Gateway::Level::Error, "room " + ref + ": " + what + " (" + live.unreported + "), nothing is recorded");
    };
    const bool first = !live.folder;
    if (!live.folder) {
        std::string reason;
        if (!fsx::make_private_dir(room_dir(ref), reason) || !fsx::share_with_reader(room_dir(ref), settings_.reader_group))
            return cannot_start("recording folder cannot be created");
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
    if (!write_state(live.state)) {
        live.span_open = false;
        live.state.spans.pop_back();
        return cannot_start("recording marker cannot be written");
    }
    if (first) make_reserve(ref);
    ++stats_.spans_started;
    log(Gateway::Level::Info, "room " + ref + ": recording span " + std::to_string(live.state.spans.size()) +
                                  " started (" + std::to_string(members.size()) + " people)");
}

std::shared_ptr<TrackSink> Recorder::track(const std::string& ref, std::uint64_t participant, int mindex,
                                           const TrackSpec& spec) {
    std::lock_guard lock(mutex_);
    auto it = live_.find(ref);
    if (it == live_.end() || !it->second.span_open || stopping_) return nullptr;
    Live& live = it->second;
    SpanRecord& span = live.state.spans.back();
    bool member = false;
    for (std::uint64_t id : span.participants) member = member || id == participant;
    if (!member) return nullptr;
    const auto key = std::make_pair(participant, mindex);
    if (auto s = live.sinks.find(key); s != live.sinks.end()) return s->second;
    const std::string base = "s" + two_digits(static_cast<int>(live.state.spans.size())) + "-t" +
                             two_digits(static_cast<int>(span.tracks.size()) + 1) + "-" +
                             (spec.video ? "video" : "audio");
    std::string codec = spec.codec;
    for (char& c : codec) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // The marker names the file before it exists.
    span.tracks.push_back(TrackRecord{base + ".mjr", participant, mindex, spec.video, codec});
    if (!write_state(live.state)) {
        // A person would be missing from a recording everyone believes runs: the span fails.
        span.tracks.pop_back();
        live.health->trip();
        return nullptr;
    }
    std::shared_ptr<TrackSink> file = sinks_.open(room_dir(ref), base, spec);
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
    std::int64_t end = now_us;
    if (live.health && live.health->tripped()) {
        // The span really ends where the writing stopped.
        notice_failure(live);
        span.failure = live.span_failure;
        if (const std::int64_t at = live.health->failed_at_us.load(std::memory_order_relaxed); at > 0)
            end = std::min(end, at);
    }
    span.end_us = std::max(end, span.start_us);
    live.state.state = FolderState::Paused;
    write_state(live.state);
}

void Recorder::notice_failure(Live& live) {
    if (!live.health || !live.health->tripped() || !live.span_failure.empty()) return;
    live.span_failure = failure_reason();
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

const char* Recorder::failure_reason() const {
    const std::int64_t free = free_bytes();
    return free >= 0 && free < kFullBelowBytes ? "disk_full" : "write_error";
}

std::int64_t Recorder::free_bytes() const { return settings_.free_bytes(settings_.rec_dir); }

void Recorder::end_span(const std::string& ref) {
    std::lock_guard lock(mutex_);
    auto it = live_.find(ref);
    if (it == live_.end() || !it->second.span_open) return;
    close_span(it->second, now_());
    const SpanRecord& span = it->second.state.spans.back();
    log(Gateway::Level::Info, "room " + ref + ": recording span " + std::to_string(it->second.state.spans.size()) +
                                  " ended after " + secs(span.end_us - span.start_us) + " s (" +
                                  std::to_string(span.tracks.size()) + " tracks" +
                                  (span.failure.empty() ? "" : ", stopped by a write failure") + ")");
}

void Recorder::discard(const std::string& ref) {
    if (!transports::CapabilityStore::valid_room_ref(ref)) return;
    std::lock_guard lock(mutex_);
    if (auto it = live_.find(ref); it != live_.end()) {
        close_span(it->second, now_());
        live_.erase(it);
    }
    const bool gone = delete_room_folder(ref);
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
        delete_room_folder(ref);
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
    if (!write_state(live.state))
        log(Gateway::Level::Error, "room " + ref + ": recording marker cannot be written at the end");
    // The job gets the state itself: on a full disk the marker may lag behind.
    jobs_.push_back([this, ref, known = std::move(live.state)] { finalize_job(ref, known); });
    live_.erase(it);
    queued_.insert(ref);
    wake_.notify_all();
}

void Recorder::consent_logged(const std::string& ref, const Json& metadata) {
    if (!transports::CapabilityStore::valid_room_ref(ref)) return;
    auto entries = consent_log_from(metadata);
    if (!entries) return;
    std::lock_guard lock(mutex_);
    Live& live = live_[ref];
    if (!live.created_us) live.created_us = now_();
    live.state.room = ref;
    const bool changed = entries->size() != live.state.consent_log.size();
    live.state.consent_log = std::move(*entries);
    // Before any span, it stays in memory: nothing touches the disk until everyone has consented.
    if (changed && live.folder && !write_state(live.state))
        log(Gateway::Level::Error, "room " + ref + ": the consent log cannot be written to the recording's marker");
}

std::string Recorder::grant_download(const std::string& ref) {
    if (!transports::CapabilityStore::valid_room_ref(ref)) return {};
    const transports::CapabilityStore::Minted minted = transports::CapabilityStore::mint();
    std::lock_guard lock(mutex_);
    Live& live = live_[ref];
    const std::int64_t now = now_();
    if (!live.created_us) live.created_us = now;
    live.state.room = ref;
    live.state.links.push_back(LinkRecord{minted.digest, now / 1'000'000});
    // Before any span, the digest stays in memory only: nothing touches the
    // disk until everyone has consented.
    if (live.folder && !write_state(live.state)) {
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

// ---------------------------------------------------------------------------
// Disk

bool Recorder::write_state(const SessionState& state) {
    return write_record(state.room, kStateFile, render_state(state));
}

bool Recorder::write_record(const std::string& ref, const char* name, const std::string& text) {
    const std::string path = room_dir(ref) + "/" + name;
    if (fsx::write_private_file(path, text)) return true;
    // Most likely a full disk: the space kept aside for this moment is given back.
    const std::string reserve = room_dir(ref) + "/" + kReserveFile;
    if (::unlink(reserve.c_str()) != 0) return false;
    log(Gateway::Level::Warn, "room " + ref + ": rec_dir is full; the space kept for the recording's records is used");
    return fsx::write_private_file(path, text);
}

void Recorder::make_reserve(const std::string& ref) {
    if (settings_.reserve_bytes <= 0) return;
    const std::string path = room_dir(ref) + "/" + kReserveFile;
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return;
    // Blocks really allocated (not a sparse file), or no reserve at all.
    const bool ok = ::fallocate(fd, 0, 0, settings_.reserve_bytes) == 0;
    ::close(fd);
    if (!ok) ::unlink(path.c_str());
}

std::optional<SessionState> Recorder::read_state(const std::string& ref) const {
    auto text = fsx::read_small_file(room_dir(ref) + "/" + kStateFile);
    if (!text) return std::nullopt;
    return parse_state(*text);
}

bool Recorder::delete_room_folder(const std::string& ref) {
    const std::string dir = room_dir(ref);
    if (!fsx::exists(dir)) return true;
    // Renamed first: a crash half-way leaves a .trash-* folder, which the next
    // start deletes, never a room folder with part of a vetoed recording.
    static std::atomic<unsigned> serial{0};
    const std::string trash = settings_.rec_dir + "/" + kTrashPrefix + ref + "-" + std::to_string(::getpid()) + "-" +
                              std::to_string(serial++);
    const std::string& target = ::rename(dir.c_str(), trash.c_str()) == 0 ? trash : dir;
    fsx::sync_path(settings_.rec_dir);
    fsx::remove_tree(target);
    fsx::sync_path(settings_.rec_dir);
    return !fsx::exists(dir) && !fsx::exists(trash);
}

bool Recorder::publish_links(const SessionState& state) {
    const std::int64_t expires = state.finalized_at_us / 1'000'000 + settings_.retention_days * 24 * 3600;
    bool ok = true;
    for (const LinkRecord& l : state.links) ok = links_.publish(l.digest, state.room, l.granted_at_s, expires) && ok;
    return ok;
}

// ---------------------------------------------------------------------------
// Worker

void Recorder::enqueue(Job job) {
    {
        std::lock_guard lock(mutex_);
        jobs_.push_back(std::move(job));
    }
    wake_.notify_all();
}

void Recorder::run_worker() {
    std::unique_lock lock(mutex_);
    for (;;) {
        if (stopping_) break;
        if (jobs_.empty()) {
            busy_ = false;
            idle_.notify_all();
            std::int64_t wait_us = std::max<std::int64_t>(0, next_sweep_us_ - now_());
            if (!waiting_.empty())
                wait_us = std::min(wait_us, std::max<std::int64_t>(0, next_space_check_us_ - now_()));
            wake_.wait_for(lock, std::chrono::microseconds(std::min<std::int64_t>(wait_us, 60'000'000)));
            if (stopping_) break;
            if (jobs_.empty() && now_() >= next_sweep_us_)
                jobs_.push_back([this] { sweep_job(); });
            else if (jobs_.empty() && !waiting_.empty() && now_() >= next_space_check_us_)
                retry_where_space(lock);
            continue;
        }
        Job job = std::move(jobs_.front());
        jobs_.pop_front();
        busy_ = true;
        lock.unlock();
        try {
            job();
        } catch (...) {
            log(Gateway::Level::Error, "recording worker: a job failed");
        }
        lock.lock();
    }
    busy_ = false;
    idle_.notify_all();
}

bool Recorder::wait_idle(int timeout_ms) {
    std::unique_lock lock(mutex_);
    wake_.notify_all();
    return idle_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                          [this] { return (jobs_.empty() && !busy_) || stopping_; });
}

void Recorder::sweep_now() {
    enqueue([this] { sweep_job(); });
}

RecorderStats Recorder::stats() const {
    std::lock_guard lock(mutex_);
    RecorderStats out = stats_;
    out.finalize_waiting = waiting_.size();
    return out;
}

void Recorder::retry_where_space(std::unique_lock<std::mutex>& lock) {
    next_space_check_us_ = now_() + settings_.space_check_s * 1'000'000;
    lock.unlock();
    std::int64_t free = free_bytes();
    lock.lock();
    for (auto it = waiting_.begin(); it != waiting_.end();) {
        if (!it->second.for_space || free < it->second.need_bytes) {
            ++it;
            continue;
        }
        free -= it->second.need_bytes;
        const std::string ref = (it++)->first;
        retry_finalize(ref, "rec_dir has space again");
    }
}

void Recorder::retry_finalize(const std::string& ref, const char* why) {
    std::optional<SessionState> known;
    if (auto it = waiting_.find(ref); it != waiting_.end()) {
        known = std::move(it->second.state);
        waiting_.erase(it);
    }
    queued_.insert(ref);
    jobs_.push_back([this, ref, known = std::move(known)] { finalize_job(ref, known); });
    ++stats_.finalize_retried;
    log(Gateway::Level::Info, "room " + ref + ": finalization tried again (" + why + ")");
}

void Recorder::finalize_job(const std::string& ref, std::optional<SessionState> known) {
    const std::string dir = room_dir(ref);
    auto done = [this, &ref] {
        std::lock_guard lock(mutex_);
        queued_.erase(ref);
    };
    std::optional<SessionState> state = known ? std::move(known) : read_state(ref);
    if (!state) {
        log(Gateway::Level::Error, "room " + ref + ": recording marker unreadable, the recording is deleted");
        delete_room_folder(ref);
        return done();
    }
    // The converted tracks and the MP4 each take about what the track files
    // do; without even the first, the tools are not started at all.
    const std::int64_t tracks = track_bytes(dir);
    const std::int64_t need = 2 * tracks + kFinalizeHeadroomBytes;
    const std::int64_t free = free_bytes();
    const auto t0 = std::chrono::steady_clock::now();
    FinalizeOutcome outcome;
    if (free >= 0 && free < tracks + kFinalizeHeadroomBytes)
        outcome.why = "not enough free space in rec_dir";
    else
        outcome = render_session(dir, *state, settings_.tools, &cancel_);
    const std::int64_t took_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    if (cancel_) return done();  // stopping: the next start finalizes it again
    if (!outcome.ok) return finalize_failed(ref, *state, outcome.why, need);

    // The consent metadata beside the MP4: ids and times, no names. Markers
    // of older versions kept the log in consent.json.
    Json consent_log = consent_log_json(state->consent_log);
    if (state->consent_log.empty())
        if (auto text = fsx::read_small_file(dir + "/" + kConsentFile)) {
            json_error_t error;
            Json legacy = Json::adopt(json_loadb(text->data(), text->size(), 0, &error));
            if (auto entries = consent_log_from(legacy)) consent_log = consent_log_json(*entries);
        }
    const std::int64_t finalized_at = now_();
    Json spans = Json::array();
    std::int64_t at = 0;
    for (const SpanRecord& s : outcome.spans) {
        Json people = Json::array();
        for (std::uint64_t id : s.participants) people.append(Json::adopt(json_integer(static_cast<json_int_t>(id))));
        Json span = Json::object()
                        .set("start_ms", s.start_us / 1000)
                        .set("end_ms", s.end_us / 1000)
                        .set("at_ms_in_file", at / 1000)
                        .set("participants", std::move(people));
        // A write failure ended this span: end_ms is where the writing stopped.
        if (!s.failure.empty()) span.set("failure", s.failure);
        spans.append(std::move(span));
        at += s.end_us - s.start_us;
    }
    Json metadata = Json::object()
                        .set("room", ref)
                        .set("file", kRecordingFile)
                        .set("video", "h264")
                        .set("audio", "aac")
                        .set("duration_ms", outcome.duration_us / 1000)
                        .set("finalized_at_ms", finalized_at / 1000)
                        .set("recovered_after_crash", state->recovered)
                        .set("finalize_attempts", state->finalize_failures + 1)
                        .set("spans", std::move(spans))
                        .set("consent_log", std::move(consent_log));
    // Finished late, and why: an earlier attempt failed (e.g. "no_space").
    if (state->finalize_failures > 0) metadata.set("finalized_after_failure", state->finalize_failure);
    write_record(ref, kMetadataFile, metadata.dump() + "\n");
    // What the page server serves (its links are published below); the rest stays owner-only.
    fsx::share_with_reader(dir + "/" + kRecordingFile, settings_.reader_group);

    state->state = FolderState::Done;
    state->spans = outcome.spans;
    state->finalized_at_us = finalized_at;
    write_state(*state);
    for (const std::string& f : fsx::list_dir(dir))
        if (is_intermediate(f) || f == kConsentFile || f == kReserveFile) ::unlink((dir + "/" + f).c_str());
    fsx::sync_path(dir);
    publish_links(*state);
    {
        std::lock_guard lock(mutex_);
        ++stats_.finalized;
        stats_.last_finalize_ms = took_ms;
        stats_.last_recording_ms = outcome.duration_us / 1000;
    }
    char speed[32];
    std::snprintf(speed, sizeof speed, "%.1f", took_ms > 0 ? outcome.duration_us / 1000.0 / took_ms : 0.0);
    log(Gateway::Level::Info, "room " + ref + ": recording finalized" + (state->recovered ? " after a crash" : "") +
                                  (state->finalize_failures ? " after " + std::to_string(state->finalize_failures) +
                                                                  " failed attempt(s) (" + state->finalize_failure + ")"
                                                            : std::string()) +
                                  ": " + std::to_string(outcome.spans.size()) + " span(s), " +
                                  secs(outcome.duration_us) + " s, " + std::to_string(outcome.tracks_used) +
                                  " tracks, " + std::to_string(state->links.size()) + " link(s), in " +
                                  secs(took_ms * 1000) + " s (" + speed + "x real time)");
    if (uploader_) upload_job(ref);
    done();
}

void Recorder::finalize_failed(const std::string& ref, SessionState& state, const std::string& why,
                               std::int64_t need_bytes) {
    // Space it was, if rec_dir lacks what the run needs (the tools' own files are gone again).
    const std::int64_t free = free_bytes();
    const bool space = free >= 0 && free < need_bytes;
    ++state.finalize_failures;
    state.finalize_failure = space ? "no_space" : "finalize_error";
    write_state(state);
    {
        std::lock_guard lock(mutex_);
        ++stats_.finalize_failed;
        queued_.erase(ref);
        // Half a sweep period at least: the next sweep but one at the latest, never right after the failure.
        waiting_[ref] = Waiting{space, need_bytes, now_() + settings_.sweep_every_s * 500'000, state};
        next_space_check_us_ = now_() + settings_.space_check_s * 1'000'000;
    }
    const std::string mb = std::to_string((need_bytes + (1 << 20) - 1) >> 20);
    log(Gateway::Level::Error, "room " + ref + ": recording could not be finalized (" + why + "); tried again " +
                                   (space ? "as soon as rec_dir has " + mb + " MB free, at the latest " : "") +
                                   "by the hourly sweep, deleted if still unfinished " +
                                   std::to_string(settings_.retention_days) + " days after the session");
}

void Recorder::upload_job(const std::string& ref) {
    if (!uploader_) return;
    std::optional<SessionState> state = read_state(ref);
    if (!state || state->state != FolderState::Done || state->uploaded) return;
    const std::string dir = room_dir(ref);
    std::string reason;
    auto cancelled = [this] { return cancel_.load(); };
    const bool ok = uploader_->put(dir + "/" + kRecordingFile, "counsel-" + ref + ".mp4", cancelled, reason) &&
                    uploader_->put(dir + "/" + kMetadataFile, "counsel-" + ref + ".json", cancelled, reason);
    std::lock_guard lock(mutex_);
    if (ok) {
        state->uploaded = true;
        write_state(*state);
        ++stats_.uploaded;
        log(Gateway::Level::Info, "room " + ref + ": recording uploaded to the WebDAV target");
    } else {
        ++stats_.upload_failed;
        log(Gateway::Level::Warn, "room " + ref + ": WebDAV upload failed (" + reason + "), retried within the hour");
    }
}

void Recorder::sweep_job() {
    const std::int64_t now = now_();
    const std::int64_t retention_us = settings_.retention_days * kUsPerDay;
    std::size_t expired = 0;
    std::vector<std::string> uploads;
    for (const std::string& name : fsx::list_dir(settings_.rec_dir)) {
        const std::string path = settings_.rec_dir + "/" + name;
        if (name.rfind(kTrashPrefix, 0) == 0) {
            fsx::remove_tree(path);
            continue;
        }
        if (!room_folder_name(name)) continue;
        bool waiting = false, retry = false;
        std::optional<SessionState> state;
        {
            std::lock_guard lock(mutex_);
            if (live_.count(name) || queued_.count(name)) continue;
            if (auto w = waiting_.find(name); w != waiting_.end()) {
                waiting = true;
                retry = now >= w->second.sweep_after_us;
                state = w->second.state;
            }
        }
        if (!state) state = read_state(name);
        const bool finished = state && state->state == FolderState::Done;
        const std::string marker = path + "/" + kStateFile;
        const std::int64_t since =
            finished ? state->finalized_at_us : state ? ended_us(*state, marker) : fsx::mtime_us(marker);
        if (since + retention_us <= now) {
            // Retention over (or a recording that could never be finalized).
            std::lock_guard lock(mutex_);
            delete_room_folder(name);
            links_.forget(name);
            waiting_.erase(name);
            ++expired;
            if (!finished)
                log(Gateway::Level::Warn, "room " + name + ": recording never finalized, deleted after retention");
        } else if (retry) {
            std::lock_guard lock(mutex_);
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
        // Rooms that handed out links but never recorded and never ended with a discard.
        for (auto it = live_.begin(); it != live_.end();) {
            if (!it->second.folder && it->second.created_us + settings_.pending_link_grace_s * 1'000'000 <= now)
                it = live_.erase(it);
            else
                ++it;
        }
    }
    if (expired) log(Gateway::Level::Info, std::to_string(expired) + " recording(s) past retention deleted");
    for (const std::string& ref : uploads) {
        if (cancel_) break;
        upload_job(ref);
    }
}

}  // namespace counsel::recording
