#include "recording/recording_metadata.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace counsel::recording {
namespace {

// Below this, rec_dir counts as full (a failure is "disk_full").
constexpr std::int64_t kFullBelowBytes = 1 << 20;
// Room for the tools beyond the converted tracks and the MP4 (work files, the .part).
constexpr std::int64_t kFinalizeHeadroomBytes = 16LL << 20;

std::string two_digits(std::size_t n) {
    std::string s = std::to_string(n);
    return s.size() < 2 ? "0" + s : s;
}

}  // namespace

std::string track_base_name(std::size_t span, std::size_t track, bool video) {
    return "s" + two_digits(span) + "-t" + two_digits(track) + "-" + (video ? "video" : "audio");
}

std::string codec_key(std::string codec) {
    for (char& c : codec) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return codec;
}

Json consent_log_for(const FolderMarker& state, const std::optional<std::string>& legacy_consent) {
    if (!state.consent_log.empty() || !legacy_consent) return consent_log_json(state.consent_log);
    json_error_t error;
    Json legacy = Json::adopt(json_loadb(legacy_consent->data(), legacy_consent->size(), 0, &error));
    if (auto entries = consent_log_from(legacy)) return consent_log_json(*entries);
    return consent_log_json(state.consent_log);
}

Json recording_metadata(const std::string& room_ref, const FolderMarker& state, const FinalizeOutcome& outcome,
                        Json consent_log, std::int64_t finalized_at_us) {
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
                        .set("room", room_ref)
                        .set("file", kRecordingFile)
                        .set("video", "h264")
                        .set("audio", "aac")
                        .set("duration_ms", outcome.duration_us / 1000)
                        .set("finalized_at_ms", finalized_at_us / 1000)
                        .set("recovered_after_crash", state.recovered)
                        .set("finalize_attempts", state.finalize_failures + 1)
                        .set("spans", std::move(spans))
                        .set("consent_log", std::move(consent_log));
    // Finished late, and why: an earlier attempt failed (e.g. "no_space").
    if (state.finalize_failures > 0) metadata.set("finalized_after_failure", state.finalize_failure);
    return metadata;
}

std::int64_t span_end_us(std::int64_t start_us, std::int64_t now_us, std::int64_t failed_at_us) {
    const std::int64_t end = failed_at_us > 0 ? std::min(now_us, failed_at_us) : now_us;
    return std::max(end, start_us);
}

std::int64_t session_end_us(const FolderMarker& state, std::int64_t marker_mtime_us) {
    if (state.ended_at_us > 0) return state.ended_at_us;
    std::int64_t last = 0;
    for (const SpanRecord& span : state.spans) last = std::max(last, span.end_us);
    return last > 0 ? last : marker_mtime_us;
}

std::int64_t retention_start_us(const std::optional<FolderMarker>& state, std::int64_t marker_mtime_us) {
    if (!state) return marker_mtime_us;
    if (state->state == FolderState::Done) return state->finalized_at_us;
    return session_end_us(*state, marker_mtime_us);
}

std::int64_t links_expire_at_s(const FolderMarker& state, std::int64_t retention_days) {
    return state.finalized_at_us / 1'000'000 + retention_days * 24 * 3600;
}

std::int64_t finalize_needs_bytes(std::int64_t track_bytes) { return 2 * track_bytes + kFinalizeHeadroomBytes; }

bool short_of_space(std::int64_t free_bytes, std::int64_t need_bytes) {
    return free_bytes >= 0 && free_bytes < need_bytes;
}

bool too_little_to_start(std::int64_t free_bytes, std::int64_t track_bytes) {
    return short_of_space(free_bytes, track_bytes + kFinalizeHeadroomBytes);
}

const char* write_failure_reason(std::int64_t free_bytes) {
    return short_of_space(free_bytes, kFullBelowBytes) ? "disk_full" : "write_error";
}

std::string seconds_text(std::int64_t us) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(us) / 1e6);
    return buf;
}

}  // namespace counsel::recording
