// `join`: every error code a join can get (480-490 except 486, which
// rate_limit_test covers), what the moderator and a guest are told, and that
// a refused join changes nothing.
#include "core/credentials.hpp"
#include "support/scenario.hpp"

using namespace counsel;
using namespace counsel::testing;

namespace {

std::string join_body(const std::string& fields) { return "{\"request\":\"join\"," + fields + "}"; }

// A room with two invitees and a password, and the moderator seated.
struct Fixture {
    Harness h;
    Session s;
    Fixture() : s(make_session(h, {"Client A", "Client B"}, ",\"password\":true,\"title\":\"Hilfeplan\"")) {
        join_as_moderator(h, s);
    }
    std::size_t lobby_events() const { return h.gateway.count(kModerator, "lobby"); }
};

void malformed_joins_are_480_and_change_nothing(void**) {
    Fixture f;
    const std::string room = "\"room\":\"" + f.s.room + "\"";
    const std::string token = "\"token\":\"" + f.s.tokens[0] + "\"";
    const std::string pw = "\"password\":\"" + f.s.password + "\"";
    const std::string display = "\"display\":\"Anna\"";
    const std::vector<std::string> bodies = {
        join_body(token + "," + display),                          // no room
        join_body(room + "," + token),                             // no display
        join_body(room + "," + display),                           // neither token nor password
        join_body("\"room\":5," + token + "," + display),          // room not a string
        join_body("\"room\":null," + token + "," + display),
        join_body(room + "," + token + ",\"display\":5"),          // display not a string
        join_body(room + "," + token + ",\"display\":null"),
        join_body(room + ",\"token\":5," + display),               // token not a string
        join_body(room + ",\"token\":null," + display),
        join_body(room + ",\"token\":[\"x\"]," + display),
        join_body(room + ",\"password\":123456789012," + display),  // password not a string
        join_body(room + ",\"password\":true," + display),
        join_body(room + "," + token + "," + display + ",\"role\":\"moderator\""),  // unknown field
        join_body(room + "," + pw + "," + display + ",\"moderator\":true"),
        join_body(room + "," + token + "," + display + ",\"id\":1"),
        "{\"room\":\"" + f.s.room + "\"," + token + "," + display + "}",  // no request
    };
    for (const auto& body : bodies) {
        Json answer = f.h.request(kGuestA, body);
        if (error_code(answer) != 480) std::fprintf(stderr, "body: %s\n", body.c_str());
        expect_error(answer, 480);
    }
    assert_int_equal(f.h.service.stats().lobby, 0);
    assert_int_equal(f.lobby_events(), 0);
    // The handle is still free to join properly.
    knock(f.h, kGuestA, f.s.room, f.s.tokens[0], "Anna");
}

void token_and_password_together_are_488(void**) {
    Fixture f;
    Json answer = f.h.request(kGuestA, join_body("\"room\":\"" + f.s.room + "\",\"token\":\"" + f.s.tokens[0] +
                                                 "\",\"password\":\"" + f.s.password + "\",\"display\":\"Anna\""));
    expect_error(answer, 488);
    // Also with the moderator token.
    expect_error(f.h.request(kGuestB, join_body("\"room\":\"" + f.s.room + "\",\"token\":\"" + f.s.moderator_token +
                                                "\",\"password\":\"" + f.s.password + "\",\"display\":\"M\"")),
                 488);
    assert_int_equal(f.h.service.stats().lobby, 0);
    assert_int_equal(f.lobby_events(), 0);
}

void badly_formed_values_are_481(void**) {
    Fixture f;
    const std::string& room = f.s.room;
    const std::string& token = f.s.tokens[0];
    std::vector<Json> answers;
    // room ids
    for (const std::string& bad : {std::string(""), std::string("short"), room.substr(0, 21), room + "A",
                                  room.substr(0, 21) + "+", room.substr(0, 21) + "/", room.substr(0, 21) + "=",
                                  room.substr(0, 21) + ".", room.substr(0, 21) + " "})
        answers.push_back(f.h.join(kGuestA, bad, token, "Anna"));
    // tokens
    for (const std::string& bad : {std::string(""), token.substr(0, 21), token + "A", token.substr(0, 21) + "+",
                                  token.substr(0, 21) + "~", f.s.password})
        answers.push_back(f.h.join(kGuestA, room, bad, "Anna"));
    // passwords: 12 letters from the alphabet without i, l, o, 0, 1
    const std::string pw = f.s.password;
    for (const std::string& bad : {std::string(""), pw.substr(0, 11), pw + "a", std::string("ABCDEFGHJKMN"),
                                  std::string("abcdefghjkmi"), std::string("abcdefghjkml"), std::string("abcdefghjkmo"),
                                  std::string("abcdefghjkm0"), std::string("abcdefghjkm1"), token})
        answers.push_back(join_password(f.h, kGuestA, room, bad, "Anna"));
    // display names
    const std::string d65(65, 'd');
    for (const std::string& bad : {std::string(""), d65, std::string("A\\u0001B"), std::string("A\\nB"),
                                  std::string("A\\rB"), std::string("A\\u007f"), std::string("\\u202Eevil"),
                                  std::string("A\\u2067B"), std::string("A\\u2029B"), std::string("   "),
                                  std::string("\\u00a0\\u3000")})
        answers.push_back(f.h.join(kGuestA, room, token, bad));
    for (const auto& answer : answers) expect_error(answer, 481);
    assert_int_equal(f.h.service.stats().lobby, 0);
    assert_int_equal(f.lobby_events(), 0);
    // A 481 is not a failed credential: no rate-limit cost, the handle still gets in.
    knock(f.h, kGuestA, room, token, "Anna");
    // A display of exactly 64 characters is fine.
    knock(f.h, kGuestB, room, f.s.tokens[1], std::string(64, 'd'));
}

void wrong_credentials_are_482_and_all_look_alike(void**) {
    Fixture f;
    std::vector<Json> refused;
    std::string wrong_token = f.s.tokens[0];
    wrong_token[0] = wrong_token[0] == 'A' ? 'B' : 'A';
    refused.push_back(f.h.join(kGuestA, f.s.room, wrong_token, "Anna"));                  // wrong token
    refused.push_back(f.h.join(kGuestB, "AAAAAAAAAAAAAAAAAAAAAA", f.s.tokens[0], "Anna"));  // unknown room
    refused.push_back(join_password(f.h, kGuestC, f.s.room, "abcdefghjkmn" == f.s.password ? "abcdefghjkmp" : "abcdefghjkmn", "X"));
    // Another room's credentials do not open this one.
    Session other = make_session(f.h, {"Other"}, ",\"password\":true");
    refused.push_back(f.h.join(kGuestD, f.s.room, other.tokens[0], "X"));
    refused.push_back(f.h.join(kGuestD, f.s.room, other.moderator_token, "X"));
    refused.push_back(join_password(f.h, kGuestE, f.s.room, other.password, "X"));
    refused.push_back(f.h.join(kGuestE, other.room, f.s.tokens[1], "X"));
    for (const auto& answer : refused) {
        expect_error(answer, 482);
        assert_string_equal(str(answer, "error").c_str(), str(refused[0], "error").c_str());
    }
    // A password on a room that has none.
    Session no_pw = make_session(f.h, {"A"});
    expect_error(join_password(f.h, kStranger, no_pw.room, f.s.password, "X"), 482);
    assert_int_equal(f.h.service.stats().lobby, 0);
    assert_int_equal(f.lobby_events(), 0);
}

void a_burned_token_is_482_and_a_banned_handle_too(void**) {
    Fixture f;
    const std::uint64_t anna = knock(f.h, kGuestA, f.s.room, f.s.tokens[0], "Anna");
    expect_kind(target(f.h, kModerator, "kick", anna), "ok");
    // The burned token: refused on the same handle and on any other.
    expect_error(f.h.join(kGuestA, f.s.room, f.s.tokens[0], "Anna"), 482);
    expect_error(f.h.join(kStranger, f.s.room, f.s.tokens[0], "Anna"), 482);
    // Other tokens of the room still work.
    knock(f.h, kGuestB, f.s.room, f.s.tokens[1], "Bert");

    // A password joiner who was kicked: that handle is banned, the password is not burned.
    Json carl = join_password(f.h, kGuestC, f.s.room, f.s.password, "Carl");
    expect_kind(carl, "waiting");
    expect_kind(target(f.h, kModerator, "kick", f.h.id_of(carl)), "ok");
    expect_error(join_password(f.h, kGuestC, f.s.room, f.s.password, "Carl"), 482);
    // Not even with a personal token of the room.
    expect_error(f.h.join(kGuestC, f.s.room, f.s.tokens[1], "Carl"), 482);
    expect_kind(join_password(f.h, kGuestD, f.s.room, f.s.password, "Dora"), "waiting");
    // The lobby holds Bert and Dora only.
    assert_int_equal(f.h.service.stats().lobby, 2);
}

void an_ended_room_is_483_for_every_credential(void**) {
    Fixture f;
    knock(f.h, kGuestA, f.s.room, f.s.tokens[0], "Anna");
    expect_kind(f.h.request(kModerator, "{\"request\":\"end\"}"), "ended");
    expect_error(f.h.join(kGuestA, f.s.room, f.s.tokens[0], "Anna"), 483);
    expect_error(f.h.join(kGuestB, f.s.room, f.s.tokens[1], "Bert"), 483);
    expect_error(join_password(f.h, kGuestC, f.s.room, f.s.password, "Carl"), 483);
    expect_error(f.h.join(kModerator, f.s.room, f.s.moderator_token, "M"), 483);
    // Even a wrong token on the ended id says 483 (the id is burned, not secret).
    expect_error(f.h.join(kStranger, f.s.room, "AAAAAAAAAAAAAAAAAAAAAA", "X"), 483);
    assert_int_equal(f.h.service.stats().rooms, 0);
}

void a_tombstone_outlives_a_restart(void**) {
    Harness before;
    Session ended = make_session(before);
    Session live = make_session(before);  // still live when the process dies
    join_as_moderator(before, ended);
    expect_kind(before.request(kModerator, "{\"request\":\"end\"}"), "ended");
    join_as_moderator(before, live, kGuestE);
    knock(before, kGuestA, live.room, live.tokens[0], "Anna");

    before.ledger.restart();  // a crash: the start-up sweep tombstones live rooms
    Harness after;
    after.ledger.rows = before.ledger.rows;
    expect_error(after.join(kGuestB, ended.room, ended.tokens[1], "Bert"), 483);
    expect_error(after.join(kModerator, ended.room, ended.moderator_token, "M"), 483);
    expect_error(after.join(kGuestA, live.room, live.tokens[0], "Anna"), 483);
    expect_error(after.join(kGuestE, live.room, live.moderator_token, "M"), 483);
    // A room the ledger never saw is simply unknown.
    expect_error(after.join(kStranger, "AAAAAAAAAAAAAAAAAAAAAA", live.tokens[0], "X"), 482);
    // New rooms still work after the restart.
    make_session(after);
}

// Two nodes sharing one ledger (the PostgreSQL store): a room live on A is
// 491 on B, an ended one 483 on both, and B can never open A's id again.
void a_room_of_another_node_is_491_and_its_end_holds_everywhere(void**) {
    Harness a;
    Session s = make_session(a);
    join_as_moderator(a, s);
    Harness b;
    b.ledger.rows = a.ledger.rows;  // the shared store, as B reads it
    expect_error(b.join(kGuestA, s.room, s.tokens[0], "Anna"), 491);
    expect_error(b.join(kStranger, s.room, "AAAAAAAAAAAAAAAAAAAAAA", "X"), 491);
    assert_int_equal(b.service.stats().rooms, 0);
    assert_false(b.ledger.open_room(room_digest(s.room)));

    expect_kind(a.request(kModerator, "{\"request\":\"end\"}"), "ended");
    b.ledger.rows = a.ledger.rows;
    expect_error(b.join(kGuestA, s.room, s.tokens[0], "Anna"), 483);
    expect_error(b.join(kGuestB, s.room, s.moderator_token, "M"), 483);
    assert_false(b.ledger.open_room(room_digest(s.room)));
}

void a_second_moderator_is_484_and_the_first_keeps_the_seat(void**) {
    Fixture f;
    expect_error(f.h.join(kGuestA, f.s.room, f.s.moderator_token, "Imposter"), 484);
    // The handle that got 484 is not in the room: it may join as a guest.
    knock(f.h, kGuestA, f.s.room, f.s.tokens[0], "Anna");
    // The first moderator still moderates: it got the lobby event.
    Json lobby = f.h.gateway.last(kModerator, "lobby");
    assert_int_equal(size_of(lobby, "waiting"), 1);
    assert_int_equal(f.h.service.stats().admitted, 1);
}

void a_locked_room_is_485_for_guests_but_not_for_the_moderator(void**) {
    Fixture f;
    const std::uint64_t anna = knock(f.h, kGuestA, f.s.room, f.s.tokens[0], "Anna");
    Json locked = f.h.request(kModerator, "{\"request\":\"lock\"}");
    expect_kind(locked, "ok");
    assert_true(json_is_true(locked.field("locked")));
    const std::size_t lobby_events = f.lobby_events();
    expect_error(f.h.join(kGuestB, f.s.room, f.s.tokens[1], "Bert"), 485);
    expect_error(join_password(f.h, kGuestC, f.s.room, f.s.password, "Carl"), 485);
    assert_int_equal(f.lobby_events(), lobby_events);
    assert_int_equal(f.h.service.stats().lobby, 1);  // Anna, who was there before, still waits

    // The moderator leaves and comes back: the lock does not keep them out.
    expect_kind(f.h.request(kModerator, "{\"request\":\"leave\"}"), "left");
    Json back = f.h.join(kModerator, f.s.room, f.s.moderator_token, "Dr. M");
    expect_kind(back, "joined");
    assert_true(json_is_true(back.field("locked")));
    assert_true(has_id(ids_in(back, "lobby"), anna));

    expect_kind(f.h.request(kModerator, "{\"request\":\"unlock\"}"), "ok");
    knock(f.h, kGuestB, f.s.room, f.s.tokens[1], "Bert");
}

void a_second_join_on_one_handle_is_487(void**) {
    Fixture f;
    knock(f.h, kGuestA, f.s.room, f.s.tokens[0], "Anna");
    expect_error(f.h.join(kGuestA, f.s.room, f.s.tokens[0], "Anna"), 487);
    expect_error(f.h.join(kGuestA, f.s.room, f.s.tokens[1], "Bert"), 487);
    expect_error(f.h.join(kGuestA, f.s.room, f.s.moderator_token, "M"), 487);
    expect_error(join_password(f.h, kGuestA, f.s.room, f.s.password, "A"), 487);
    // Also from the moderator's handle, and into another room.
    Session other = make_session(f.h, {"X"});
    expect_error(f.h.join(kModerator, f.s.room, f.s.moderator_token, "M"), 487);
    expect_error(f.h.join(kModerator, other.room, other.moderator_token, "M"), 487);
    expect_error(f.h.join(kGuestA, other.room, other.tokens[0], "A"), 487);
    assert_int_equal(f.h.service.stats().lobby, 1);
    assert_int_equal(f.h.service.stats().admitted, 1);
    // 487 is not a failed credential: six of them do not rate-limit the handle.
    expect_error(f.h.join(kGuestA, f.s.room, f.s.tokens[0], "Anna"), 487);
    expect_kind(f.h.request(kGuestA, "{\"request\":\"leave\"}"), "left");
    knock(f.h, kGuestA, f.s.room, f.s.tokens[0], "Anna");
}

void password_knockers_have_a_share_of_their_own(void**) {
    Fixture f;  // max_participants 4: four places for password knockers
    for (HandleId h : {kGuestA, kGuestB, kGuestC, kGuestD})
        expect_kind(join_password(f.h, h, f.s.room, f.s.password, "P" + std::to_string(h)), "waiting");
    expect_error(join_password(f.h, kGuestE, f.s.room, f.s.password, "P5"), 489);
    // Personal links always reach the lobby, however many password knockers wait.
    knock(f.h, kStranger, f.s.room, f.s.tokens[0], "Anna");
    knock(f.h, 91, f.s.room, f.s.tokens[1], "Bert");
    assert_int_equal(f.h.service.stats().lobby, 6);
    Json lobby = f.h.gateway.last(kModerator, "lobby");
    assert_int_equal(size_of(lobby, "waiting"), 6);
    // The moderator sees who came how.
    for (std::size_t i = 0; i < 6; ++i)
        assert_string_equal(str(item(lobby, "waiting", i), "via").c_str(), i < 4 ? "password" : "link");
    // The moderator does not wait in the lobby, so a full lobby does not keep them out.
    expect_kind(f.h.request(kModerator, "{\"request\":\"leave\"}"), "left");
    join_as_moderator(f.h, f.s);
    // A place in the password share once a password knocker leaves it; a link leaving frees none.
    expect_kind(f.h.request(kStranger, "{\"request\":\"leave\"}"), "left");
    expect_error(join_password(f.h, kGuestE, f.s.room, f.s.password, "P5"), 489);
    expect_kind(f.h.request(kGuestA, "{\"request\":\"leave\"}"), "left");
    expect_kind(join_password(f.h, kGuestE, f.s.room, f.s.password, "P5"), "waiting");
    // An admitted password joiner leaves the share too.
    expect_kind(target(f.h, kModerator, "admit", f.h.id_of(f.h.gateway.last(kGuestB, "waiting"))), "ok");
    expect_kind(join_password(f.h, 92, f.s.room, f.s.password, "P6"), "waiting");
}

void a_token_in_use_is_490(void**) {
    Fixture f;
    knock(f.h, kGuestA, f.s.room, f.s.tokens[0], "Anna");
    expect_error(f.h.join(kGuestB, f.s.room, f.s.tokens[0], "Anna 2"), 490);
    // Also while its holder is admitted.
    expect_kind(target(f.h, kModerator, "admit", f.h.id_of(f.h.gateway.last(kGuestA, "waiting"))), "ok");
    expect_error(f.h.join(kGuestB, f.s.room, f.s.tokens[0], "Anna 2"), 490);
    assert_int_equal(f.h.service.stats().lobby, 0);
    assert_int_equal(f.h.service.stats().admitted, 2);
    // Free again when the holder leaves.
    expect_kind(f.h.request(kGuestA, "{\"request\":\"leave\"}"), "left");
    knock(f.h, kGuestB, f.s.room, f.s.tokens[0], "Anna");
}

void password_joiners_share_the_password_and_wait(void**) {
    Fixture f;
    Json first = join_password(f.h, kGuestA, f.s.room, f.s.password, "Gruppe 1");
    Json second = join_password(f.h, kGuestB, f.s.room, f.s.password, "Gruppe 2");
    Json third = join_password(f.h, kGuestC, f.s.room, f.s.password, "Gruppe 3");
    expect_kind(first, "waiting");
    expect_kind(second, "waiting");
    expect_kind(third, "waiting");
    assert_true(f.h.id_of(first) != f.h.id_of(second) && f.h.id_of(second) != f.h.id_of(third));
    Json lobby = f.h.gateway.last(kModerator, "lobby");
    assert_int_equal(size_of(lobby, "waiting"), 3);
    assert_string_equal(str(item(lobby, "waiting", 0), "display").c_str(), "Gruppe 1");
    assert_string_equal(str(item(lobby, "waiting", 2), "display").c_str(), "Gruppe 3");
    assert_int_equal(f.h.service.stats().admitted, 1);  // nobody skipped the lobby
}

void a_peek_says_what_the_room_is_and_seats_nobody(void**) {
    Fixture f;  // an e2ee room (the default), the moderator seated
    const std::string room = "\"room\":\"" + f.s.room + "\"";
    const std::string token = "\"token\":\"" + f.s.tokens[0] + "\"";
    const std::size_t events_before = f.h.gateway.to(kModerator).size();
    // No display needed: the page asks before the person has typed a name.
    Json peek = f.h.request(kGuestA, join_body(room + "," + token + ",\"peek\":true"));
    expect_kind(peek, "peek");
    assert_true(json_is_true(peek.field("e2ee")));
    assert_string_equal(str(peek, "role").c_str(), "participant");
    assert_string_equal(str(peek, "recording").c_str(), "off");
    assert_string_equal(str(peek, "notice").c_str(), f.h.service.config().notice_text.c_str());
    assert_int_equal(json_object_size(peek.get()), 5);  // no id, no participants, nothing of other people
    // Nobody was seated and the moderator heard of nothing.
    assert_int_equal(f.h.service.stats().lobby, 0);
    assert_int_equal(f.h.gateway.to(kModerator).size(), events_before);
    // A display, when given, is still checked; the password and the moderator link peek too.
    expect_error(f.h.request(kGuestA, join_body(room + "," + token + ",\"peek\":true,\"display\":\"\"")), 481);
    expect_error(f.h.request(kGuestA, join_body(room + "," + token + ",\"peek\":1")), 480);
    Json by_password = f.h.request(
        kGuestB, join_body(room + ",\"password\":\"" + f.s.password + "\",\"peek\":true,\"display\":\"Bert\""));
    expect_kind(by_password, "peek");
    // The seat is taken: the moderator link answers as its join would.
    expect_error(f.h.request(kGuestC, join_body(room + ",\"token\":\"" + f.s.moderator_token + "\",\"peek\":true")),
                 484);
    // The same handle then knocks for real.
    knock(f.h, kGuestA, f.s.room, f.s.tokens[0], "Anna");
    assert_int_equal(f.h.gateway.count(kModerator, "lobby"), 1);

    // A plain room says so; a wrong token is 482 and counts as a failed attempt.
    Session plain = make_session(f.h, {"X"}, ",\"e2ee\":false");
    Json plain_peek = f.h.request(kGuestD, join_body("\"room\":\"" + plain.room + "\",\"token\":\"" + plain.tokens[0] +
                                                     "\",\"peek\":true"));
    expect_kind(plain_peek, "peek");
    assert_true(json_is_false(plain_peek.field("e2ee")));
    expect_error(f.h.request(kGuestD, join_body("\"room\":\"" + plain.room + "\",\"token\":\"" + f.s.tokens[1] +
                                                "\",\"peek\":true")),
                 482);
    // An ended room answers 483 to a peek as to a join.
    expect_kind(f.h.request(kModerator, "{\"request\":\"end\"}"), "ended");
    expect_error(f.h.request(kGuestE, join_body(room + ",\"token\":\"" + f.s.tokens[1] + "\",\"peek\":true")), 483);
}

void the_moderator_and_the_guest_answers(void**) {
    Harness h;
    Session s = make_session(h, {"Client A"}, ",\"title\":\"Hilfeplan\",\"duration_s\":1800");
    Json waiting = h.join(kGuestA, s.room, s.tokens[0], "Anna");
    expect_kind(waiting, "waiting");
    // A guest learns its id, the notice, whether the room is e2ee and the
    // secret that finds its seat again after a dropped connection, nothing else.
    assert_int_equal(json_object_size(waiting.get()), 5);
    assert_true(looks_like_token(str(waiting, "resume")));
    assert_true(json_is_true(waiting.field("e2ee")));
    const std::uint64_t anna = h.id_of(waiting);
    assert_true(anna >= 1 && anna < (std::uint64_t{1} << 53));
    assert_string_equal(str(waiting, "notice").c_str(), h.service.config().notice_text.c_str());

    Json joined = h.join(kModerator, s.room, s.moderator_token, "Dr. M");
    expect_kind(joined, "joined");
    assert_string_equal(str(joined, "role").c_str(), "moderator");
    const std::uint64_t moderator = h.id_of(joined);
    assert_true(moderator >= 1 && moderator < (std::uint64_t{1} << 53) && moderator != anna);
    assert_string_equal(str(joined, "room").c_str(), s.room.c_str());
    assert_string_equal(str(joined, "title").c_str(), "Hilfeplan");
    assert_int_equal(size_of(joined, "participants"), 1);
    Json self = item(joined, "participants", 0);
    assert_int_equal(self.integer_at("id").value_or(0), moderator);
    assert_string_equal(str(self, "display").c_str(), "Dr. M");
    assert_string_equal(str(self, "role").c_str(), "moderator");
    assert_int_equal(size_of(joined, "lobby"), 1);
    Json waiting_entry = item(joined, "lobby", 0);
    assert_int_equal(waiting_entry.integer_at("id").value_or(0), anna);
    assert_string_equal(str(waiting_entry, "display").c_str(), "Anna");
    assert_int_equal(waiting_entry.integer_at("since").value_or(0), h.clock.unix_s());
    assert_true(json_is_false(joined.field("locked")));
    assert_true(json_is_true(joined.field("e2ee")));
    assert_string_equal(str(joined, "recording").c_str(), "off");
    assert_int_equal(joined.integer_at("expires_at").value_or(0), s.expires_at);
    assert_string_equal(str(joined, "notice").c_str(), h.service.config().notice_text.c_str());
    // The guest still knows nothing about the moderator's arrival.
    assert_int_equal(h.gateway.to(kGuestA).size(), 1);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(malformed_joins_are_480_and_change_nothing),
        cmocka_unit_test(token_and_password_together_are_488),
        cmocka_unit_test(badly_formed_values_are_481),
        cmocka_unit_test(wrong_credentials_are_482_and_all_look_alike),
        cmocka_unit_test(a_burned_token_is_482_and_a_banned_handle_too),
        cmocka_unit_test(an_ended_room_is_483_for_every_credential),
        cmocka_unit_test(a_tombstone_outlives_a_restart),
        cmocka_unit_test(a_second_moderator_is_484_and_the_first_keeps_the_seat),
        cmocka_unit_test(a_locked_room_is_485_for_guests_but_not_for_the_moderator),
        cmocka_unit_test(a_second_join_on_one_handle_is_487),
        cmocka_unit_test(password_knockers_have_a_share_of_their_own),
        cmocka_unit_test(a_token_in_use_is_490),
        cmocka_unit_test(a_room_of_another_node_is_491_and_its_end_holds_everywhere),
        cmocka_unit_test(password_joiners_share_the_password_and_wait),
        cmocka_unit_test(the_moderator_and_the_guest_answers),
        cmocka_unit_test(a_peek_says_what_the_room_is_and_seats_nobody),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
