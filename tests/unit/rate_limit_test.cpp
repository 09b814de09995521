// The rate limits of docs/api.md "Rate limits". They bound guessing and CPU, never
// who may get in:
//   - wrong tokens and passwords: per handle 5, then one per 10 s;
//   - wrong passwords also per room id (20, then one per 3 s), unknown ids
//     alike; tokens (128 bits) never wait for a room's limit;
//   - wrong practitioner keys: per handle 5, then one per 10 s; Argon2id
//     checks (only "$argon2id$" hashes) also per practitioner (5, then one per
//     2 s) and globally (10, then one per second); a key that is checked
//     without Argon2id is judged whatever the limits say.
// An empty bucket answers 486 without judging the credential.
#include "core/key_hash.hpp"
#include "support/scenario.hpp"

using namespace counsel;
using namespace counsel::testing;

namespace {

const std::string kWrongToken = "AAAAAAAAAAAAAAAAAAAAAA";
const std::string kUnknownRoom = "BBBBBBBBBBBBBBBBBBBBBB";
const std::string kWrongPassword = "abcdefghjkmn";

std::string wrong_password(const Session& s) { return s.password == kWrongPassword ? "abcdefghjkmp" : kWrongPassword; }

std::string create_with_key(const std::string& key) {
    return "{\"request\":\"create\",\"practitioner_key\":\"" + key + "\",\"invitees\":[{\"label\":\"A\"}]}";
}

// A wrong key that costs no hash at all (longer than any key).
std::string cheap_wrong_key_create() { return create_with_key(std::string(300, 'k')); }

int code_of(const Json& answer) { return error_code(answer); }

void five_wrong_tokens_block_the_handle_for_ten_seconds(void**) {
    Harness h;
    Session s = make_session(h);
    for (int i = 0; i < 5; ++i) expect_error(h.join(kStranger, s.room, kWrongToken, "X"), 482);
    // Now even the right token is refused on this handle, without being looked at.
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
    for (int i = 0; i < 5; ++i) expect_error(join_password(h2, kStranger, p.room, wrong_password(p), "X"), 482);
    expect_error(join_password(h2, kStranger, p.room, p.password, "X"), 486);
}

void a_detached_handle_leaves_no_bucket_behind(void**) {
    Harness h;
    Session s = make_session(h);
    for (HandleId attacker = 1000; attacker < 1400; ++attacker) {
        h.service.attach(attacker);
        expect_error(h.join(attacker, s.room, kWrongToken, "X"), 482);
        h.service.detach(attacker);
    }
    assert_int_equal(h.service.stats().handles, 1);  // the practitioner's
    // The same id could only come back as a new handle: it is judged afresh.
    expect_error(h.join(1000, s.room, kWrongToken, "X"), 482);
}

void twenty_wrong_passwords_hold_up_password_joins_for_three_seconds(void**) {
    Harness h;
    Session s = make_session(h, {"Client A", "Client B"}, ",\"password\":true");
    // 20 failures from 5 handles, 4 each: no handle's own bucket is empty.
    for (HandleId attacker = 100; attacker < 105; ++attacker)
        for (int i = 0; i < 4; ++i) expect_error(join_password(h, attacker, s.room, wrong_password(s), "X"), 482);
    // The password is refused unjudged now, whoever presents it...
    expect_error(join_password(h, kGuestC, s.room, s.password, "Paula"), 486);
    expect_error(join_password(h, 200, s.room, wrong_password(s), "X"), 486);
    // ...but tokens are never held up by a room's limit.
    knock(h, kGuestA, s.room, s.tokens[0], "Anna");
    join_as_moderator(h, s);
    // Another room's password is not affected.
    Session other = make_session(h, {"X"}, ",\"password\":true");
    expect_kind(join_password(h, kGuestD, other.room, other.password, "Dora"), "waiting");
    // Within 3 s of the attack stopping, the password gets in again.
    h.clock.advance_ms(2'999);
    expect_error(join_password(h, kGuestC, s.room, s.password, "Paula"), 486);
    h.clock.advance_ms(1);
    expect_kind(join_password(h, kGuestC, s.room, s.password, "Paula"), "waiting");
}

void tokens_get_in_during_a_flood_of_wrong_tokens_and_passwords(void**) {
    Harness h;
    Session s = make_session(h, {"Client A", "Client B"}, ",\"password\":true");
    join_as_moderator(h, s);
    expect_kind(h.request(kModerator, "{\"request\":\"leave\"}"), "left");  // the moderator dropped out
    // 2,000 wrong tries in 2 s, five per fresh handle, tokens and passwords mixed.
    std::map<int, int> answers;
    HandleId attacker = 10'000;
    for (int i = 0; i < 2'000; ++i) {
        if (i % 5 == 0) ++attacker;
        Json answer = i % 3 == 0 ? join_password(h, attacker, s.room, wrong_password(s), "X")
                                 : h.join(attacker, s.room, kWrongToken, "X");
        ++answers[code_of(answer)];
        if (i % 2 == 0) h.clock.advance_ms(2);
        if (i == 1'000) {
            // In the middle of it: the moderator comes back and an invitee knocks.
            join_as_moderator(h, s);
            knock(h, kGuestA, s.room, s.tokens[0], "Anna");
        }
    }
    assert_int_equal(answers.size(), 2);
    assert_true(answers[482] > 1'300);  // every wrong token was judged and refused
    assert_true(answers[486] > 0);      // wrong passwords ran into the room's limit
    knock(h, kGuestB, s.room, s.tokens[1], "Bert");
    assert_int_equal(h.service.stats().lobby, 2);
    assert_int_equal(h.service.stats().admitted, 1);
}

// Runs the same attack on a room and returns the answers' codes and messages.
std::vector<std::string> attack(Harness& h, const std::string& room, HandleId first_handle, bool by_password) {
    std::vector<std::string> out;
    auto once = [&](HandleId handle) {
        Json answer = by_password ? h.request(handle, "{\"request\":\"join\",\"room\":\"" + room +
                                                          "\",\"password\":\"" + kWrongPassword + "\",\"display\":\"X\"}")
                                  : h.join(handle, room, kWrongToken, "X");
        out.push_back(std::to_string(error_code(answer)) + " " + str(answer, "error"));
    };
    for (int i = 0; i < 26; ++i) once(first_handle + i / 4);
    h.clock.advance_ms(3'000);
    once(first_handle + 100);
    once(first_handle + 101);
    return out;
}

void unknown_rooms_are_limited_exactly_like_real_ones(void**) {
    for (bool by_password : {false, true}) {
        Harness h;
        Session s = make_session(h, {"A"}, ",\"password\":true");
        if (s.password == kWrongPassword) continue;  // 1 in 2^59
        const std::vector<std::string> real = attack(h, s.room, 100, by_password);
        const std::vector<std::string> unknown = attack(h, kUnknownRoom, 300, by_password);
        assert_int_equal(real.size(), unknown.size());
        for (std::size_t i = 0; i < real.size(); ++i) {
            if (real[i] != unknown[i])
                std::fprintf(stderr, "attempt %zu: real '%s' unknown '%s'\n", i, real[i].c_str(), unknown[i].c_str());
            assert_string_equal(real[i].c_str(), unknown[i].c_str());
        }
        if (by_password) {
            // The room's limit: 20 refusals, then 486, then one more after 3 s.
            for (std::size_t i = 0; i < 20; ++i) assert_int_equal(std::stoi(real[i]), 482);
            for (std::size_t i = 20; i < 26; ++i) assert_int_equal(std::stoi(real[i]), 486);
            assert_int_equal(std::stoi(real[26]), 482);
            assert_int_equal(std::stoi(real[27]), 486);
        } else {
            // Tokens: no room limit, only the handles' own (4 tries each here).
            for (const std::string& answer : real) assert_int_equal(std::stoi(answer), 482);
        }
    }
}

void wrong_keys_per_handle_five_then_one_per_ten_seconds(void**) {
    Harness h;
    for (int i = 0; i < 5; ++i) expect_error(h.request(kPractitioner, cheap_wrong_key_create()), 482);
    expect_error(h.request(kPractitioner, cheap_wrong_key_create()), 486);
    expect_error(h.request(kPractitioner, create_with_key("practice.wrong-secret")), 486);
    // The right key costs no Argon2id: it is judged and accepted whatever the handle did.
    expect_kind(h.create(kPractitioner, {"A"}), "created");
    h.clock.advance_ms(9'999);
    expect_error(h.request(kPractitioner, cheap_wrong_key_create()), 486);
    h.clock.advance_ms(1);
    expect_error(h.request(kPractitioner, cheap_wrong_key_create()), 482);
    expect_error(h.request(kPractitioner, cheap_wrong_key_create()), 486);
}

// counsel-keygen's $blake2b$ hashes: wrong keys from thousands of fresh
// handles, with unknown ids and with the practitioner's own id, never delay
// the right key, and stay refused (482, or 486 on a handle's sixth try).
void a_flood_of_wrong_keys_never_delays_a_fast_key(void**) {
    Config config = test_config();
    const std::string key = "dr-a." + std::string(43, 'S');
    config.practitioners = {{"dr-a", make_fast_key_hash(key)}, {"dr-b", make_fast_key_hash("dr-b.secret")}};
    Harness h(config);
    std::map<int, int> answers;
    int created = 0;
    HandleId attacker = 10'000;
    for (int i = 0; i < 3'000; ++i) {  // 500 per simulated second, 6 per handle
        if (i % 6 == 0) ++attacker;
        const std::string wrong = i % 2 ? "x." + std::to_string(i) : "dr-a.wrong-" + std::to_string(i);
        ++answers[code_of(h.request(attacker, create_with_key(wrong)))];
        h.clock.advance_ms(2);
        if (i % 500 == 250) {
            Json answer = h.request(kPractitioner + i, create_with_key(key));
            expect_kind(answer, "created");
            ++created;
        }
    }
    assert_int_equal(created, 6);
    assert_int_equal(answers.size(), 2);
    assert_int_equal(answers[482], 2'500);
    assert_int_equal(answers[486], 500);
    assert_int_equal(h.service.stats().attempts.argon2id_checks, 0);
    assert_int_equal(h.service.stats().attempts.create_refused, 2'500);
    assert_int_equal(h.service.stats().attempts.create_limited, 500);
}

// "$argon2id$" hashes (the older form): their checks cost CPU, so they wait for
// limits per practitioner and overall, charged before the check (right keys
// too: they verify once, then they are remembered). A flood naming one
// practitioner spends only that practitioner's share of the global cap.
void argon2id_checks_are_bounded_per_practitioner_and_overall(void**) {
    Config config = test_config();
    config.practitioners = {{"old-a", argon2id_hash("old-a.secretA")},
                            {"old-b", argon2id_hash("old-b.secretB")},
                            {"old-c", argon2id_hash("old-c.secretC")},
                            {"new", make_fast_key_hash("new.secretN")}};
    Harness h(config);
    expect_kind(h.request(kPractitioner, create_with_key("old-c.secretC")), "created");  // before the flood
    const std::size_t checks_before = h.service.stats().attempts.argon2id_checks;
    // 1,000 wrong keys naming old-a from fresh handles, within one second.
    std::map<int, int> answers;
    for (int i = 0; i < 1'000; ++i) ++answers[code_of(h.request(20'000 + i, create_with_key("old-a.wrong")))];
    assert_int_equal(answers[482], 5);  // old-a's share
    assert_int_equal(answers[486], 995);
    assert_int_equal(h.service.stats().attempts.argon2id_checks - checks_before, 5);
    // old-a's own key waits for old-a's share too: it cannot be told from a wrong one unchecked.
    expect_error(h.request(kPractitioner, create_with_key("old-a.secretA")), 486);
    // Everyone else is judged: old-b's share and the global cap are untouched enough,
    expect_kind(h.request(kPractitioner, create_with_key("old-b.secretB")), "created");
    // a remembered key and a fast key pass whatever the limits say.
    expect_kind(h.request(kPractitioner, create_with_key("old-c.secretC")), "created");
    expect_kind(h.request(kPractitioner, create_with_key("new.secretN")), "created");
    // Flooding old-b too spends the rest of the global cap (10 checks, old-b's right key and old-c's included) ...
    for (int i = 0; i < 100; ++i) h.request(30'000 + i, create_with_key("old-b.wrong"));
    assert_int_equal(h.service.stats().attempts.argon2id_checks - checks_before, 9);
    // ... so wrong keys for old-c are not even checked, though old-c's share is nearly full.
    for (int i = 0; i < 100; ++i) expect_error(h.request(40'000 + i, create_with_key("old-c.wrong")), 486);
    assert_int_equal(h.service.stats().attempts.argon2id_checks - checks_before, 9);
    expect_kind(h.request(kPractitioner, create_with_key("new.secretN")), "created");
    h.clock.advance_ms(2'000);  // old-a's share has one more, the global cap two
    expect_kind(h.request(kPractitioner, create_with_key("old-a.secretA")), "created");
    expect_kind(h.request(kPractitioner, create_with_key("old-a.secretA")), "created");  // now remembered
    assert_int_equal(h.service.stats().attempts.argon2id_checks - checks_before, 10);
}

void a_flood_of_refusals_is_logged_as_counts(void**) {
    Harness h;
    for (int i = 0; i < 1'000; ++i) h.request(50'000 + i, cheap_wrong_key_create());
    std::size_t lines = 0;
    for (const std::string& line : h.gateway.logs) lines += contains(line, "refused (practitioner key)");
    assert_int_equal(lines, 1);
    h.clock.advance_ms(10'000);
    h.service.tick();
    bool summed = false;
    for (const std::string& line : h.gateway.logs) summed = summed || contains(line, "999 more create(s) refused");
    assert_true(summed);
    h.request(60'000, cheap_wrong_key_create());  // a new window: logged at once
    lines = 0;
    for (const std::string& line : h.gateway.logs) lines += contains(line, "handle 60000: create refused");
    assert_int_equal(lines, 1);
}

void malformed_creates_cost_nothing(void**) {
    Harness h;
    for (int i = 0; i < 12; ++i)
        expect_error(h.request(kPractitioner, "{\"request\":\"create\",\"practitioner_key\":\"x\",\"invitees\":5}"), 480);
    expect_kind(h.create(kPractitioner, {"A"}), "created");
    assert_int_equal(h.service.stats().attempts.create_refused + h.service.stats().attempts.create_limited, 0);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(five_wrong_tokens_block_the_handle_for_ten_seconds),
        cmocka_unit_test(after_the_pause_a_handle_gets_one_more_try),
        cmocka_unit_test(a_handle_is_limited_across_rooms),
        cmocka_unit_test(a_detached_handle_leaves_no_bucket_behind),
        cmocka_unit_test(twenty_wrong_passwords_hold_up_password_joins_for_three_seconds),
        cmocka_unit_test(tokens_get_in_during_a_flood_of_wrong_tokens_and_passwords),
        cmocka_unit_test(unknown_rooms_are_limited_exactly_like_real_ones),
        cmocka_unit_test(wrong_keys_per_handle_five_then_one_per_ten_seconds),
        cmocka_unit_test(a_flood_of_wrong_keys_never_delays_a_fast_key),
        cmocka_unit_test(argon2id_checks_are_bounded_per_practitioner_and_overall),
        cmocka_unit_test(a_flood_of_refusals_is_logged_as_counts),
        cmocka_unit_test(malformed_creates_cost_nothing),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
