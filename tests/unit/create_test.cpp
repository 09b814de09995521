// `create`: who may create a room, every field's shape (480) and range (481),
// the e2ee/recording conflict (488), the answer, and the durable ledger entry
// (a failed write answers 499 and creates nothing).
#include <set>

#include "core/credentials.hpp"
#include "support/scenario.hpp"

using namespace counsel;
using namespace counsel::testing;

namespace {

// The ManualClock's wall clock at the start of every harness.
std::int64_t now_unix(const Harness& h) { return h.clock.unix_s(); }

// Nothing was created: no room in memory or in the ledger, no "created" event.
void assert_nothing_created(Harness& h) {
    assert_int_equal(h.service.stats().rooms, 0);
    assert_int_equal(h.service.stats().rooms_created, 0);
    assert_int_equal(h.ledger.rows.size(), 0);
    assert_int_equal(notified_count(h.gateway, "created"), 0);
    for (const auto& p : h.gateway.pushed) assert_null(p.event.field("room"));
}

void wrong_practitioner_key_is_482_and_creates_nothing(void**) {
    Harness h;
    Json answer = h.request(kPractitioner,
                            "{\"request\":\"create\",\"practitioner_key\":\"not-the-key-0123456789abcdef\","
                            "\"invitees\":[{\"label\":\"A\"}]}");
    expect_error(answer, 482);
    assert_string_equal(str(answer, "error").c_str(), "not authorized");
    // An empty key is a wrong key too, not a malformed request.
    expect_error(h.request(kPractitioner, "{\"request\":\"create\",\"practitioner_key\":\"\",\"invitees\":[{\"label\":\"A\"}]}"),
                 482);
    assert_nothing_created(h);
    // The right key from the same handle still works afterwards.
    expect_kind(h.create(kPractitioner, {"A"}), "created");
}

void every_malformed_create_is_480(void**) {
    Harness h;
    const std::string key = std::string("\"practitioner_key\":\"") + kPractitionerKey + "\"";
    const std::vector<std::string> bodies = {
        // the envelope
        "[]",
        "\"create\"",
        "42",
        "null",
        "{" + key + ",\"invitees\":[{\"label\":\"A\"}]}",                         // no request
        "{\"request\":5," + key + ",\"invitees\":[{\"label\":\"A\"}]}",          // request not a string
        "{\"request\":\"Create\"," + key + ",\"invitees\":[{\"label\":\"A\"}]}",  // unknown request
        "{\"request\":\"creat\"," + key + ",\"invitees\":[{\"label\":\"A\"}]}",
        // fields
        create_body("\"invitees\":[{\"label\":\"A\"}],\"colour\":\"red\""),  // unknown field
        create_body("\"invitees\":[{\"label\":\"A\"}],\"moderator\":\"x\""),
        "{\"request\":\"create\",\"invitees\":[{\"label\":\"A\"}]}",  // no key
        "{\"request\":\"create\",\"practitioner_key\":42,\"invitees\":[{\"label\":\"A\"}]}",
        "{\"request\":\"create\",\"practitioner_key\":null,\"invitees\":[{\"label\":\"A\"}]}",
        create_body(""),                                   // no invitees
        create_body("\"password\":true"),                  // no invitees, even with a password
        create_body("\"invitees\":{\"label\":\"A\"}"),     // invitees not an array
        create_body("\"invitees\":\"A\""),
        create_body("\"invitees\":null"),
        create_body("\"invitees\":[\"A\"]"),               // invitee not an object
        create_body("\"invitees\":[[\"A\"]]"),
        create_body("\"invitees\":[{}]"),                  // no label
        create_body("\"invitees\":[{\"label\":5}]"),       // label not a string
        create_body("\"invitees\":[{\"label\":null}]"),
        create_body("\"invitees\":[{\"label\":[\"A\"]}]"),
        create_body("\"invitees\":[{\"label\":\"A\",\"email\":\"a@example.org\"}]"),  // unknown invitee field
        create_body("\"invitees\":[{\"label\":\"A\"}],\"title\":5"),
        create_body("\"invitees\":[{\"label\":\"A\"}],\"title\":null"),
        create_body("\"invitees\":[{\"label\":\"A\"}],\"starts_at\":\"1790001000\""),
        create_body("\"invitees\":[{\"label\":\"A\"}],\"starts_at\":1790001000.5"),
        create_body("\"invitees\":[{\"label\":\"A\"}],\"starts_at\":null"),
        create_body("\"invitees\":[{\"label\":\"A\"}],\"duration_s\":\"3600\""),
        create_body("\"invitees\":[{\"label\":\"A\"}],\"duration_s\":3600.0"),
        create_body("\"invitees\":[{\"label\":\"A\"}],\"duration_s\":true"),
        create_body("\"invitees\":[{\"label\":\"A\"}],\"e2ee\":\"true\""),
        create_body("\"invitees\":[{\"label\":\"A\"}],\"e2ee\":1"),
        create_body("\"invitees\":[{\"label\":\"A\"}],\"e2ee\":null"),
        create_body("\"invitees\":[{\"label\":\"A\"}],\"recording\":true"),
        create_body("\"invitees\":[{\"label\":\"A\"}],\"recording\":null"),
        create_body("\"invitees\":[{\"label\":\"A\"}],\"password\":\"yes\""),
        create_body("\"invitees\":[{\"label\":\"A\"}],\"password\":1"),
    };
    for (const auto& body : bodies) {
        Json answer = h.request(kPractitioner, body);
        if (error_code(answer) != 480) std::fprintf(stderr, "body: %s\n", body.c_str());
        expect_error(answer, 480);
        assert_string_equal(str(answer, "counsel").c_str(), "error");
        assert_true(json_is_string(answer.field("error")));
    }
    assert_nothing_created(h);
}

void every_out_of_range_create_is_481(void**) {
    Harness h;  // max_participants 4, max_duration_s 14400, max_advance_s 604800
    const std::int64_t now = now_unix(h);
    const std::string a = "\"invitees\":[{\"label\":\"A\"}]";
    const std::string long_label(65, 'x');
    const std::string long_title(81, 't');
    const std::vector<std::string> bodies = {
        // max_participants - 1 invitees at most
        create_body("\"invitees\":[{\"label\":\"A\"},{\"label\":\"B\"},{\"label\":\"C\"},{\"label\":\"D\"}]"),
        // labels
        create_body("\"invitees\":[{\"label\":\"\"}]"),
        create_body("\"invitees\":[{\"label\":\"" + long_label + "\"}]"),
        create_body("\"invitees\":[{\"label\":\"A\\u0007B\"}]"),
        create_body("\"invitees\":[{\"label\":\"A\\nB\"}]"),
        create_body("\"invitees\":[{\"label\":\"A\\tB\"}]"),
        create_body("\"invitees\":[{\"label\":\"A\\u007fB\"}]"),
        create_body("\"invitees\":[{\"label\":\"A\\u0085B\"}]"),
        create_body("\"invitees\":[{\"label\":\"\\u202Egnp.exe\"}]"),
        create_body("\"invitees\":[{\"label\":\"A\\u2066B\"}]"),
        create_body("\"invitees\":[{\"label\":\"A\\u2028B\"}]"),
        create_body("\"invitees\":[{\"label\":\"   \"}]"),
        create_body("\"invitees\":[{\"label\":\"A\"},{\"label\":\"\"}]"),  // the second one is bad
        // title
        create_body(a + ",\"title\":\"" + long_title + "\""),
        create_body(a + ",\"title\":\"Intake\\u0001\""),
        create_body(a + ",\"title\":\"\\u202Eevil\""),
        // starts_at: from 5 min ago to max_advance_s ahead
        create_body(a + ",\"starts_at\":" + std::to_string(now - 301)),
        create_body(a + ",\"starts_at\":" + std::to_string(now + 604800 + 1)),
        create_body(a + ",\"starts_at\":0"),
        create_body(a + ",\"starts_at\":-1"),
        // duration_s: 60 .. max_duration_s
        create_body(a + ",\"duration_s\":59"),
        create_body(a + ",\"duration_s\":0"),
        create_body(a + ",\"duration_s\":-3600"),
        create_body(a + ",\"duration_s\":14401"),
        // recording
        create_body(a + ",\"recording\":\"on\""),
        create_body(a + ",\"recording\":\"\""),
        create_body(a + ",\"recording\":\"With_Consent\""),
        create_body(a + ",\"e2ee\":false,\"recording\":\"always\""),
        // a room needs at least one invitee or a password
        create_body("\"invitees\":[]"),
        create_body("\"invitees\":[],\"password\":false"),
    };
    for (const auto& body : bodies) {
        Json answer = h.request(kPractitioner, body);
        if (error_code(answer) != 481) std::fprintf(stderr, "body: %s\n", body.c_str());
        expect_error(answer, 481);
    }
    assert_nothing_created(h);
}

void boundary_values_are_accepted(void**) {
    Harness h;
    const std::int64_t now = now_unix(h);
    const std::string label64(64, 'x');
    std::string label64_multibyte;
    for (int i = 0; i < 64; ++i) label64_multibyte += "\\u00e4";  // 64 code points, 128 bytes
    const std::string title80(80, 't');
    const std::vector<std::string> bodies = {
        create_body("\"invitees\":[{\"label\":\"A\"},{\"label\":\"B\"},{\"label\":\"C\"}]"),  // max_participants - 1
        create_body("\"invitees\":[{\"label\":\"" + label64 + "\"}]"),
        create_body("\"invitees\":[{\"label\":\"" + label64_multibyte + "\"}]"),
        create_body("\"invitees\":[{\"label\":\"Frau M\\u00fcller (Mutter)\"}]"),
        create_body("\"invitees\":[{\"label\":\"A\"}],\"title\":\"" + title80 + "\""),
        create_body("\"invitees\":[{\"label\":\"A\"}],\"title\":\"\""),
        create_body("\"invitees\":[{\"label\":\"A\"}],\"starts_at\":" + std::to_string(now - 300)),
        create_body("\"invitees\":[{\"label\":\"A\"}],\"starts_at\":" + std::to_string(now + 604800)),
        create_body("\"invitees\":[{\"label\":\"A\"}],\"duration_s\":60"),
        create_body("\"invitees\":[{\"label\":\"A\"}],\"duration_s\":14400"),
        create_body("\"invitees\":[{\"label\":\"A\"}],\"recording\":\"off\""),
        create_body("\"invitees\":[],\"password\":true"),
    };
    for (const auto& body : bodies) {
        Json answer = h.request(kPractitioner, body);
        if (counsel_kind(answer) != "created") std::fprintf(stderr, "body: %s\n", body.c_str());
        expect_kind(answer, "created");
    }
    assert_int_equal(h.service.stats().rooms, bodies.size());
    assert_int_equal(h.ledger.rows.size(), bodies.size());
}

void e2ee_with_recording_is_488_and_defaults_follow_recording(void**) {
    Harness h;
    const std::string a = "\"invitees\":[{\"label\":\"A\"}]";
    expect_error(h.request(kPractitioner, create_body(a + ",\"e2ee\":true,\"recording\":\"with_consent\"")), 488);
    expect_error(h.request(kPractitioner, create_body(a + ",\"recording\":\"with_consent\",\"e2ee\":true")), 488);
    assert_nothing_created(h);

    Json plain = h.request(kPractitioner, create_body(a));
    expect_kind(plain, "created");
    assert_true(json_is_true(plain.field("e2ee")));
    assert_string_equal(str(plain, "recording").c_str(), "off");

    Json recorded = h.request(kPractitioner, create_body(a + ",\"recording\":\"with_consent\""));
    expect_kind(recorded, "created");
    assert_true(json_is_false(recorded.field("e2ee")));
    assert_string_equal(str(recorded, "recording").c_str(), "with_consent");

    Json explicit_off = h.request(kPractitioner, create_body(a + ",\"e2ee\":false,\"recording\":\"with_consent\""));
    expect_kind(explicit_off, "created");
    assert_true(json_is_false(explicit_off.field("e2ee")));
    assert_string_equal(str(explicit_off, "recording").c_str(), "with_consent");

    Json no_e2ee = h.request(kPractitioner, create_body(a + ",\"e2ee\":false"));
    expect_kind(no_e2ee, "created");
    assert_true(json_is_false(no_e2ee.field("e2ee")));
    assert_string_equal(str(no_e2ee, "recording").c_str(), "off");

    Json e2ee_off_recording = h.request(kPractitioner, create_body(a + ",\"e2ee\":true,\"recording\":\"off\""));
    expect_kind(e2ee_off_recording, "created");
    assert_true(json_is_true(e2ee_off_recording.field("e2ee")));
}

void the_answer_carries_fresh_distinct_credentials(void**) {
    Harness h;
    const std::int64_t starts = now_unix(h) + 7200;
    Json created = h.request(kPractitioner,
                             create_body("\"invitees\":[{\"label\":\"Mutter\"},{\"label\":\"Lehrerin\"},"
                                         "{\"label\":\"Dr. \\u00c4rztin\"}],\"password\":true,\"title\":\"Hilfeplan\","
                                         "\"starts_at\":" + std::to_string(starts) + ",\"duration_s\":5400"));
    expect_kind(created, "created");
    // The answer goes to the practitioner, with the request's transaction ("t1").
    assert_int_equal(h.gateway.pushed.size(), 1);
    assert_int_equal(h.gateway.pushed[0].handle, kPractitioner);
    assert_string_equal(h.gateway.pushed[0].transaction.c_str(), "t1");

    Session s = session_from(created);
    std::set<std::string> seen;
    auto check_token = [&](const std::string& t) {
        assert_int_equal(t.size(), 22);
        assert_true(looks_like_token(t));
        for (char c : t) assert_true(isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
        assert_true(seen.insert(t).second);  // distinct from every other one
    };
    check_token(s.room);
    check_token(s.moderator_token);
    assert_int_equal(s.tokens.size(), 3);
    for (const auto& t : s.tokens) check_token(t);

    // Labels echoed in order, each with its own token.
    assert_string_equal(str(item(created, "invites", 0), "label").c_str(), "Mutter");
    assert_string_equal(str(item(created, "invites", 1), "label").c_str(), "Lehrerin");
    assert_string_equal(str(item(created, "invites", 2), "label").c_str(), "Dr. \xc3\x84rztin");

    assert_int_equal(s.password.size(), 12);
    assert_true(looks_like_password(s.password));
    assert_int_equal(s.starts_at, starts);
    assert_int_equal(s.expires_at, starts + 5400);
    assert_true(json_is_true(created.field("e2ee")));
    assert_string_equal(str(created, "recording").c_str(), "off");

    // Without `password: true` there is no password field; defaults: now, one hour.
    Json plain = h.create(kPractitioner, {"A"});
    expect_kind(plain, "created");
    assert_null(plain.field("password"));
    assert_int_equal(plain.integer_at("starts_at").value_or(0), now_unix(h));
    assert_int_equal(plain.integer_at("expires_at").value_or(0), now_unix(h) + 3600);
    Session p = session_from(plain);
    check_token(p.room);
    check_token(p.moderator_token);
    check_token(p.tokens.at(0));
}

void default_duration_follows_a_lower_max_duration(void**) {
    Config config = test_config();
    config.max_duration_s = 1800;
    Harness h(config);
    Json created = h.create(kPractitioner, {"A"});
    expect_kind(created, "created");
    assert_int_equal(created.integer_at("expires_at").value_or(0), created.integer_at("starts_at").value_or(0) + 1800);
    expect_error(h.create(kPractitioner, {"A"}, ",\"duration_s\":1801"), 481);
}

void the_ledger_holds_the_new_room_as_live(void**) {
    Harness h;
    Session s = make_session(h);
    assert_int_equal(h.ledger.rows.size(), 1);
    assert_int_equal(static_cast<int>(h.ledger.state(room_digest(s.room))), static_cast<int>(LedgerState::Live));
    assert_int_equal(h.service.stats().rooms, 1);
    assert_int_equal(h.service.stats().rooms_created, 1);
    // The event for Janus's handlers carries counts, no labels or tokens.
    Json event = last_notified(h.gateway, "created");
    assert_non_null(event.get());
    assert_int_equal(event.integer_at("invitees").value_or(-1), 2);
    const std::string text = notified_and_logged(h.gateway);
    assert_false(contains(text, "Client A"));
    assert_false(contains(text, s.room));
    assert_false(contains(text, s.moderator_token));
    assert_false(contains(text, s.tokens[0]));
}

void a_failed_ledger_write_is_499_and_creates_nothing(void**) {
    Harness h;
    h.ledger.fail_writes = true;
    Json answer = h.create(kPractitioner, {"A", "B"}, ",\"password\":true");
    expect_error(answer, 499);
    assert_null(answer.field("room"));
    assert_null(answer.field("moderator_token"));
    assert_nothing_created(h);
    // Once the store works again, so does create.
    h.ledger.fail_writes = false;
    Session s = make_session(h);
    assert_int_equal(h.service.stats().rooms, 1);
    assert_int_equal(static_cast<int>(h.ledger.state(room_digest(s.room))), static_cast<int>(LedgerState::Live));
}

void every_create_gives_a_new_room(void**) {
    Harness h;
    std::set<std::string> rooms;
    for (int i = 0; i < 20; ++i) assert_true(rooms.insert(make_session(h, {"A"}).room).second);
    assert_int_equal(h.service.stats().rooms, 20);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wrong_practitioner_key_is_482_and_creates_nothing),
        cmocka_unit_test(every_malformed_create_is_480),
        cmocka_unit_test(every_out_of_range_create_is_481),
        cmocka_unit_test(boundary_values_are_accepted),
        cmocka_unit_test(e2ee_with_recording_is_488_and_defaults_follow_recording),
        cmocka_unit_test(the_answer_carries_fresh_distinct_credentials),
        cmocka_unit_test(default_duration_follows_a_lower_max_duration),
        cmocka_unit_test(the_ledger_holds_the_new_room_as_live),
        cmocka_unit_test(a_failed_ledger_write_is_499_and_creates_nothing),
        cmocka_unit_test(every_create_gives_a_new_room),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
