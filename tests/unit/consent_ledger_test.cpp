// The consent rule on its own: nothing is written unless everyone admitted
// said yes, right now; one "no" vetoes the whole recording.
#include "core/consent_ledger.hpp"
#include "cmocka_cpp.hpp"

using namespace counsel;

namespace {

void starts_only_when_everyone_said_yes(void**) {
    ConsentLedger l;
    assert_true(l.request({1, 2, 3}, 0));
    assert_int_equal(static_cast<int>(l.state()), static_cast<int>(RecordingState::Awaiting));
    assert_true(l.answer(1, true, 1));
    assert_true(l.answer(2, true, 2));
    assert_false(l.writing());
    assert_int_equal(l.pending().size(), 1);
    assert_true(l.answer(3, true, 3));
    assert_true(l.writing());
    assert_true(l.has_consented_media());
}

void one_no_vetoes_everything_even_after_a_span(void**) {
    ConsentLedger l;
    l.request({1, 2}, 0);
    l.answer(1, true, 1);
    l.answer(2, true, 2);
    assert_true(l.writing());
    assert_true(l.answer(2, false, 3));
    assert_false(l.writing());
    assert_int_equal(static_cast<int>(l.state()), static_cast<int>(RecordingState::Aborted));
    assert_false(l.has_consented_media());
    // A new request starts a fresh recording with a fresh log.
    assert_true(l.request({1, 2}, 4));
    assert_string_equal(l.log().front().event.c_str(), "request");
}

void a_newcomer_pauses_until_they_agree(void**) {
    ConsentLedger l;
    l.request({1}, 0);
    l.answer(1, true, 1);
    assert_true(l.writing());
    l.admitted(2, 2);
    assert_int_equal(static_cast<int>(l.state()), static_cast<int>(RecordingState::Paused));
    assert_false(l.writing());
    l.answer(2, true, 3);
    assert_true(l.writing());
}

void the_pending_person_leaving_resumes(void**) {
    ConsentLedger l;
    l.request({1}, 0);
    l.answer(1, true, 1);
    l.admitted(2, 2);
    assert_false(l.writing());
    l.left(2, 3);
    assert_true(l.writing());
}

void stop_keeps_what_was_consented_and_a_late_no_still_vetoes(void**) {
    ConsentLedger l;
    l.request({1, 2}, 0);
    l.answer(1, true, 1);
    l.answer(2, true, 2);
    assert_true(l.stop(3));
    assert_int_equal(static_cast<int>(l.state()), static_cast<int>(RecordingState::Stopped));
    assert_true(l.has_consented_media());
    assert_false(l.stop(4));
    assert_true(l.answer(1, false, 5));
    assert_false(l.has_consented_media());
}

void stop_before_anything_was_written_is_idle(void**) {
    ConsentLedger l;
    l.request({1, 2}, 0);
    l.answer(1, true, 1);
    assert_true(l.stop(2));
    assert_int_equal(static_cast<int>(l.state()), static_cast<int>(RecordingState::Idle));
    assert_false(l.has_consented_media());
}

void answers_nobody_asked_for_are_refused(void**) {
    ConsentLedger l;
    assert_false(l.answer(1, true, 0));
    l.request({1}, 0);
    assert_false(l.answer(9, true, 1));  // not in the circle
    assert_false(l.request({1}, 2));     // already asking
}

void the_log_holds_ids_and_times_only(void**) {
    ConsentLedger l;
    l.request({7, 8}, 100);
    l.answer(7, true, 200);
    l.answer(8, true, 300);
    l.stop(400);
    const char* expected[] = {"request", "yes", "yes", "start", "stop"};
    assert_int_equal(l.log().size(), 5);
    for (std::size_t i = 0; i < 5; ++i) assert_string_equal(l.log()[i].event.c_str(), expected[i]);
    assert_int_equal(l.log()[1].participant, 7);
    assert_int_equal(l.log()[3].at_unix_ms, 300);
}

void a_write_failure_keeps_what_was_consented(void**) {
    ConsentLedger l;
    assert_false(l.write_failed("disk_full", 0));  // nothing runs
    l.request({1, 2}, 0);
    assert_false(l.write_failed("disk_full", 1));  // only asking: nothing written yet
    l.answer(1, true, 1);
    l.answer(2, true, 2);
    assert_true(l.write_failed("disk_full", 3));
    assert_int_equal(static_cast<int>(l.state()), static_cast<int>(RecordingState::Failed));
    assert_string_equal(recording_state_name(l.state()), "failed");
    assert_string_equal(l.failure().c_str(), "disk_full");
    assert_false(l.writing());
    assert_true(l.has_consented_media());
    assert_false(l.write_failed("disk_full", 4));  // once
    assert_false(l.stop(4));               // nothing runs
    l.admitted(3, 5);                      // no effect: nobody is asked
    assert_int_equal(l.pending().size(), 0);
    assert_string_equal(l.log().back().event.c_str(), "failed");
    // A new request clears the failure; the log goes on (it proves the first span too).
    assert_true(l.request({1, 2}, 6));
    assert_true(l.failure().empty());
    assert_string_equal(l.log().back().event.c_str(), "request");
    assert_true(l.log().size() > 5);
}

void a_paused_recording_can_fail_and_a_late_no_still_vetoes(void**) {
    ConsentLedger l;
    l.request({1}, 0);
    l.answer(1, true, 1);
    l.admitted(2, 2);
    assert_int_equal(static_cast<int>(l.state()), static_cast<int>(RecordingState::Paused));
    assert_true(l.write_failed("write_error", 3));
    assert_true(l.answer(2, true, 4));  // a late yes changes nothing
    assert_int_equal(static_cast<int>(l.state()), static_cast<int>(RecordingState::Failed));
    assert_true(l.answer(1, false, 5));
    assert_int_equal(static_cast<int>(l.state()), static_cast<int>(RecordingState::Aborted));
    assert_false(l.has_consented_media());
}

void a_repeated_yes_is_logged_once(void**) {
    ConsentLedger l;
    l.request({1, 2}, 0);
    for (int i = 0; i < 100; ++i) assert_true(l.answer(1, true, 1 + i));
    assert_int_equal(l.log().size(), 2);  // request, yes
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(starts_only_when_everyone_said_yes),
        cmocka_unit_test(one_no_vetoes_everything_even_after_a_span),
        cmocka_unit_test(a_newcomer_pauses_until_they_agree),
        cmocka_unit_test(the_pending_person_leaving_resumes),
        cmocka_unit_test(stop_keeps_what_was_consented_and_a_late_no_still_vetoes),
        cmocka_unit_test(stop_before_anything_was_written_is_idle),
        cmocka_unit_test(answers_nobody_asked_for_are_refused),
        cmocka_unit_test(the_log_holds_ids_and_times_only),
        cmocka_unit_test(a_write_failure_keeps_what_was_consented),
        cmocka_unit_test(a_paused_recording_can_fail_and_a_late_no_still_vetoes),
        cmocka_unit_test(a_repeated_yes_is_logged_once),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
