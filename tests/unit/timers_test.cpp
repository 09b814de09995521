// Timers driven by a ManualClock and service.tick(): a room ends at
// expires_at, idle_end_s after its moderator left (unless they return), lobby
// members are sent away after lobby_timeout_s, and a tombstone that could not
// be written is retried on tick while the room is refused in memory.
#include "core/credentials.hpp"
#include "support/scenario.hpp"

using namespace counsel;
using namespace counsel::testing;

namespace {

LedgerState state_of(Harness& h, const Session& s) { return h.ledger.state(room_digest(s.room)); }

void assert_ended_for(Harness& h, std::initializer_list<HandleId> handles, const char* reason) {
    for (HandleId handle : handles) {
        Json ended = h.gateway.last(handle, "ended");
        if (!ended) std::fprintf(stderr, "handle %llu got no ended\n", static_cast<unsigned long long>(handle));
        assert_non_null(ended.get());
        assert_string_equal(str(ended, "reason").c_str(), reason);
        assert_int_equal(h.gateway.count(handle, "ended"), 1);
        assert_int_equal(closed_count(h.gateway, handle), 1);
    }
}

// The moderator, Anna admitted, Bert in the lobby.
struct Fixture {
    Harness h;
    Session s;
    Fixture(const std::string& extra = ",\"duration_s\":600") : s(make_session(h, {"Client A", "Client B", "Client C"}, extra)) {
        join_as_moderator(h, s);
        anna = knock_and_admit(h, kGuestA, s.room, s.tokens[0], "Anna");
        bert = knock(h, kGuestB, s.room, s.tokens[1], "Bert");
    }
    std::uint64_t anna = 0, bert = 0;
    // Moves the clock to `unix_s` (plus `extra_ms`) and ticks.
    void tick_at(std::int64_t unix_s, std::int64_t extra_ms = 0) {
        h.clock.mono_ms = (unix_s - h.clock.unix_base) * 1000 + extra_ms;
        h.service.tick();
    }
};

void the_room_ends_at_expires_at_for_everyone(void**) {
    Fixture f;
    assert_int_equal(f.s.expires_at, f.h.clock.unix_s() + 600);
    f.tick_at(f.s.expires_at, -1);
    assert_int_equal(f.h.service.stats().rooms, 1);
    assert_int_equal(f.h.gateway.count(kModerator, "ended"), 0);
    f.tick_at(f.s.expires_at);
    assert_ended_for(f.h, {kModerator, kGuestA, kGuestB}, "expired");
    assert_int_equal(f.h.service.stats().rooms, 0);
    assert_int_equal(static_cast<int>(state_of(f.h, f.s)), static_cast<int>(LedgerState::Tombstoned));
    Json event = last_notified(f.h.gateway, "ended");
    assert_string_equal(str(event, "reason").c_str(), "expired");
    expect_error(f.h.join(kGuestA, f.s.room, f.s.tokens[0], "Anna"), 483);
    expect_error(f.h.join(kModerator, f.s.room, f.s.moderator_token, "M"), 483);
    // The handles are free again (not stuck in a dead room).
    assert_string_equal(str(f.h.service.describe_handle(kGuestB), "state").c_str(), "idle");
}

void a_later_start_expires_later(void**) {
    Harness h;
    const std::int64_t starts = h.clock.unix_s() + 3600;
    Session s = make_session(h, {"A"}, ",\"starts_at\":" + std::to_string(starts) + ",\"duration_s\":600");
    assert_int_equal(s.expires_at, starts + 600);
    h.clock.mono_ms = (starts + 599 - h.clock.unix_base) * 1000;
    h.service.tick();
    assert_int_equal(h.service.stats().rooms, 1);
    knock(h, kGuestA, s.room, s.tokens[0], "Anna");
    h.clock.advance_ms(1000);
    h.service.tick();
    assert_int_equal(h.service.stats().rooms, 0);
    assert_ended_for(h, {kGuestA}, "expired");
}

// Wall time in ms as the fake clock shows it, and the tick at a wall time in ms.
std::int64_t wall_ms(const Harness& h) { return h.clock.unix_ms(); }
void tick_at_wall_ms(Harness& h, std::int64_t ms) {
    h.clock.mono_ms = ms - h.clock.unix_base * 1000;
    h.service.tick();
}

// The clock is read mid-second (…700 ms) when the room is created: the room
// still ends at expires_at to the millisecond, not 700 ms early or late.
void a_room_created_mid_second_ends_exactly_at_expires_at(void**) {
    Harness h;
    h.clock.advance_ms(700);
    Session s = make_session(h, {"A"}, ",\"starts_at\":" + std::to_string(h.clock.unix_s() - 10) + ",\"duration_s\":60");
    tick_at_wall_ms(h, s.expires_at * 1000 - 1);
    assert_int_equal(h.service.stats().rooms, 1);
    tick_at_wall_ms(h, s.expires_at * 1000);
    assert_int_equal(h.service.stats().rooms, 0);
}

// Creating a room can take long (Argon2id on the practitioner key, the
// ledger's fsync): the deadline is taken after that work, so a slow create
// never makes the room end before expires_at. (CI once saw ended(expired)
// arrive before expires_at.)
void a_slow_create_does_not_end_the_room_early(void**) {
    Harness h;
    h.ledger.on_open = [&h] { h.clock.advance_ms(1'500); };
    const std::int64_t before_ms = wall_ms(h);
    Session s = make_session(h, {"A"}, ",\"starts_at\":" + std::to_string(h.clock.unix_s() - 10) + ",\"duration_s\":60");
    assert_true(wall_ms(h) - before_ms >= 1'500);
    tick_at_wall_ms(h, s.expires_at * 1000 - 1);
    assert_int_equal(h.service.stats().rooms, 1);
    tick_at_wall_ms(h, s.expires_at * 1000);
    assert_int_equal(h.service.stats().rooms, 0);
}

void the_room_ends_idle_end_s_after_the_moderator_left(void**) {
    Fixture f(",\"duration_s\":3600");  // idle_end_s is 120
    f.h.service.detach(kModerator);
    const std::int64_t left = f.h.clock.mono_ms;
    f.h.clock.mono_ms = left + 120'000 - 1;
    f.h.service.tick();
    assert_int_equal(f.h.service.stats().rooms, 1);
    f.h.clock.mono_ms = left + 120'000;
    f.h.service.tick();
    assert_ended_for(f.h, {kGuestA, kGuestB}, "idle");
    assert_int_equal(f.h.gateway.count(kModerator, "ended"), 0);  // detached, nobody to tell
    assert_int_equal(f.h.service.stats().rooms, 0);
    assert_int_equal(static_cast<int>(state_of(f.h, f.s)), static_cast<int>(LedgerState::Tombstoned));
    expect_error(f.h.join(kModerator, f.s.room, f.s.moderator_token, "M"), 483);
}

void leave_starts_the_idle_timer_too(void**) {
    Fixture f(",\"duration_s\":3600");
    expect_kind(f.h.request(kModerator, "{\"request\":\"leave\"}"), "left");
    f.h.clock.advance_ms(120'000);
    f.h.service.tick();
    assert_ended_for(f.h, {kGuestA, kGuestB}, "idle");
    assert_int_equal(f.h.gateway.count(kModerator, "ended"), 0);
}

void a_returning_moderator_cancels_the_idle_end(void**) {
    Fixture f(",\"duration_s\":3600");
    f.h.service.detach(kModerator);
    f.h.clock.advance_ms(60'000);
    f.h.service.tick();
    join_as_moderator(f.h, f.s, kGuestE);  // back, on a new handle
    f.h.clock.advance_ms(600'000);
    f.h.service.tick();
    assert_int_equal(f.h.service.stats().rooms, 1);
    assert_int_equal(f.h.gateway.count(kGuestA, "ended"), 0);
    // Leaving again starts a fresh idle period from then on.
    f.h.service.detach(kGuestE);
    f.h.clock.advance_ms(119'999);
    f.h.service.tick();
    assert_int_equal(f.h.service.stats().rooms, 1);
    f.h.clock.advance_ms(1);
    f.h.service.tick();
    assert_ended_for(f.h, {kGuestA}, "idle");
}

void a_room_without_a_moderator_yet_is_not_idle(void**) {
    Harness h;
    Session s = make_session(h, {"A"}, ",\"duration_s\":3600");
    knock(h, kGuestA, s.room, s.tokens[0], "Anna");
    for (int i = 0; i < 30; ++i) {
        h.clock.advance_ms(10'000);
        h.service.tick();
    }
    assert_int_equal(h.service.stats().rooms, 1);
    assert_int_equal(h.gateway.count(kGuestA, "ended"), 0);
}

void a_lobby_member_times_out(void**) {
    Fixture f(",\"duration_s\":7200");  // lobby_timeout_s is 600
    const std::int64_t bert_since = f.h.clock.mono_ms;
    f.h.clock.advance_ms(200'000);
    const std::uint64_t carl = knock(f.h, kGuestC, f.s.room, f.s.tokens[2], "Carl");
    f.h.clock.mono_ms = bert_since + 600'000 - 1;
    f.h.service.tick();
    assert_int_equal(f.h.gateway.count(kGuestB, "timeout"), 0);
    assert_int_equal(f.h.service.stats().lobby, 2);

    f.h.clock.mono_ms = bert_since + 600'000;
    f.h.service.tick();
    assert_int_equal(f.h.gateway.count(kGuestB, "timeout"), 1);
    assert_int_equal(closed_count(f.h.gateway, kGuestB), 1);
    assert_int_equal(f.h.service.stats().lobby, 1);
    // The moderator's lobby now lists Carl only; Carl and Anna are untouched.
    Json lobby = f.h.gateway.last(kModerator, "lobby");
    assert_int_equal(size_of(lobby, "waiting"), 1);
    assert_false(has_id(ids_in(lobby, "waiting"), f.bert));
    assert_true(has_id(ids_in(lobby, "waiting"), carl));
    assert_int_equal(f.h.gateway.count(kGuestC, "timeout"), 0);
    assert_int_equal(f.h.gateway.count(kGuestA, "timeout"), 0);
    assert_int_equal(f.h.service.stats().admitted, 2);
    // The id is gone, the room goes on, and Bert may knock again.
    expect_error(target(f.h, kModerator, "admit", f.bert), 481);
    assert_int_equal(f.h.gateway.count(kGuestB, "ended"), 0);
    knock(f.h, kGuestB, f.s.room, f.s.tokens[1], "Bert");

    // Carl times out 200 s later; admitted people never do.
    f.h.clock.mono_ms = bert_since + 800'000;
    f.h.service.tick();
    assert_int_equal(f.h.gateway.count(kGuestC, "timeout"), 1);
    f.h.clock.advance_ms(3'000'000);
    f.h.service.tick();
    assert_int_equal(f.h.gateway.count(kGuestA, "timeout"), 0);
    assert_int_equal(f.h.service.stats().admitted, 2);
}

void a_failed_tombstone_still_ends_the_room_and_is_retried(void**) {
    Fixture f;
    f.h.ledger.fail_writes = true;
    Json ended = f.h.request(kModerator, "{\"request\":\"end\"}");
    expect_kind(ended, "ended");
    assert_string_equal(str(ended, "reason").c_str(), "moderator");
    assert_ended_for(f.h, {kGuestA, kGuestB}, "moderator");
    assert_int_equal(f.h.service.stats().rooms, 0);
    assert_int_equal(static_cast<int>(state_of(f.h, f.s)), static_cast<int>(LedgerState::Live));
    // Refused in memory although the ledger does not know yet.
    expect_error(f.h.join(kGuestA, f.s.room, f.s.tokens[0], "Anna"), 483);
    expect_error(f.h.join(kModerator, f.s.room, f.s.moderator_token, "M"), 483);
    expect_error(f.h.join(kGuestC, f.s.room, f.s.tokens[2], "Carl"), 483);
    // Ticks retry while the store fails...
    for (int i = 0; i < 3; ++i) {
        f.h.clock.advance_ms(250);
        f.h.service.tick();
        assert_int_equal(static_cast<int>(state_of(f.h, f.s)), static_cast<int>(LedgerState::Live));
    }
    // ...and succeed once it works again.
    f.h.ledger.fail_writes = false;
    f.h.clock.advance_ms(250);
    f.h.service.tick();
    assert_int_equal(static_cast<int>(state_of(f.h, f.s)), static_cast<int>(LedgerState::Tombstoned));
    expect_error(f.h.join(kGuestA, f.s.room, f.s.tokens[0], "Anna"), 483);
    // The error log line names the room by its reference only.
    const std::string text = notified_and_logged(f.h.gateway);
    assert_false(contains(text, f.s.room));
    assert_false(contains(text, "Anna"));
}

void an_expiry_with_a_failing_store_is_retried_too(void**) {
    Fixture f;
    f.h.ledger.fail_writes = true;
    f.tick_at(f.s.expires_at);
    assert_ended_for(f.h, {kModerator, kGuestA, kGuestB}, "expired");
    assert_int_equal(f.h.service.stats().rooms, 0);
    expect_error(f.h.join(kGuestA, f.s.room, f.s.tokens[0], "Anna"), 483);
    f.h.ledger.fail_writes = false;
    f.h.service.tick();
    assert_int_equal(static_cast<int>(state_of(f.h, f.s)), static_cast<int>(LedgerState::Tombstoned));
    // Nothing else happens on later ticks: each person was told once.
    f.h.clock.advance_ms(1'000'000);
    f.h.service.tick();
    assert_int_equal(f.h.gateway.count(kGuestA, "ended"), 1);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_room_ends_at_expires_at_for_everyone),
        cmocka_unit_test(a_later_start_expires_later),
        cmocka_unit_test(a_room_created_mid_second_ends_exactly_at_expires_at),
        cmocka_unit_test(a_slow_create_does_not_end_the_room_early),
        cmocka_unit_test(the_room_ends_idle_end_s_after_the_moderator_left),
        cmocka_unit_test(leave_starts_the_idle_timer_too),
        cmocka_unit_test(a_returning_moderator_cancels_the_idle_end),
        cmocka_unit_test(a_room_without_a_moderator_yet_is_not_idle),
        cmocka_unit_test(a_lobby_member_times_out),
        cmocka_unit_test(a_failed_tombstone_still_ends_the_room_and_is_retried),
        cmocka_unit_test(an_expiry_with_a_failing_store_is_retried_too),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
