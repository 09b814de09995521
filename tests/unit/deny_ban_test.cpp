// deny "not now" and "not at all" (`ban`), and deny_password: every password
// knocker at once, with `ban` closing the room password for the session.
// Personal links are never held up by password knockers.
#include "support/scenario.hpp"

using namespace counsel;
using namespace counsel::testing;

namespace {

// A password room with two invitees and the moderator seated.
struct Fixture {
    Harness h;
    Session s;
    Fixture() : s(make_session(h, {"Client A", "Client B"}, ",\"password\":true")) { join_as_moderator(h, s); }
    std::uint64_t password_knock(HandleId handle, const std::string& display) {
        Json waiting = join_password(h, handle, s.room, s.password, display);
        expect_kind(waiting, "waiting");
        return h.id_of(waiting);
    }
    Json deny(std::uint64_t id, const char* ban) {
        return h.request(kModerator, "{\"request\":\"deny\",\"id\":" + std::to_string(id) + ",\"ban\":" + ban + "}");
    }
    Json deny_password(const char* ban) {
        return h.request(kModerator, std::string("{\"request\":\"deny_password\",\"ban\":") + ban + "}");
    }
};

void deny_not_now_lets_the_person_knock_again(void**) {
    Fixture f;
    const std::uint64_t anna = knock(f.h, kGuestA, f.s.room, f.s.tokens[0], "Anna");
    Json ok = f.deny(anna, "false");
    expect_kind(ok, "ok");
    assert_false(json_is_true(ok.field("ban")));
    assert_null(ok.field("banned"));
    Json denied = f.h.gateway.last(kGuestA, "denied");
    assert_true(json_is_false(denied.field("final")));
    assert_int_equal(closed_count(f.h.gateway, kGuestA), 1);
    // The same link, from the same connection or another one.
    knock(f.h, kGuestA, f.s.room, f.s.tokens[0], "Anna");
    // Without `ban` at all: the same as false.
    const std::uint64_t again = f.h.id_of(f.h.gateway.last(kGuestA, "waiting"));
    expect_kind(target(f.h, kModerator, "deny", again), "ok");
    assert_true(json_is_false(f.h.gateway.last(kGuestA, "denied").field("final")));
    knock(f.h, kGuestE, f.s.room, f.s.tokens[0], "Anna");
}

void deny_with_ban_burns_a_personal_link(void**) {
    Fixture f;
    const std::uint64_t anna = knock(f.h, kGuestA, f.s.room, f.s.tokens[0], "Anna");
    Json ok = f.deny(anna, "true");
    expect_kind(ok, "ok");
    assert_int_equal(ok.integer_at("id").value_or(0), anna);
    assert_true(json_is_true(ok.field("ban")));
    assert_string_equal(str(ok, "banned").c_str(), "link");
    assert_true(json_is_true(f.h.gateway.last(kGuestA, "denied").field("final")));
    assert_int_equal(f.h.service.stats().lobby, 0);
    assert_int_equal(size_of(f.h.gateway.last(kModerator, "lobby"), "waiting"), 0);
    // The link cannot knock again, from any connection; like any wrong credential.
    expect_error(f.h.join(kGuestA, f.s.room, f.s.tokens[0], "Anna"), 482);
    expect_error(f.h.join(kGuestE, f.s.room, f.s.tokens[0], "Anna"), 482);
    // The other link and the password are untouched.
    knock(f.h, kGuestB, f.s.room, f.s.tokens[1], "Bert");
    f.password_knock(kGuestC, "Paula");
    // Nothing about the person reached a log line or an event.
    assert_false(contains(notified_and_logged(f.h.gateway), "Anna"));
}

void deny_with_ban_bans_a_password_knockers_connection(void**) {
    Fixture f;
    const std::uint64_t paula = f.password_knock(kGuestC, "Paula");
    Json ok = f.deny(paula, "true");
    assert_string_equal(str(ok, "banned").c_str(), "connection");
    assert_true(json_is_true(f.h.gateway.last(kGuestC, "denied").field("final")));
    // That connection cannot knock again, with the password or a link.
    expect_error(join_password(f.h, kGuestC, f.s.room, f.s.password, "Paula"), 482);
    expect_error(f.h.join(kGuestC, f.s.room, f.s.tokens[0], "Paula"), 482);
    // The password itself still works (deny_password closes it).
    f.password_knock(kGuestD, "Peter");
}

void deny_password_turns_every_password_knocker_away_at_once(void**) {
    Fixture f;
    const std::uint64_t anna = knock(f.h, kGuestA, f.s.room, f.s.tokens[0], "Anna");
    for (HandleId h : {kGuestC, kGuestD, kGuestE, kStranger}) f.password_knock(h, "P");
    const std::size_t lobby_events = f.h.gateway.count(kModerator, "lobby");
    Json ok = f.deny_password("false");
    expect_kind(ok, "ok");
    assert_string_equal(str(ok, "request").c_str(), "deny_password");
    assert_int_equal(ok.integer_at("denied").value_or(-1), 4);
    assert_false(json_is_true(ok.field("ban")));
    assert_string_equal(str(ok, "password").c_str(), "open");
    for (HandleId h : {kGuestC, kGuestD, kGuestE, kStranger}) {
        assert_int_equal(f.h.gateway.count(h, "denied"), 1);
        assert_true(json_is_false(f.h.gateway.last(h, "denied").field("final")));
        assert_int_equal(closed_count(f.h.gateway, h), 1);
    }
    // One lobby event for the moderator, with only the personal link left in it.
    assert_int_equal(f.h.gateway.count(kModerator, "lobby"), lobby_events + 1);
    Json lobby = f.h.gateway.last(kModerator, "lobby");
    assert_int_equal(size_of(lobby, "waiting"), 1);
    assert_int_equal(item(lobby, "waiting", 0).integer_at("id").value_or(0), anna);
    assert_int_equal(f.h.gateway.count(kGuestA, "denied"), 0);
    // Not now: they may knock again.
    f.password_knock(kGuestC, "P");
    // An empty password lobby: nobody to deny, still ok.
    expect_kind(f.deny_password("false"), "ok");
    assert_int_equal(f.deny_password("false").integer_at("denied").value_or(-1), 0);
}

void deny_password_with_ban_closes_the_password(void**) {
    Fixture f;
    const std::uint64_t pia = f.password_knock(kGuestC, "Pia");
    expect_kind(target(f.h, kModerator, "admit", pia), "ok");  // admitted before: stays
    for (HandleId h : {kGuestD, kGuestE}) f.password_knock(h, "P");
    knock(f.h, kGuestA, f.s.room, f.s.tokens[0], "Anna");
    Json ok = f.deny_password("true");
    assert_int_equal(ok.integer_at("denied").value_or(-1), 2);
    assert_true(json_is_true(ok.field("ban")));
    assert_string_equal(str(ok, "password").c_str(), "closed");
    for (HandleId h : {kGuestD, kGuestE}) assert_true(json_is_true(f.h.gateway.last(h, "denied").field("final")));
    // The password lets nobody in any more, on any connection: a wrong credential (482).
    expect_error(join_password(f.h, kGuestD, f.s.room, f.s.password, "P"), 482);
    expect_error(join_password(f.h, 300, f.s.room, f.s.password, "P"), 482);
    // Whoever was admitted with it stays; personal links work as before.
    assert_int_equal(f.h.service.stats().admitted, 2);
    assert_int_equal(f.h.service.stats().lobby, 1);
    knock(f.h, kGuestB, f.s.room, f.s.tokens[1], "Bert");
    // A moderator coming back sees the password closed.
    expect_kind(f.h.request(kModerator, "{\"request\":\"leave\"}"), "left");
    Json joined = f.h.join(kModerator, f.s.room, f.s.moderator_token, "M");
    assert_string_equal(str(joined, "password").c_str(), "closed");
    // Closing is for good: denying again says so, and nothing reopens it.
    assert_string_equal(str(f.deny_password("false"), "password").c_str(), "closed");
    expect_error(join_password(f.h, 301, f.s.room, f.s.password, "P"), 482);
    assert_false(contains(notified_and_logged(f.h.gateway), f.s.password));
}

void deny_password_needs_a_password_room_and_the_moderator(void**) {
    Harness h;
    Session s = make_session(h, {"Client A"});
    join_as_moderator(h, s);
    Json joined = h.gateway.last(kModerator, "joined");
    assert_null(joined.field("password"));  // no password, no state
    expect_error(h.request(kModerator, "{\"request\":\"deny_password\",\"ban\":true}"), 487);
    Fixture f;
    assert_string_equal(str(f.h.gateway.last(kModerator, "joined"), "password").c_str(), "open");
    const std::uint64_t p = f.password_knock(kGuestC, "P");
    expect_error(f.h.request(kGuestC, "{\"request\":\"deny_password\",\"ban\":true}"), 487);
    expect_error(f.h.request(kModerator, "{\"request\":\"deny_password\"}"), 480);
    expect_error(f.h.request(kModerator, "{\"request\":\"deny_password\",\"ban\":\"yes\"}"), 480);
    expect_error(f.h.request(kModerator, "{\"request\":\"deny_password\",\"ban\":true,\"id\":" + std::to_string(p) + "}"), 480);
    expect_error(f.h.request(kModerator, "{\"request\":\"deny\",\"id\":" + std::to_string(p) + ",\"ban\":1}"), 480);
    expect_error(f.h.request(kModerator, "{\"request\":\"kick\",\"id\":" + std::to_string(p) + ",\"ban\":true}"), 480);
    // Nothing happened to the knocker.
    assert_int_equal(f.h.gateway.count(kGuestC, "denied"), 0);
    assert_int_equal(f.h.service.stats().lobby, 1);
}

// The attack of issue 18: the password from many connections fills the lobby.
void password_knockers_cannot_crowd_out_personal_links(void**) {
    Fixture f;  // max_participants 4
    HandleId next = 1000;
    int full = 0;
    for (int i = 0; i < 10; ++i) {
        Json answer = join_password(f.h, next++, f.s.room, f.s.password, "Flood");
        full += error_code(answer) == 489;
    }
    assert_int_equal(full, 6);
    knock(f.h, kGuestA, f.s.room, f.s.tokens[0], "Anna");
    knock(f.h, kGuestB, f.s.room, f.s.tokens[1], "Bert");
    // The moderator closes the password and sends every password knocker away.
    assert_int_equal(f.deny_password("true").integer_at("denied").value_or(-1), 4);
    for (int i = 0; i < 10; ++i) expect_error(join_password(f.h, next++, f.s.room, f.s.password, "Flood"), 482);
    assert_int_equal(f.h.service.stats().lobby, 2);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deny_not_now_lets_the_person_knock_again),
        cmocka_unit_test(deny_with_ban_burns_a_personal_link),
        cmocka_unit_test(deny_with_ban_bans_a_password_knockers_connection),
        cmocka_unit_test(deny_password_turns_every_password_knocker_away_at_once),
        cmocka_unit_test(deny_password_with_ban_closes_the_password),
        cmocka_unit_test(deny_password_needs_a_password_room_and_the_moderator),
        cmocka_unit_test(password_knockers_cannot_crowd_out_personal_links),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
