// profile = "kbv" (KBV Anlage 31b): every room end-to-end encrypted (create
// with e2ee:false is 488), no recording of any kind (recording other than
// "off" is 488, and a recorder wired in is never called), no knock chime for
// the moderator by default, no phone dial-in. Without the profile all of it
// stays as it was.
#include "core/profile.hpp"
#include "support/scenario.hpp"

using namespace counsel;
using namespace counsel::testing;

namespace {

Config kbv_config() {
    Config c = test_config();
    c.profile = "kbv";
    return c;
}

void a_room_without_end_to_end_encryption_is_488(void**) {
    Harness h(kbv_config());
    Json answer = h.create(kPractitioner, {"A"}, ",\"e2ee\":false");
    expect_error(answer, 488);
    assert_true(contains(str(answer, "error"), "KBV"));
    assert_int_equal(h.service.stats().rooms, 0);
    assert_int_equal(h.ledger.rows.size(), 0);
    assert_int_equal(notified_count(h.gateway, "created"), 0);
}

void a_recording_room_is_488_in_every_form(void**) {
    Harness h(kbv_config());
    expect_error(h.create(kPractitioner, {"A"}, ",\"recording\":\"with_consent\""), 488);
    expect_error(h.create(kPractitioner, {"A"}, ",\"recording\":\"with_consent\",\"e2ee\":false"), 488);
    expect_error(h.create(kPractitioner, {"A"}, ",\"recording\":\"with_consent\",\"e2ee\":true"), 488);
    // A value no server knows stays 481, a wrong type 480: the profile comes after the shape.
    expect_error(h.create(kPractitioner, {"A"}, ",\"recording\":\"always\""), 481);
    expect_error(h.create(kPractitioner, {"A"}, ",\"recording\":true"), 480);
    assert_int_equal(h.service.stats().rooms, 0);
}

void the_default_room_is_encrypted_and_unrecorded(void**) {
    Harness h(kbv_config());
    for (const std::string extra : {"", ",\"e2ee\":true", ",\"recording\":\"off\"", ",\"e2ee\":true,\"recording\":\"off\",\"password\":true"}) {
        Json created = h.create(kPractitioner, {"A"}, extra);
        expect_kind(created, "created");
        assert_true(json_is_true(created.field("e2ee")));
        assert_string_equal(str(created, "recording").c_str(), "off");
    }
}

void the_moderator_gets_no_knock_chime_and_the_lobby_still_works(void**) {
    Harness h(kbv_config());
    Session s = make_session(h, {"A"});
    Json joined = h.join(kModerator, s.room, s.moderator_token, "Dr. M");
    expect_kind(joined, "joined");
    assert_true(json_is_false(joined.field("knock_chime")));
    knock_and_admit(h, kGuestA, s.room, s.tokens[0], "Anna");

    Harness plain;
    Session p = make_session(plain, {"A"});
    Json plain_joined = plain.join(kModerator, p.room, p.moderator_token, "Dr. M");
    assert_true(json_is_true(plain_joined.field("knock_chime")));
}

// The recorder the harness wires in is never asked for anything: `record` in
// the room there is finds nothing to record (487), and nothing reaches it.
void the_server_records_nothing(void**) {
    Harness h(kbv_config());
    Session s = make_session(h, {"A"});
    join_as_moderator(h, s);
    knock_and_admit(h, kGuestA, s.room, s.tokens[0], "Anna");
    expect_error(h.request(kModerator, "{\"request\":\"record\",\"action\":\"request\"}"), 488);
    expect_error(h.request(kGuestA, "{\"request\":\"consent\",\"recording\":true}"), 487);
    expect_kind(h.request(kModerator, "{\"request\":\"end\"}"), "ended");
    assert_true(h.recorder.calls.empty());
}

// A phone leg is decoded on the server, so the profile forbids dial-in: a
// phone group in the configuration stops the plugin, and `phone: true` is 488
// (with or without e2ee), before the server's missing phone group (487).
void phone_dial_in_is_forbidden(void**) {
    Config c = kbv_config();
    c.phone_number = "+49 30 1234567";
    c.phone_service_key_hash = phone_test_config().phone_service_key_hash;
    assert_true(contains(c.problem().value_or(""), "forbids phone dial-in"));
    c.profile.clear();
    assert_false(c.problem().has_value());

    Harness h(kbv_config());
    for (const std::string extra : {",\"phone\":true", ",\"phone\":true,\"e2ee\":false"}) {
        Json answer = h.create(kPractitioner, {"A"}, extra);
        expect_error(answer, 488);
        assert_true(contains(str(answer, "error"), "KBV"));
        assert_true(contains(str(answer, "error"), "phone"));
    }
    expect_error(h.create(kPractitioner, {"A"}, ",\"phone\":true,\"e2ee\":true"), 488);
    expect_kind(h.create(kPractitioner, {"A"}, ",\"phone\":false"), "created");
    assert_int_equal(h.service.stats().rooms, 1);
    CreateRequest phone{};
    phone.e2ee = true;
    phone.phone = true;
    assert_true(profile_refusal(Profile::Kbv, Request{std::move(phone)}).has_value());
    assert_false(profile_allows_phone(Profile::Kbv));
    assert_true(profile_allows_phone(Profile::None));
}

void the_profile_check_is_one_place(void**) {
    CreateRequest plain{};
    plain.e2ee = false;
    plain.recording = RecordingMode::WithConsent;
    assert_false(profile_refusal(Profile::None, Request{std::move(plain)}).has_value());
    CreateRequest encrypted{};
    encrypted.e2ee = true;
    encrypted.recording = RecordingMode::Off;
    assert_false(profile_refusal(Profile::Kbv, Request{std::move(encrypted)}).has_value());
    CreateRequest unencrypted{};
    unencrypted.e2ee = false;
    auto refused = profile_refusal(Profile::Kbv, Request{std::move(unencrypted)});
    assert_true(refused.has_value());
    assert_int_equal(static_cast<int>(refused->code), 488);
    // Requests other than create pass untouched.
    assert_false(profile_refusal(Profile::Kbv, Request{LockRequest{true}}).has_value());
    assert_false(profile_allows_recording(Profile::Kbv));
    assert_true(profile_allows_recording(Profile::None));
    assert_false(profile_knock_chime(Profile::Kbv));
    assert_true(profile_knock_chime(Profile::None));
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_room_without_end_to_end_encryption_is_488),
        cmocka_unit_test(a_recording_room_is_488_in_every_form),
        cmocka_unit_test(the_default_room_is_encrypted_and_unrecorded),
        cmocka_unit_test(the_moderator_gets_no_knock_chime_and_the_lobby_still_works),
        cmocka_unit_test(the_server_records_nothing),
        cmocka_unit_test(phone_dial_in_is_forbidden),
        cmocka_unit_test(the_profile_check_is_one_place),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
