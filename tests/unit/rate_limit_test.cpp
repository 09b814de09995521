// The rate limits of README "Rate limits": failed credentials cost from a
// per-handle bucket (5, then one per 10 s) and a per-room-id bucket (20, then
// one per 3 s), unknown room ids included; failed practitioner keys from a
// per-handle bucket (5, then one per 10 s) and a global one (10, then 1/s).
// An empty bucket answers 486 without judging the credential.
#include "support/scenario.hpp"

using namespace counsel;
using namespace counsel::testing;

namespace {

const std::string kWrongToken = "AAAAAAAAAAAAAAAAAAAAAA";
const std::string kUnknownRoom = "BBBBBBBBBBBBBBBBBBBBBB";

// A key that fails without costing an Argon2id verification (longer than any key).
std::string cheap_wrong_key_create() {
    return "{\"request\":\"create\",\"practitioner_key\":\"" + std::string(300, 'k') +
           "\",\"invitees\":[{\"label\":\"A\"}]}";
}

void five_wrong_tokens_block_the_handle_for_ten_seconds(void**) {
    Harness h;
    Session s = make_session(h);
    for (int i = 0; i < 5; ++i) expect_error(h.join(kStranger, s.room, kWrongToken, "X"), 482);
    // Now even the right token is refused, without being looked at.
    Json limited = h.join(kStranger, s.room, s.tokens[0], "Anna");
    expect_error(limited, 486);
    assert_int_equal(h.service.stats().lobby, 0);
    // A 486 does not cost anything: tries at 5 s and 9.999 s do not push the refill back.
    h.clock.advance_ms(5'000);
    expect_error(h.join(kStranger, s.room, s.tokens[0], "Anna"), 486);
    h.clock.advance_ms(4'999);
    expect_error(h.join(kStranger, s.room, s.tokens[0], "Anna"), 486);
    h.clock.advance_ms(1);
    knock(h, kStranger, s.room, s.tokens[0], "Anna");
    // Other handles were never limited.
    knock(h, kGuestB, s.room, s.tokens[1], "Bert");
}

void after_the_pause_a_handle_gets_one_more_try(void**) {
    Harness h;
    Session s = make_session(h);
    for (int i = 0; i < 5; ++i) expect_error(h.join(kStranger, s.room, kWrongToken, "X"), 482);
    h.clock.advance_ms(10'000);
    expect_error(h.join(kStranger, s.room, kWrongToken, "X"), 482);  // judged again
    expect_error(h.join(kStranger, s.room, s.tokens[0], "X"), 486);  // and empty again
    h.clock.advance_ms(20'000);  // two more
    expect_error(h.join(kStranger, s.room, kWrongToken, "X"), 482);
    expect_error(h.join(kStranger, s.room, kWrongToken, "X"), 482);
    expect_error(h.join(kStranger, s.room, kWrongToken, "X"), 486);
}

void a_handle_is_limited_across_rooms(void**) {
    Harness h;
    Session s = make_session(h);
    Session other = make_session(h);
    for (int i = 0; i < 5; ++i)
        expect_error(h.join(kStranger, i % 2 ? s.room : kUnknownRoom, kWrongToken, "X"), 482);
    expect_error(h.join(kStranger, other.room, other.tokens[0], "X"), 486);
    // Wrong passwords and banned handles cost from the same bucket.
    Harness h2;
    Session p = make_session(h2, {"A"}, ",\"password\":true");
    for (int i = 0; i < 5; ++i) expect_error(join_password(h2, kStranger, p.room, "abcdefghjkmn" == p.password ? "abcdefghjkmp" : "abcdefghjkmn", "X"), 482);
    expect_error(join_password(h2, kStranger, p.room, p.password, "X"), 486);
}

void twenty_failures_on_a_room_block_every_handle_for_three_seconds(void**) {
    Harness h;
    Session s = make_session(h);
    // 20 failures from 5 handles, 4 each: no handle's own bucket is empty.
    for (HandleId attacker = 100; attacker < 105; ++attacker)
        for (int i = 0; i < 4; ++i) expect_error(h.join(attacker, s.room, kWrongToken, "X"), 482);
    // Every handle is refused on this room now, whatever it presents.
    expect_error(h.join(kGuestA, s.room, s.tokens[0], "Anna"), 486);
    expect_error(h.join(kModerator, s.room, s.moderator_token, "M"), 486);
    expect_error(h.join(200, s.room, kWrongToken, "X"), 486);
    assert_int_equal(h.service.stats().lobby + h.service.stats().admitted, 0);
    // Another room is not affected.
    Session other = make_session(h);
    knock(h, kGuestC, other.room, other.tokens[0], "Carl");
    // Within 3 s of the attack stopping, the right link gets in again.
    h.clock.advance_ms(2'999);
    expect_error(h.join(kGuestA, s.room, s.tokens[0], "Anna"), 486);
    h.clock.advance_ms(1);
    knock(h, kGuestA, s.room, s.tokens[0], "Anna");
    join_as_moderator(h, s);
}

void the_right_link_gets_in_within_three_seconds_of_an_attack(void**) {
    Harness h;
    Session s = make_session(h);
    // A long attack from many handles, one attempt per handle per 100 ms.
    HandleId attacker = 1000;
    for (int round = 0; round < 100; ++round) {
        Json answer = h.join(attacker++, s.room, kWrongToken, "X");
        assert_true(error_code(answer) == 482 || error_code(answer) == 486);
        h.clock.advance_ms(100);
    }
    expect_error(h.join(kGuestA, s.room, s.tokens[0], "Anna"), 486);
    h.clock.advance_ms(3'000);
    knock(h, kGuestA, s.room, s.tokens[0], "Anna");
}

// Runs the same attack on a room and returns the answers' codes and messages.
std::vector<std::string> attack(Harness& h, const std::string& room, HandleId first_handle) {
    std::vector<std::string> out;
    for (int i = 0; i < 26; ++i) {
        Json answer = h.join(first_handle + i / 4, room, kWrongToken, "X");
        out.push_back(std::to_string(error_code(answer)) + " " + str(answer, "error"));
    }
    h.clock.advance_ms(3'000);
    Json after = h.join(first_handle + 100, room, kWrongToken, "X");
    out.push_back(std::to_string(error_code(after)) + " " + str(after, "error"));
    Json again = h.join(first_handle + 101, room, kWrongToken, "X");
    out.push_back(std::to_string(error_code(again)) + " " + str(again, "error"));
    return out;
}

void unknown_rooms_are_limited_exactly_like_real_ones(void**) {
    Harness h;
    Session s = make_session(h);
    const std::vector<std::string> real = attack(h, s.room, 100);
    const std::vector<std::string> unknown = attack(h, kUnknownRoom, 300);
    assert_int_equal(real.size(), unknown.size());
    for (std::size_t i = 0; i < real.size(); ++i) {
        if (real[i] != unknown[i]) std::fprintf(stderr, "attempt %zu: real '%s' unknown '%s'\n", i, real[i].c_str(), unknown[i].c_str());
        assert_string_equal(real[i].c_str(), unknown[i].c_str());
    }
    // The shape is the documented one: 20 refusals, then 486, then one more after 3 s.
    for (std::size_t i = 0; i < 20; ++i) assert_int_equal(std::stoi(real[i]), 482);
    for (std::size_t i = 20; i < 26; ++i) assert_int_equal(std::stoi(real[i]), 486);
    assert_int_equal(std::stoi(real[26]), 482);
    assert_int_equal(std::stoi(real[27]), 486);
}

void practitioner_keys_per_handle_five_then_one_per_ten_seconds(void**) {
    Harness h;
    for (int i = 0; i < 5; ++i) expect_error(h.request(kPractitioner, cheap_wrong_key_create()), 482);
    // The right key is not even checked now.
    expect_error(h.create(kPractitioner, {"A"}), 486);
    assert_int_equal(h.service.stats().rooms, 0);
    h.clock.advance_ms(9'999);
    expect_error(h.create(kPractitioner, {"A"}), 486);
    h.clock.advance_ms(1);
    expect_kind(h.create(kPractitioner, {"A"}), "created");
    // A success costs nothing; the one token back is spent by one wrong key.
    expect_error(h.request(kPractitioner, cheap_wrong_key_create()), 482);
    expect_error(h.request(kPractitioner, cheap_wrong_key_create()), 486);
    h.clock.advance_ms(10'000);
    expect_error(h.request(kPractitioner, cheap_wrong_key_create()), 482);
    expect_error(h.request(kPractitioner, cheap_wrong_key_create()), 486);
}

// The limits bound Argon2id work; a key that verified once costs none, so
// wrong keys from anyone cannot lock a practitioner out.
void a_key_that_verified_once_passes_every_limit(void**) {
    Harness h;
    expect_kind(h.create(kPractitioner, {"A"}), "created");
    for (HandleId attacker = 100; attacker < 110; ++attacker)
        expect_error(h.request(attacker, cheap_wrong_key_create()), 482);
    for (int i = 0; i < 5; ++i) expect_error(h.request(kPractitioner, cheap_wrong_key_create()), 486);
    expect_error(h.request(300, cheap_wrong_key_create()), 486);  // global bucket empty
    expect_kind(h.create(kPractitioner, {"A"}), "created");
    expect_kind(h.create(301, {"A"}), "created");
    assert_int_equal(h.service.stats().rooms, 3);
}

void practitioner_keys_globally_ten_then_one_per_second(void**) {
    Harness h;
    // Ten handles, one failure each: no handle bucket is empty, the global one is.
    for (HandleId attacker = 100; attacker < 110; ++attacker)
        expect_error(h.request(attacker, cheap_wrong_key_create()), 482);
    expect_error(h.create(kPractitioner, {"A"}), 486);
    expect_error(h.request(200, cheap_wrong_key_create()), 486);
    h.clock.advance_ms(999);
    expect_error(h.create(kPractitioner, {"A"}), 486);
    h.clock.advance_ms(1);
    expect_kind(h.create(kPractitioner, {"A"}), "created");
    // One failure per second gets judged, the next one within the second does not.
    expect_error(h.request(201, cheap_wrong_key_create()), 482);
    expect_error(h.request(202, cheap_wrong_key_create()), 486);
    h.clock.advance_ms(1'000);
    expect_error(h.request(203, "{\"request\":\"create\",\"practitioner_key\":\"wrong-but-plausible-key\","
                                "\"invitees\":[{\"label\":\"A\"}]}"),
                 482);
    expect_error(h.request(204, cheap_wrong_key_create()), 486);
}

void malformed_creates_cost_nothing(void**) {
    Harness h;
    for (int i = 0; i < 12; ++i)
        expect_error(h.request(kPractitioner, "{\"request\":\"create\",\"practitioner_key\":\"x\",\"invitees\":5}"), 480);
    expect_kind(h.create(kPractitioner, {"A"}), "created");
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(five_wrong_tokens_block_the_handle_for_ten_seconds),
        cmocka_unit_test(after_the_pause_a_handle_gets_one_more_try),
        cmocka_unit_test(a_handle_is_limited_across_rooms),
        cmocka_unit_test(twenty_failures_on_a_room_block_every_handle_for_three_seconds),
        cmocka_unit_test(the_right_link_gets_in_within_three_seconds_of_an_attack),
        cmocka_unit_test(unknown_rooms_are_limited_exactly_like_real_ones),
        cmocka_unit_test(practitioner_keys_per_handle_five_then_one_per_ten_seconds),
        cmocka_unit_test(practitioner_keys_globally_ten_then_one_per_second),
        cmocka_unit_test(a_key_that_verified_once_passes_every_limit),
        cmocka_unit_test(malformed_creates_cost_nothing),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
