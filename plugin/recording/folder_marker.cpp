#include "recording/folder_marker.hpp"

#include <algorithm>

#include "recording/capability_store.hpp"

namespace counsel::recording {
namespace {

std::optional<FolderState> state_from(const std::string& name) {
    if (name == "recording") return FolderState::Recording;
    if (name == "paused") return FolderState::Paused;
    if (name == "finalizing") return FolderState::Finalizing;
    if (name == "done") return FolderState::Done;
    return std::nullopt;
}

std::optional<std::uint64_t> uint_of(json_t* v) {
    if (!json_is_integer(v) || json_integer_value(v) < 0) return std::nullopt;
    return static_cast<std::uint64_t>(json_integer_value(v));
}

bool plain_file_name(const std::string& name) {
    if (name.empty() || name.size() > 100 || name[0] == '.') return false;
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.'))
            return false;
    return true;
}

// A short code (consent events, failure reasons): lower case letters and "_".
bool code_word(const std::string& word) {
    if (word.empty() || word.size() > 32) return false;
    for (char c : word)
        if (!((c >= 'a' && c <= 'z') || c == '_')) return false;
    return true;
}

}  // namespace

std::optional<std::vector<ConsentRecord>> consent_log_from(const Json& log) {
    json_t* entries = json_is_array(log.get()) ? log.get() : log.field("consent_log");
    if (!json_is_array(entries)) return std::nullopt;
    std::vector<ConsentRecord> out;
    std::size_t i;
    json_t* e;
    json_array_foreach(entries, i, e) {
        Json entry = Json::borrow(e);
        auto at = entry.integer_at("at_ms");
        auto event = entry.string_at("event");
        json_t* who = entry.field("participant");
        auto id = who ? uint_of(who) : std::optional<std::uint64_t>(0);
        if (!at || *at < 0 || !event || !code_word(*event) || !id) return std::nullopt;
        out.push_back(ConsentRecord{*at, *event, *id});
    }
    return out;
}

Json consent_log_json(const std::vector<ConsentRecord>& log) {
    Json entries = Json::array();
    for (const ConsentRecord& e : log) {
        Json entry = Json::object().set("at_ms", e.at_ms).set("event", e.event);
        if (e.participant) entry.set("participant", e.participant);
        entries.append(std::move(entry));
    }
    return entries;
}

const char* folder_state_name(FolderState state) {
    switch (state) {
        case FolderState::Recording: return "recording";
        case FolderState::Paused: return "paused";
        case FolderState::Finalizing: return "finalizing";
        case FolderState::Done: return "done";
    }
    return "";
}

std::string render_state(const FolderMarker& state) {
    Json spans = Json::array();
    for (const SpanRecord& span : state.spans) {
        Json people = Json::array();
        for (std::uint64_t id : span.participants) people.append(Json::adopt(json_integer(static_cast<json_int_t>(id))));
        Json tracks = Json::array();
        for (const TrackRecord& t : span.tracks)
            tracks.append(Json::object()
                              .set("file", t.file)
                              .set("participant", t.participant)
                              .set("mindex", t.mindex)
                              .set("kind", t.video ? "video" : "audio")
                              .set("codec", t.codec));
        Json record = Json::object()
                          .set("start_us", span.start_us)
                          .set("end_us", span.end_us)
                          .set("participants", std::move(people))
                          .set("tracks", std::move(tracks));
        if (!span.failure.empty()) record.set("failure", span.failure);
        spans.append(std::move(record));
    }
    Json links = Json::array();
    for (const LinkRecord& l : state.links)
        links.append(Json::object().set("digest", l.digest).set("granted_at", l.granted_at_s));
    Json marker = Json::object()
                      .set("version", 1)
                      .set("room", state.room)
                      .set("state", folder_state_name(state.state))
                      .set("spans", std::move(spans))
                      .set("links", std::move(links))
                      .set("consent_log", consent_log_json(state.consent_log))
                      .set("ended_at_us", state.ended_at_us)
                      .set("finalized_at_us", state.finalized_at_us)
                      .set("recovered", state.recovered)
                      .set("uploaded", state.uploaded)
                      .set("finalize_failures", state.finalize_failures);
    if (!state.finalize_failure.empty()) marker.set("finalize_failure", state.finalize_failure);
    return marker.dump() + "\n";
}

std::optional<FolderMarker> parse_state(const std::string& text) {
    json_error_t error;
    Json root = Json::adopt(json_loadb(text.data(), text.size(), 0, &error));
    if (!json_is_object(root.get()) || root.integer_at("version") != 1) return std::nullopt;
    FolderMarker out;
    auto room = root.string_at("room");
    auto state = state_from(root.string_at("state").value_or(""));
    if (!room || !recording::CapabilityStore::valid_room_ref(*room) || !state) return std::nullopt;
    out.room = *room;
    out.state = *state;
    out.finalized_at_us = root.integer_at("finalized_at_us").value_or(0);
    out.recovered = json_is_true(root.field("recovered"));
    out.uploaded = json_is_true(root.field("uploaded"));
    // Markers of older versions have no consent log, end time or failure count.
    out.ended_at_us = root.integer_at("ended_at_us").value_or(0);
    out.finalize_failures =
        static_cast<int>(std::clamp<std::int64_t>(root.integer_at("finalize_failures").value_or(0), 0, 1'000'000));
    if (json_t* why = root.field("finalize_failure")) {
        if (!json_is_string(why) || !code_word(json_string_value(why))) return std::nullopt;
        out.finalize_failure = json_string_value(why);
    }
    if (json_t* log = root.field("consent_log")) {
        auto entries = consent_log_from(Json::borrow(log));
        if (!entries) return std::nullopt;
        out.consent_log = std::move(*entries);
    }
    json_t* spans = root.field("spans");
    if (!json_is_array(spans)) return std::nullopt;
    std::size_t i;
    json_t* s;
    json_array_foreach(spans, i, s) {
        Json span = Json::borrow(s);
        SpanRecord rec;
        auto start = span.integer_at("start_us");
        auto end = span.integer_at("end_us");
        if (!start || !end || *start <= 0 || *end < 0 || (*end != 0 && *end < *start)) return std::nullopt;
        rec.start_us = *start;
        rec.end_us = *end;
        if (json_t* why = span.field("failure")) {
            if (!json_is_string(why) || !code_word(json_string_value(why))) return std::nullopt;
            rec.failure = json_string_value(why);
        }
        json_t* people = span.field("participants");
        json_t* tracks = span.field("tracks");
        if (!json_is_array(people) || !json_is_array(tracks)) return std::nullopt;
        std::size_t j;
        json_t* p;
        json_array_foreach(people, j, p) {
            auto id = uint_of(p);
            if (!id) return std::nullopt;
            rec.participants.push_back(*id);
        }
        json_array_foreach(tracks, j, p) {
            Json track = Json::borrow(p);
            TrackRecord t;
            t.file = track.string_at("file").value_or("");
            auto who = uint_of(track.field("participant"));
            auto mindex = track.integer_at("mindex");
            auto kind = track.string_at("kind");
            auto codec = track.string_at("codec");
            if (!plain_file_name(t.file) || !who || !mindex || !kind || (*kind != "audio" && *kind != "video") ||
                !codec || !plain_file_name(*codec))
                return std::nullopt;
            t.participant = *who;
            t.mindex = static_cast<int>(*mindex);
            t.video = *kind == "video";
            t.codec = *codec;
            rec.tracks.push_back(std::move(t));
        }
        out.spans.push_back(std::move(rec));
    }
    json_t* links = root.field("links");
    if (!json_is_array(links)) return std::nullopt;
    json_array_foreach(links, i, s) {
        Json link = Json::borrow(s);
        auto digest = link.string_at("digest");
        auto granted = link.integer_at("granted_at");
        if (!digest || !recording::CapabilityStore::valid_digest(*digest) || !granted) return std::nullopt;
        out.links.push_back(LinkRecord{*digest, *granted});
    }
    return out;
}

bool room_folder_name(const std::string& name) {
    return !name.empty() && name[0] != '.' && name[0] != '_' && recording::CapabilityStore::valid_room_ref(name);
}

Verdict classify(const std::string& name, bool is_dir, const std::optional<FolderMarker>& state, bool has_recording) {
    if (name == kLinksDir) return {Recovery::Ignore, "link store"};
    if (name.rfind(kTrashPrefix, 0) == 0) return {Recovery::Delete, "discarded"};
    if (!is_dir || !room_folder_name(name)) return {Recovery::Delete, "not a recording folder"};
    if (!state) return {Recovery::Delete, "no readable marker: nothing proven consented"};
    if (state->room != name) return {Recovery::Delete, "marker of another room"};
    if (state->state == FolderState::Done)
        return has_recording ? Verdict{Recovery::Keep, "finished"} : Verdict{Recovery::Delete, "finished file missing"};
    if (has_recording && state->state == FolderState::Finalizing) {
        // A crash after the MP4 was renamed into place but before the marker said so.
        return {Recovery::Finalize, "finished file present, marker behind"};
    }
    if (state->spans.empty()) return {Recovery::Delete, "no consented span"};
    return {Recovery::Finalize, "consented spans not finalized"};
}

}  // namespace counsel::recording
