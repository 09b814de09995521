// Recording through the service: who may ask, who must answer, what the
// recorder is told, and what everyone sees.
#include "support/scenario.hpp"

using namespace counsel;
using namespace counsel::testing;

namespace {

const std::string kRecordingRoom = ",\"recording\":\"with_consent\"";

struct Recorded {
    Harness h;
    Session s;
    std::uint64_t moderator = 0, anna = 0;
    std::string ref;
};

void open_recording_room(Recorded& r) {
    r.s = make_session(r.h, {"Anna", "Ben"}, kRecordingRoom);
    r.moderator = join_as_moderator(r.h, r.s);
    r.anna = knock_and_admit(r.h, kGuestA, r.s.room, r.s.tokens[0], "Anna");
}

Json record(Harness& h, HandleId from, const char* action) {
    return h.request(from, std::string("{\"request\":\"record\",\"action\":\"") + action + "\"}");
}

Json consent(Harness& h, HandleId from, bool yes) {
    return h.request(from, std::string("{\"request\":\"consent\",\"recording\":") + (yes ? "true" : "false") + "}");
}

bool called(const FakeRecorder& rec, const std::string& prefix) {
    for (const auto& c : rec.calls)
        if (c.rfind(prefix, 0) == 0) return true;
    return false;
}

void e2ee_and_plain_rooms_refuse_to_record(void**) {
    Harness h;
    Session e2ee = make_session(h, {"A"});
    join_as_moderator(h, e2ee);
    expect_error(record(h, kModerator, "request"), 488);
    Harness h2;
    Session plain = make_session(h2, {"A"}, ",\"e2ee\":false");
    join_as_moderator(h2, plain);
    expect_error(record(h2, kModerator, "request"), 487);
    assert_true(h.recorder.calls.empty());
    assert_true(h2.recorder.calls.empty());
}

void only_the_moderator_asks_and_only_admitted_people_answer(void**) {
    Recorded r;
    open_recording_room(r);
    expect_error(record(r.h, kGuestA, "request"), 487);
    knock(r.h, kGuestB, r.s.room, r.s.tokens[1], "Ben");
    expect_error(consent(r.h, kGuestB, true), 487);  // lobby
    expect_error(consent(r.h, kGuestA, true), 487);  // nobody asked yet
}

void nothing_is_written_before_everyone_said_yes(void**) {
    Recorded r;
    open_recording_room(r);
    expect_kind(record(r.h, kModerator, "request"), "ok");
    assert_non_null(r.h.gateway.last(kGuestA, "consent_request").get());
    assert_non_null(r.h.gateway.last(kModerator, "consent_request").get());
    Json yes = consent(r.h, kGuestA, true);
    expect_kind(yes, "ok");
    assert_true(contains(str(yes, "download"), "/rec/"));
    assert_int_equal(json_integer_value(yes.field("retention_days")), 7);
    assert_false(called(r.h.recorder, "start"));
    expect_kind(consent(r.h, kModerator, true), "ok");
    assert_true(called(r.h.recorder, "start"));
    assert_string_equal(str(r.h.gateway.last(kGuestA, "recording"), "state").c_str(), "recording");
}

void a_no_stops_at_once_and_deletes(void**) {
    Recorded r;
    open_recording_room(r);
    record(r.h, kModerator, "request");
    consent(r.h, kGuestA, true);
    consent(r.h, kModerator, true);
    r.h.recorder.calls.clear();
    expect_kind(consent(r.h, kGuestA, false), "ok");
    assert_true(called(r.h.recorder, "end"));
    assert_true(called(r.h.recorder, "discard"));
    assert_string_equal(str(r.h.gateway.last(kModerator, "recording"), "state").c_str(), "aborted");
    // Ending now finalizes nothing.
    r.h.recorder.calls.clear();
    r.h.request(kModerator, "{\"request\":\"end\"}");
    assert_false(called(r.h.recorder, "finalize"));
}

void a_newcomer_pauses_the_recording_until_they_agree(void**) {
    Recorded r;
    open_recording_room(r);
    record(r.h, kModerator, "request");
    consent(r.h, kGuestA, true);
    consent(r.h, kModerator, true);
    r.h.recorder.calls.clear();
    const std::uint64_t ben = knock(r.h, kGuestB, r.s.room, r.s.tokens[1], "Ben");
    assert_true(r.h.recorder.calls.empty());  // the lobby changes nothing
    expect_kind(target(r.h, kModerator, "admit", ben), "ok");
    assert_true(called(r.h.recorder, "end"));
    assert_non_null(r.h.gateway.last(kGuestB, "consent_request").get());
    assert_string_equal(str(r.h.gateway.last(kGuestA, "recording"), "state").c_str(), "paused");
    expect_kind(consent(r.h, kGuestB, true), "ok");
    assert_string_equal(str(r.h.gateway.last(kGuestB, "recording"), "state").c_str(), "recording");
}

void end_finalizes_consented_media_with_a_nameless_log(void**) {
    Recorded r;
    open_recording_room(r);
    record(r.h, kModerator, "request");
    consent(r.h, kGuestA, true);
    consent(r.h, kModerator, true);
    r.h.request(kModerator, "{\"request\":\"end\"}");
    assert_true(called(r.h.recorder, "finalize"));
    const std::string meta = r.h.recorder.finalized_metadata.dump();
    assert_true(contains(meta, "\"start\""));
    assert_false(contains(meta, "Anna"));
    assert_false(contains(meta, "Dr. M"));
}

void end_while_only_asking_discards(void**) {
    Recorded r;
    open_recording_room(r);
    record(r.h, kModerator, "request");
    consent(r.h, kGuestA, true);
    r.h.request(kModerator, "{\"request\":\"end\"}");
    assert_false(called(r.h.recorder, "finalize"));
    assert_true(called(r.h.recorder, "discard"));
}

void consent_requests_are_malformed_without_a_boolean(void**) {
    Recorded r;
    open_recording_room(r);
    expect_error(r.h.request(kGuestA, "{\"request\":\"consent\"}"), 480);
    expect_error(r.h.request(kGuestA, "{\"request\":\"consent\",\"recording\":\"yes\"}"), 480);
    expect_error(r.h.request(kModerator, "{\"request\":\"record\",\"action\":\"start\"}"), 481);
    expect_error(r.h.request(kModerator, "{\"request\":\"record\"}"), 480);
    expect_error(record(r.h, kModerator, "stop"), 487);  // nothing runs
}

// The room's ref, as the recorder was told it when the span started.
std::string started_ref(const FakeRecorder& rec) {
    for (const auto& c : rec.calls)
        if (c.rfind("start ", 0) == 0) return c.substr(6, c.find(' ', 6) - 6);
    return {};
}

void recording_everyone(Recorded& r) {
    open_recording_room(r);
    record(r.h, kModerator, "request");
    consent(r.h, kGuestA, true);
    consent(r.h, kModerator, true);
    r.ref = started_ref(r.h.recorder);
    assert_false(r.ref.empty());
}

void a_write_failure_ends_the_span_and_everyone_sees_failed(void**) {
    Recorded r;
    recording_everyone(r);
    r.h.recorder.calls.clear();
    // The RTP path flagged it; the room thread acts at its next tick.
    r.h.recorder.failures.push_back(RecordingFailure{r.ref, "disk_full"});
    r.h.service.tick();
    assert_true(called(r.h.recorder, "end " + r.ref));
    assert_false(called(r.h.recorder, "discard"));
    for (HandleId who : {kModerator, kGuestA}) {
        Json indicator = r.h.gateway.last(who, "recording");
        assert_string_equal(str(indicator, "state").c_str(), "failed");
        assert_string_equal(str(indicator, "reason").c_str(), "disk_full");
    }
    Json event = last_notified(r.h.gateway, "recording");
    assert_true(contains(event.dump(), "\"failed\""));
    assert_true(contains(event.dump(), "disk_full"));
    // Told once: the next tick changes nothing.
    const std::size_t events = r.h.gateway.to(kGuestA).size();
    r.h.service.tick();
    assert_int_equal(r.h.gateway.to(kGuestA).size(), events);
    // A repeated yes changes nothing; the moderator may ask again (e.g. once
    // the operator made room), and what was written stays for the end.
    expect_kind(consent(r.h, kGuestA, true), "ok");
    assert_string_equal(str(r.h.gateway.last(kGuestA, "recording"), "state").c_str(), "failed");
    expect_error(record(r.h, kModerator, "stop"), 487);
    r.h.request(kModerator, "{\"request\":\"end\"}");
    assert_true(called(r.h.recorder, "finalize " + r.ref));
    assert_true(contains(r.h.recorder.finalized_metadata.dump(), "\"failed\""));
}

void after_a_write_failure_a_no_still_deletes_and_a_new_request_is_allowed(void**) {
    Recorded r;
    recording_everyone(r);
    r.h.recorder.failures.push_back(RecordingFailure{r.ref, "write_error"});
    r.h.service.tick();
    assert_string_equal(str(r.h.gateway.last(kGuestA, "recording"), "reason").c_str(), "write_error");
    expect_kind(record(r.h, kModerator, "request"), "ok");
    assert_string_equal(str(r.h.gateway.last(kGuestA, "recording"), "state").c_str(), "awaiting_consent");
    assert_false(r.h.gateway.last(kGuestA, "recording").field("reason"));
    expect_kind(consent(r.h, kGuestA, false), "ok");
    assert_true(called(r.h.recorder, "discard " + r.ref));
}

void a_failure_after_the_span_ended_changes_nothing(void**) {
    Recorded r;
    recording_everyone(r);
    expect_kind(record(r.h, kModerator, "stop"), "ok");
    const std::size_t events = r.h.gateway.to(kGuestA).size();
    r.h.recorder.failures.push_back(RecordingFailure{r.ref, "disk_full"});
    r.h.recorder.failures.push_back(RecordingFailure{"ffffffffffffffff", "disk_full"});  // no such room
    r.h.service.tick();
    assert_int_equal(r.h.gateway.to(kGuestA).size(), events);
    assert_string_equal(str(r.h.gateway.last(kGuestA, "recording"), "state").c_str(), "stopped");
}

void the_consent_log_reaches_the_recorder_as_it_grows(void**) {
    Recorded r;
    recording_everyone(r);
    // request, yes, yes (with start): each change handed over, the log only growing.
    std::vector<std::size_t> sizes;
    for (const Json& m : r.h.recorder.logged) sizes.push_back(json_array_size(m.field("consent_log")));
    assert_true(sizes.size() >= 3);
    for (std::size_t i = 1; i < sizes.size(); ++i) assert_true(sizes[i] >= sizes[i - 1]);
    const std::string last = r.h.recorder.logged.back().dump();
    assert_true(contains(last, "\"start\""));
    assert_false(contains(last, "Anna"));
    // A repeated yes is not logged again.
    const std::size_t before = sizes.back();
    consent(r.h, kGuestA, true);
    assert_int_equal(json_array_size(r.h.recorder.logged.back().field("consent_log")), before);
    // A veto hands nothing over: the recording and its log are deleted.
    const std::size_t handed = r.h.recorder.logged.size();
    consent(r.h, kGuestA, false);
    assert_int_equal(r.h.recorder.logged.size(), handed);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(e2ee_and_plain_rooms_refuse_to_record),
        cmocka_unit_test(only_the_moderator_asks_and_only_admitted_people_answer),
        cmocka_unit_test(nothing_is_written_before_everyone_said_yes),
        cmocka_unit_test(a_no_stops_at_once_and_deletes),
        cmocka_unit_test(a_newcomer_pauses_the_recording_until_they_agree),
        cmocka_unit_test(end_finalizes_consented_media_with_a_nameless_log),
        cmocka_unit_test(end_while_only_asking_discards),
        cmocka_unit_test(consent_requests_are_malformed_without_a_boolean),
        cmocka_unit_test(a_write_failure_ends_the_span_and_everyone_sees_failed),
        cmocka_unit_test(after_a_write_failure_a_no_still_deletes_and_a_new_request_is_allowed),
        cmocka_unit_test(a_failure_after_the_span_ended_changes_nothing),
        cmocka_unit_test(the_consent_log_reaches_the_recorder_as_it_grows),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
