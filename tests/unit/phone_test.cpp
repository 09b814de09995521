// Phone dial-in through the core: rooms with a room number and personal PINs,
// counsel-phone knocking with its service key, "Telefon <n>" in the lobby, a
// wrong PIN answered exactly like an unknown room, the PIN limits (a token's), prompts,
// and everything else (in use, kick burns, end forgets the number).
#include <set>

#include "core/phone_credentials.hpp"
#include "support/scenario.hpp"

using namespace counsel;
using namespace counsel::testing;

namespace {

constexpr HandleId kCallerA = 40, kCallerB = 41, kCallerC = 42;
const char* const kServiceKey = kPhoneServiceKey;

Config phone_config() { return phone_test_config(); }

struct PhoneRoom {
    Session session;
    std::string room_number;
    std::vector<std::string> pins;
};

PhoneRoom make_phone_room(Harness& h, const std::vector<std::string>& labels = {"Client A", "Client B"}) {
    PhoneRoom r;
    r.session = make_session(h, labels, ",\"phone\":true");
    Json phone = Json::borrow(r.session.created.field("phone"));
    r.room_number = str(phone, "room_number");
    for (std::size_t i = 0; i < labels.size(); ++i) r.pins.push_back(str(item(r.session.created, "invites", i), "pin"));
    return r;
}

Json phone_join(Harness& h, HandleId handle, const std::string& room_number, const std::string& pin,
                const std::string& key = kServiceKey) {
    return h.request(handle, "{\"request\":\"phone_join\",\"service_key\":\"" + key + "\",\"room_number\":\"" +
                                 room_number + "\",\"pin\":\"" + pin + "\"}");
}

std::string other_pin(const std::vector<std::string>& pins) {
    for (std::string candidate(kPinDigits, '0');; candidate.back()++) {
        bool taken = false;
        for (const auto& p : pins) taken = taken || p == candidate;
        if (!taken) return candidate;
    }
}

std::string other_number(const std::string& number) { return number == "000000" ? "000001" : "000000"; }

void phone_rooms_need_the_servers_phone_settings(void**) {
    Harness h;  // no phone section
    expect_error(h.create(kPractitioner, {"A"}, ",\"phone\":true"), 487);
    Harness ok(phone_config());
    expect_kind(ok.create(kPractitioner, {"A"}, ",\"phone\":true"), "created");
}

void phone_and_e2ee_conflict_and_phone_rooms_default_to_no_e2ee(void**) {
    Harness h(phone_config());
    Json refused = h.create(kPractitioner, {"A"}, ",\"phone\":true,\"e2ee\":true");
    expect_error(refused, 488);
    assert_true(contains(str(refused, "error"), "end-to-end"));
    Json created = h.create(kPractitioner, {"A"}, ",\"phone\":true");
    expect_kind(created, "created");
    assert_false(json_is_true(created.field("e2ee")));
    expect_kind(h.create(kPractitioner, {"A"}, ",\"phone\":true,\"e2ee\":false"), "created");
    expect_error(h.create(kPractitioner, {"A"}, ",\"phone\":\"yes\""), 480);
}

void create_gives_a_room_number_and_a_pin_per_invitee(void**) {
    Harness h(phone_config());
    PhoneRoom r = make_phone_room(h, {"A", "B", "C"});
    Json phone = Json::borrow(r.session.created.field("phone"));
    assert_string_equal(str(phone, "number").c_str(), "+49 30 1234567");
    assert_int_equal(r.room_number.size(), 6);
    std::set<std::string> distinct;
    for (const auto& pin : r.pins) {
        assert_int_equal(pin.size(), 12);
        assert_true(pin.find_first_not_of("0123456789") == std::string::npos);
        distinct.insert(pin);
    }
    assert_int_equal(distinct.size(), 3);
    // A room without phone has none of it.
    Json plain = h.create(kPractitioner, {"A"});
    assert_null(plain.field("phone"));
    assert_null(json_object_get(json_array_get(plain.field("invites"), 0), "pin"));
    // Numbers of live rooms differ.
    std::set<std::string> numbers{r.room_number};
    for (int i = 0; i < 20; ++i) numbers.insert(make_phone_room(h, {"A"}).room_number);
    assert_int_equal(numbers.size(), 21);
}

void a_caller_knocks_as_telefon_n_and_is_admitted(void**) {
    Harness h(phone_config());
    PhoneRoom r = make_phone_room(h);
    join_as_moderator(h, r.session);
    Json waiting = phone_join(h, kCallerA, r.room_number, r.pins[0]);
    expect_kind(waiting, "waiting");
    const std::uint64_t a = h.id_of(waiting);
    Json lobby = h.gateway.last(kModerator, "lobby");
    Json entry = item(lobby, "waiting", 0);
    assert_string_equal(str(entry, "display").c_str(), "Telefon 1");
    assert_true(json_is_true(entry.field("phone")));
    expect_kind(phone_join(h, kCallerB, r.room_number, r.pins[1]), "waiting");
    assert_string_equal(str(item(h.gateway.last(kModerator, "lobby"), "waiting", 1), "display").c_str(), "Telefon 2");

    expect_kind(target(h, kModerator, "admit", a), "ok");
    expect_kind(h.gateway.last(kCallerA, "admitted"), "admitted");
    Json participants = h.gateway.last(kModerator, "participants");
    bool seen = false;
    for (std::size_t i = 0; i < size_of(participants, "participants"); ++i) {
        Json p = item(participants, "participants", i);
        if (h.id_of(p) == a) seen = json_is_true(p.field("phone")) && str(p, "display") == "Telefon 1";
    }
    assert_true(seen);
    // Nothing that left the core carries a PIN or the room number.
    for (const auto& pin : r.pins) assert_false(contains(notified_and_logged(h.gateway), pin));
    assert_false(contains(notified_and_logged(h.gateway), r.room_number));
    assert_true(contains(h.service.describe_handle(kCallerA).dump(), "\"phone\":true"));
}

void the_service_key_is_required(void**) {
    Harness h(phone_config());
    PhoneRoom r = make_phone_room(h);
    expect_error(phone_join(h, kCallerA, r.room_number, r.pins[0], "wrong-key"), 482);
    expect_error(h.request(kCallerA, "{\"request\":\"phone_join\",\"room_number\":\"" + r.room_number +
                                         "\",\"pin\":\"" + r.pins[0] + "\"}"),
                 480);
    expect_error(phone_join(h, kCallerA, r.room_number, "12345"), 481);
    expect_error(phone_join(h, kCallerA, "12a456", r.pins[0]), 481);
    // Without the server's phone settings, nobody may knock by phone.
    Harness off;
    expect_error(phone_join(off, kCallerA, r.room_number, r.pins[0]), 487);
    assert_true(contains(notified_and_logged(h.gateway), "phone_join refused (service key)"));
}

void a_wrong_pin_and_an_unknown_room_look_the_same_and_never_hold_up_a_right_pin(void**) {
    Harness h(phone_config());
    PhoneRoom r = make_phone_room(h);
    const std::string wrong = other_pin(r.pins);
    const std::string unknown = other_number(r.room_number);
    HandleId handle = 100;
    // A flood of wrong PINs for the room, each call on a fresh handle: the same
    // answer as for a room number nobody uses, and no bucket of the room's fills.
    for (int i = 0; i < 200; ++i) {
        Json a = phone_join(h, handle++, r.room_number, wrong);
        Json b = phone_join(h, handle++, unknown, wrong);
        expect_error(a, 482);
        assert_string_equal(a.dump().c_str(), b.dump().c_str());
    }
    // The right PIN is judged at once, as a personal link is (docs/api.md "Rate limits").
    expect_kind(phone_join(h, handle++, r.room_number, r.pins[0]), "waiting");
    assert_int_equal(h.service.stats().lobby, 1);
}

void one_call_is_limited_like_one_handle(void**) {
    Harness h(phone_config());
    PhoneRoom r = make_phone_room(h);
    const std::string wrong = other_pin(r.pins);
    const std::string unknown = other_number(r.room_number);
    // A call's handle has a token's bucket: 5, then one more every 10 s,
    // for known and unknown room numbers alike.
    for (int i = 0; i < 5; ++i) expect_error(phone_join(h, kCallerA, r.room_number, wrong), 482);
    Json limited = phone_join(h, kCallerA, r.room_number, r.pins[0]);
    expect_error(limited, 486);
    for (int i = 0; i < 5; ++i) expect_error(phone_join(h, kCallerC, unknown, wrong), 482);
    assert_string_equal(limited.dump().c_str(), phone_join(h, kCallerC, unknown, wrong).dump().c_str());
    expect_kind(phone_join(h, kCallerB, r.room_number, r.pins[0]), "waiting");
    h.clock.advance_ms(10'000);
    expect_kind(phone_join(h, kCallerA, r.room_number, r.pins[1]), "waiting");
    assert_int_equal(h.service.stats().attempts.join_refused, 10);
    assert_int_equal(h.service.stats().attempts.join_limited, 2);
}

void the_pin_is_the_personal_credential(void**) {
    Harness h(phone_config());
    PhoneRoom r = make_phone_room(h);
    join_as_moderator(h, r.session);
    // The same person cannot be there twice: by link and by phone.
    knock(h, kGuestA, r.session.room, r.session.tokens[0], "Anna");
    expect_error(phone_join(h, kCallerA, r.room_number, r.pins[0]), 490);
    const std::uint64_t b = h.id_of(phone_join(h, kCallerB, r.room_number, r.pins[1]));
    expect_error(h.join(kGuestB, r.session.room, r.session.tokens[1], "Bert"), 490);
    // A kick burns the invite: neither the PIN nor the link opens the room again.
    expect_kind(target(h, kModerator, "kick", b), "ok");
    expect_kind(h.gateway.last(kCallerB, "removed"), "removed");
    expect_error(phone_join(h, kCallerC, r.room_number, r.pins[1]), 482);
    expect_error(h.join(kGuestB, r.session.room, r.session.tokens[1], "Bert"), 482);
    // A locked room keeps callers out like everyone else (after the PIN was right).
    h.request(kGuestA, "{\"request\":\"leave\"}");
    expect_kind(h.request(kModerator, "{\"request\":\"lock\"}"), "ok");
    expect_error(phone_join(h, 77, r.room_number, r.pins[0]), 485);
}

// deny "not now" lets the caller call again; deny with ban burns the invite:
// its PIN and its link, from any call or connection, as a kick does.
void deny_with_ban_burns_the_callers_pin(void**) {
    Harness h(phone_config());
    PhoneRoom r = make_phone_room(h);
    join_as_moderator(h, r.session);
    const std::uint64_t first = h.id_of(phone_join(h, kCallerA, r.room_number, r.pins[0]));
    expect_kind(h.request(kModerator, "{\"request\":\"deny\",\"id\":" + std::to_string(first) + ",\"ban\":false}"), "ok");
    assert_true(json_is_false(h.gateway.last(kCallerA, "denied").field("final")));
    const std::uint64_t again = h.id_of(phone_join(h, kCallerB, r.room_number, r.pins[0]));
    Json banned = h.request(kModerator, "{\"request\":\"deny\",\"id\":" + std::to_string(again) + ",\"ban\":true}");
    expect_kind(banned, "ok");
    assert_string_equal(str(banned, "banned").c_str(), "link");
    assert_true(json_is_true(h.gateway.last(kCallerB, "denied").field("final")));
    expect_error(phone_join(h, kCallerC, r.room_number, r.pins[0]), 482);
    expect_error(h.join(kGuestA, r.session.room, r.session.tokens[0], "Anna"), 482);
    // The room's other invite is untouched.
    expect_kind(phone_join(h, 77, r.room_number, r.pins[1]), "waiting");
}

void the_moderator_plays_the_wait_prompt_to_callers_only(void**) {
    Harness h(phone_config());
    PhoneRoom r = make_phone_room(h);
    join_as_moderator(h, r.session);
    const std::uint64_t caller = h.id_of(phone_join(h, kCallerA, r.room_number, r.pins[0]));
    const std::uint64_t browser = knock(h, kGuestB, r.session.room, r.session.tokens[1], "Bert");
    const std::string prompt = "{\"request\":\"prompt\",\"prompt\":\"wait\",\"id\":";
    expect_kind(h.request(kModerator, prompt + std::to_string(caller) + "}"), "ok");
    assert_string_equal(str(h.gateway.last(kCallerA, "prompt"), "prompt").c_str(), "wait");
    expect_error(h.request(kModerator, prompt + std::to_string(browser) + "}"), 487);
    expect_error(h.request(kGuestB, prompt + std::to_string(caller) + "}"), 487);
    expect_error(h.request(kModerator, "{\"request\":\"prompt\",\"prompt\":\"sing\",\"id\":" + std::to_string(caller) + "}"),
                 481);
    expect_kind(target(h, kModerator, "admit", caller), "ok");
    expect_error(h.request(kModerator, prompt + std::to_string(caller) + "}"), 481);
}

void callers_have_no_peerconnection_and_rtp_needs_admission(void**) {
    Harness h(phone_config());
    PhoneRoom r = make_phone_room(h);
    join_as_moderator(h, r.session);
    const std::uint64_t caller = h.id_of(phone_join(h, kCallerA, r.room_number, r.pins[0]));
    expect_error(h.request(kCallerA, "{\"request\":\"rtp\",\"port\":40000}"), 487);
    const std::uint64_t guest = knock_and_admit(h, kGuestB, r.session.room, r.session.tokens[1], "Bert");
    (void)guest;
    expect_error(h.request(kGuestB, "{\"request\":\"rtp\",\"port\":40000}"), 487);
    expect_kind(target(h, kModerator, "admit", caller), "ok");
    expect_error(h.request(kCallerA, "{\"request\":\"rtp\",\"port\":80}"), 481);
    expect_error(h.request(kCallerA, "{\"request\":\"publish\"}"), 487);
}

// counsel-phone detaches a caller's handle when the call ends: that is the
// caller's leave. Their seat does not wait for reconnect_grace_s (a call has
// no resume secret to come back with), so a call again is an ordinary knock.
void a_call_that_ends_frees_the_seat_at_once(void**) {
    Harness h(phone_config());
    PhoneRoom r = make_phone_room(h);
    join_as_moderator(h, r.session);
    const std::uint64_t caller = h.id_of(phone_join(h, kCallerA, r.room_number, r.pins[0]));
    expect_kind(target(h, kModerator, "admit", caller), "ok");
    h.service.detach(kCallerA);
    Json participants = h.gateway.last(kModerator, "participants");
    for (std::size_t i = 0; i < size_of(participants, "participants"); ++i)
        assert_true(h.id_of(item(participants, "participants", i)) != caller);
    expect_kind(phone_join(h, kCallerB, r.room_number, r.pins[0]), "waiting");
}

void ending_forgets_the_room_number(void**) {
    Harness h(phone_config());
    PhoneRoom r = make_phone_room(h);
    join_as_moderator(h, r.session);
    phone_join(h, kCallerA, r.room_number, r.pins[0]);
    expect_kind(h.request(kModerator, "{\"request\":\"end\"}"), "ended");
    expect_kind(h.gateway.last(kCallerA, "ended"), "ended");
    // An ended room's number is unknown: the same 482 as any wrong PIN.
    expect_error(phone_join(h, kCallerB, r.room_number, r.pins[1]), 482);
    assert_true(contains(last_notified(h.gateway, "created").dump(), "\"phone\":true"));
}

void config_checks_the_phone_settings(void**) {
    Config c = phone_config();
    assert_false(c.problem().has_value());
    c.phone_service_key_hash.clear();
    assert_true(c.problem().has_value());
    c = phone_config();
    c.phone_number.clear();
    assert_true(c.problem().has_value());
    c = phone_config();
    c.phone_number = "call us";
    assert_true(c.problem().has_value());
    c = phone_config();
    c.phone_service_key_hash = "plain";
    assert_true(c.problem().has_value());
    // Only counsel-keygen's $blake2b$ form: a slow hash would cost the room thread ~50 ms a call.
    c = phone_config();
    c.phone_service_key_hash = argon2id_hash(kPhoneServiceKey);
    assert_true(contains(c.problem().value_or(""), "$blake2b$"));
    c = phone_config();
    c.phone_service_key_hash.pop_back();  // cut short
    assert_true(contains(c.problem().value_or(""), "phone.service_key_hash cannot be used"));
    assert_false(contains(c.problem().value_or(""), phone_config().phone_service_key_hash));
    c = phone_config();
    c.phone_number.clear();
    c.phone_service_key_hash.clear();
    assert_false(c.problem().has_value());
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(phone_rooms_need_the_servers_phone_settings),
        cmocka_unit_test(phone_and_e2ee_conflict_and_phone_rooms_default_to_no_e2ee),
        cmocka_unit_test(create_gives_a_room_number_and_a_pin_per_invitee),
        cmocka_unit_test(a_caller_knocks_as_telefon_n_and_is_admitted),
        cmocka_unit_test(the_service_key_is_required),
        cmocka_unit_test(a_wrong_pin_and_an_unknown_room_look_the_same_and_never_hold_up_a_right_pin),
        cmocka_unit_test(one_call_is_limited_like_one_handle),
        cmocka_unit_test(the_pin_is_the_personal_credential),
        cmocka_unit_test(deny_with_ban_burns_the_callers_pin),
        cmocka_unit_test(the_moderator_plays_the_wait_prompt_to_callers_only),
        cmocka_unit_test(callers_have_no_peerconnection_and_rtp_needs_admission),
        cmocka_unit_test(a_call_that_ends_frees_the_seat_at_once),
        cmocka_unit_test(ending_forgets_the_room_number),
        cmocka_unit_test(config_checks_the_phone_settings),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
