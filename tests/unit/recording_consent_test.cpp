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
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
