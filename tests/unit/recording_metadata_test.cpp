// What the recorder decides without touching the disk: track file names,
// recording.json (spans placed one after another in the file, failures and
// late finishes said, ids and times only), the consent log of older markers,
// where spans end and retention counts from, the space a finalization needs,
// and the failure verdicts.
#include "recording/recording_metadata.hpp"
#include "cmocka_cpp.hpp"

using namespace counsel;
using namespace counsel::recording;

namespace {

constexpr std::int64_t kS = 1'000'000;
constexpr std::int64_t kMiB = 1 << 20;
constexpr std::uint64_t kAnna = 987654321, kBen = 555000777;

std::int64_t int_at(const Json& j, const char* key) { return j.integer_at(key).value_or(-1); }

void track_files_are_named_by_span_track_and_kind(void**) {
    assert_string_equal(track_base_name(1, 2, true).c_str(), "s01-t02-video");
    assert_string_equal(track_base_name(12, 1, false).c_str(), "s12-t01-audio");
    assert_string_equal(track_base_name(100, 105, false).c_str(), "s100-t105-audio");
    assert_string_equal(codec_key("H264").c_str(), "h264");
    assert_string_equal(codec_key("opus").c_str(), "opus");
}

void recording_json_places_spans_one_after_another(void**) {
    FolderMarker state;
    state.room = "0123456789abcdef";
    FinalizeOutcome outcome;
    outcome.ok = true;
    outcome.duration_us = 15 * kS;
    outcome.spans.push_back(SpanRecord{100 * kS, 110 * kS, {kAnna, kBen}, {}, {}});
    outcome.spans.push_back(SpanRecord{200 * kS, 205 * kS, {kAnna}, {}, "disk_full"});
    Json log = Json::array().append(Json::object().set("at_ms", 1).set("event", "yes"));
    const Json m = recording_metadata(state.room, state, outcome, log, 300 * kS);

    assert_string_equal(m.string_at("room")->c_str(), "0123456789abcdef");
    assert_string_equal(m.string_at("file")->c_str(), "recording.mp4");
    assert_string_equal(m.string_at("video")->c_str(), "h264");
    assert_string_equal(m.string_at("audio")->c_str(), "aac");
    assert_int_equal(int_at(m, "duration_ms"), 15'000);
    assert_int_equal(int_at(m, "finalized_at_ms"), 300'000);
    assert_int_equal(int_at(m, "finalize_attempts"), 1);
    assert_false(json_is_true(m.field("recovered_after_crash")));
    assert_null(m.field("finalized_after_failure"));  // only after a failed attempt
    assert_int_equal(json_array_size(m.field("consent_log")), 1);

    json_t* spans = m.field("spans");
    assert_int_equal(json_array_size(spans), 2);
    const Json first = Json::borrow(json_array_get(spans, 0));
    const Json second = Json::borrow(json_array_get(spans, 1));
    assert_int_equal(int_at(first, "start_ms"), 100'000);
    assert_int_equal(int_at(first, "end_ms"), 110'000);
    assert_int_equal(int_at(first, "at_ms_in_file"), 0);
    assert_int_equal(json_array_size(first.field("participants")), 2);
    assert_int_equal(json_integer_value(json_array_get(first.field("participants"), 1)), kBen);
    assert_null(first.field("failure"));
    assert_int_equal(int_at(second, "at_ms_in_file"), 10'000);  // after the first span's 10 s
    assert_string_equal(second.string_at("failure")->c_str(), "disk_full");

    // Ids and times only: every key is one of these.
    const char* allowed[] = {"room", "file", "video", "audio", "duration_ms", "finalized_at_ms",
                             "recovered_after_crash", "finalize_attempts", "spans", "consent_log"};
    const char* key;
    json_t* value;
    json_object_foreach(m.get(), key, value) {
        bool known = false;
        for (const char* a : allowed) known = known || std::string(a) == key;
        assert_true(known);
    }
}

void a_late_finish_says_why_and_after_how_many_attempts(void**) {
    FolderMarker state;
    state.room = "0123456789abcdef";
    state.recovered = true;
    state.finalize_failures = 2;
    state.finalize_failure = "no_space";
    const Json m = recording_metadata(state.room, state, FinalizeOutcome{}, Json::array(), 0);
    assert_int_equal(int_at(m, "finalize_attempts"), 3);
    assert_true(json_is_true(m.field("recovered_after_crash")));
    assert_string_equal(m.string_at("finalized_after_failure")->c_str(), "no_space");
}

void the_consent_log_comes_from_the_marker_or_an_older_consent_file(void**) {
    FolderMarker state;
    const std::string legacy = "{\"consent_log\":[{\"at_ms\":5,\"event\":\"yes\",\"participant\":7},"
                               "{\"at_ms\":6,\"event\":\"start\"}]}";
    // No log in the marker: the old file's.
    Json log = consent_log_for(state, legacy);
    assert_int_equal(json_array_size(log.get()), 2);
    assert_int_equal(int_at(Json::borrow(json_array_get(log.get(), 0)), "participant"), 7);
    // The marker's wins when it has one.
    state.consent_log.push_back(ConsentRecord{1, "request", 0});
    log = consent_log_for(state, legacy);
    assert_int_equal(json_array_size(log.get()), 1);
    assert_string_equal(Json::borrow(json_array_get(log.get(), 0)).string_at("event")->c_str(), "request");
    // Neither, or an unreadable old file: an empty log, never half of one.
    state.consent_log.clear();
    assert_int_equal(json_array_size(consent_log_for(state, std::nullopt).get()), 0);
    assert_int_equal(json_array_size(consent_log_for(state, std::string("{not json")).get()), 0);
    assert_int_equal(json_array_size(consent_log_for(state, std::string("[{\"event\":\"Anna\"}]")).get()), 0);
}

void spans_end_where_the_writing_stopped(void**) {
    assert_int_equal(span_end_us(10 * kS, 20 * kS, 0), 20 * kS);         // no failure: now
    assert_int_equal(span_end_us(10 * kS, 20 * kS, 15 * kS), 15 * kS);   // the failure
    assert_int_equal(span_end_us(10 * kS, 20 * kS, 25 * kS), 20 * kS);   // never after now
    assert_int_equal(span_end_us(10 * kS, 5 * kS, 0), 10 * kS);          // never before its start
}

void retention_counts_from_the_finish_or_the_session_end(void**) {
    FolderMarker state;
    const std::int64_t mtime = 7 * kS;
    // Unfinished: the session's end, else the last span's end, else the marker's time.
    assert_int_equal(session_end_us(state, mtime), mtime);
    state.spans.push_back(SpanRecord{1 * kS, 3 * kS, {}, {}, {}});
    state.spans.push_back(SpanRecord{4 * kS, 0, {}, {}, {}});  // left open by a crash
    assert_int_equal(session_end_us(state, mtime), 3 * kS);
    state.ended_at_us = 5 * kS;
    assert_int_equal(session_end_us(state, mtime), 5 * kS);
    assert_int_equal(retention_start_us(state, mtime), 5 * kS);
    // Finished: from its finalization.
    state.state = FolderState::Done;
    state.finalized_at_us = 9 * kS;
    assert_int_equal(retention_start_us(state, mtime), 9 * kS);
    assert_int_equal(links_expire_at_s(state, 7), 9 + 7 * 24 * 3600);
    // No readable marker: the marker file's time.
    assert_int_equal(retention_start_us(std::nullopt, mtime), mtime);
}

void space_verdicts(void**) {
    const std::int64_t tracks = 100 * kMiB;
    assert_int_equal(finalize_needs_bytes(tracks), 2 * tracks + 16 * kMiB);
    assert_true(too_little_to_start(tracks, tracks));                 // the tools' work files need more
    assert_false(too_little_to_start(tracks + 16 * kMiB, tracks));
    assert_false(too_little_to_start(-1, tracks));                    // unknown: try
    assert_true(short_of_space(10, 11));
    assert_false(short_of_space(11, 11));
    assert_false(short_of_space(-1, 11));
    assert_string_equal(write_failure_reason(kMiB - 1), "disk_full");
    assert_string_equal(write_failure_reason(kMiB), "write_error");
    assert_string_equal(write_failure_reason(-1), "write_error");
    assert_string_equal(seconds_text(12'345'678).c_str(), "12.3");
    assert_string_equal(seconds_text(0).c_str(), "0.0");
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(track_files_are_named_by_span_track_and_kind),
        cmocka_unit_test(recording_json_places_spans_one_after_another),
        cmocka_unit_test(a_late_finish_says_why_and_after_how_many_attempts),
        cmocka_unit_test(the_consent_log_comes_from_the_marker_or_an_older_consent_file),
        cmocka_unit_test(spans_end_where_the_writing_stopped),
        cmocka_unit_test(retention_counts_from_the_finish_or_the_session_end),
        cmocka_unit_test(space_verdicts),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
