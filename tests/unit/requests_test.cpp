// The request envelope and the shape of the moderator's requests: every
// malformed body is 480, every out-of-range id 481, the error answer has a
// fixed shape and goes only to the asker with its transaction, and a refused
// request changes nothing.
#include "support/scenario.hpp"

using namespace counsel;
using namespace counsel::testing;

namespace {

struct Fixture {
    Harness h;
    Session s;
    std::uint64_t anna = 0, bert = 0;
    Fixture() : s(make_session(h)) {
        join_as_moderator(h, s);
        anna = knock_and_admit(h, kGuestA, s.room, s.tokens[0], "Anna");
        bert = knock(h, kGuestB, s.room, s.tokens[1], "Bert");
    }
    // Counts that any accepted request would change.
    std::string snapshot() {
        ServiceStats st = h.service.stats();
        return std::to_string(st.rooms) + "/" + std::to_string(st.lobby) + "/" + std::to_string(st.admitted) + "/" +
               std::to_string(h.gateway.closed.size()) + "/" + std::to_string(h.gateway.notified.size()) + "/" +
               std::to_string(h.gateway.count(kGuestA, "participants"));
    }
};

void assert_error_shape(const Json& answer, int code) {
    expect_error(answer, code);
    assert_int_equal(json_object_size(answer.get()), 3);
    assert_string_equal(str(answer, "counsel").c_str(), "error");
    assert_true(json_is_integer(answer.field("error_code")));
    assert_true(json_is_string(answer.field("error")));
    assert_false(str(answer, "error").empty());
}

void bodies_that_are_not_requests_are_480(void**) {
    Fixture f;
    const std::string before = f.snapshot();
    for (const char* body : {"[]", "[{\"request\":\"end\"}]", "\"end\"", "1", "null", "true", "{}",
                             "{\"request\":null}", "{\"request\":1}", "{\"request\":[\"end\"]}", "{\"request\":{}}",
                             "{\"request\":\"\"}", "{\"request\":\"End\"}", "{\"request\":\"end \"}",
                             "{\"request\":\"promote\"}", "{\"request\":\"admin\"}", "{\"Request\":\"end\"}"}) {
        Json answer = f.h.request(kModerator, body);
        if (error_code(answer) != 480) std::fprintf(stderr, "body: %s\n", body);
        assert_error_shape(answer, 480);
    }
    assert_string_equal(f.snapshot().c_str(), before.c_str());
}

void unknown_fields_are_480_for_every_request(void**) {
    Fixture f;
    const std::string before = f.snapshot();
    const std::string a = std::to_string(f.anna), b = std::to_string(f.bert);
    for (const std::string& body :
         {"{\"request\":\"admit\",\"id\":" + b + ",\"x\":1}", "{\"request\":\"deny\",\"id\":" + b + ",\"reason\":\"no\"}",
          "{\"request\":\"kick\",\"id\":" + a + ",\"ban\":true}", "{\"request\":\"admit\",\"id\":" + b + ",\"ban\":false}",
          std::string("{\"request\":\"deny_password\",\"ban\":true,\"id\":1}"),
          std::string("{\"request\":\"deny_password\"}"), std::string("{\"request\":\"deny_password\",\"ban\":1}"),
          std::string("{\"request\":\"deny_password\",\"ban\":\"true\"}"),
          "{\"request\":\"deny\",\"id\":" + b + ",\"ban\":\"yes\"}", "{\"request\":\"deny\",\"id\":" + b + ",\"ban\":null}",
          "{\"request\":\"mute\",\"id\":" + a + ",\"audio\":true,\"data\":true}",
          std::string("{\"request\":\"lock\",\"locked\":true}"), std::string("{\"request\":\"unlock\",\"x\":null}"),
          std::string("{\"request\":\"end\",\"reason\":\"expired\"}"), std::string("{\"request\":\"leave\",\"id\":1}"),
          std::string("{\"request\":\"incident\",\"category\":\"other\",\"text\":\"\"}")}) {
        Json answer = f.h.request(kModerator, body);
        if (error_code(answer) != 480) std::fprintf(stderr, "body: %s\n", body.c_str());
        assert_error_shape(answer, 480);
    }
    assert_string_equal(f.snapshot().c_str(), before.c_str());
}

void ids_must_be_integers_in_range(void**) {
    Fixture f;
    const std::string before = f.snapshot();
    for (const char* action : {"admit", "deny", "kick", "mute"}) {
        const std::string prefix = std::string("{\"request\":\"") + action + "\"";
        const std::string extra = std::string(action) == "mute" ? ",\"audio\":true" : "";
        for (const char* bad : {"", ",\"id\":\"1\"", ",\"id\":1.0", ",\"id\":true", ",\"id\":null", ",\"id\":[1]"})
            assert_error_shape(f.h.request(kModerator, prefix + bad + extra + "}"), 480);
        for (const char* out_of_range : {"0", "-1", "9007199254740992", "9223372036854775807"})
            assert_error_shape(f.h.request(kModerator, prefix + ",\"id\":" + out_of_range + extra + "}"), 481);
        // The largest id is well-formed; nobody has it, so it is unknown (481 as well).
        assert_error_shape(f.h.request(kModerator, prefix + ",\"id\":9007199254740991" + extra + "}"), 481);
    }
    assert_string_equal(f.snapshot().c_str(), before.c_str());
}

void mute_needs_boolean_audio_or_video(void**) {
    Fixture f;
    const std::string before = f.snapshot();
    const std::string id = std::to_string(f.anna);
    for (const std::string& fields : {std::string(""), std::string(",\"audio\":1"), std::string(",\"video\":\"true\""),
                                      std::string(",\"audio\":null"), std::string(",\"audio\":true,\"video\":0")})
        assert_error_shape(f.h.request(kModerator, "{\"request\":\"mute\",\"id\":" + id + fields + "}"), 480);
    assert_string_equal(f.snapshot().c_str(), before.c_str());
    assert_int_equal(f.h.gateway.count(kGuestA, "muted"), 0);
}

void a_jsep_is_480_on_every_request(void**) {
    Fixture f;
    const std::string before = f.snapshot();
    const std::size_t closed_before = f.h.gateway.closed.size();
    const std::vector<std::string> bodies = {
        "{\"request\":\"join\",\"room\":\"" + f.s.room + "\",\"token\":\"" + f.s.tokens[0] + "\",\"display\":\"C\"}",
        "{\"request\":\"admit\",\"id\":" + std::to_string(f.bert) + "}",
        "{\"request\":\"end\"}",
        create_body("\"invitees\":[{\"label\":\"A\"}]"),
    };
    int n = 0;
    for (const auto& body : bodies) {
        const std::string txn = "jsep" + std::to_string(++n);
        f.h.service.handle(kGuestC, txn, Json::adopt(json_loads(body.c_str(), 0, nullptr)), Json::object().set("type", "offer").set("sdp", "v=0"));
        f.h.service.handle(kModerator, txn, Json::adopt(json_loads(body.c_str(), 0, nullptr)), Json::object().set("type", "offer").set("sdp", "v=0"));
        for (HandleId who : {kGuestC, kModerator}) {
            const Pushed& p = f.h.gateway.pushed.at(f.h.gateway.pushed.size() - (who == kGuestC ? 2 : 1));
            assert_int_equal(p.handle, who);
            assert_string_equal(p.transaction.c_str(), txn.c_str());
            // A first offer: the PeerConnection Janus began for it is closed, and the answer says so.
            assert_true(json_is_true(p.event.field("pc_closed")));
            json_object_del(p.event.get(), "pc_closed");
            assert_error_shape(p.event, 480);
        }
    }
    assert_int_equal(f.h.gateway.closed.size(), closed_before + 2 * bodies.size());
    f.h.gateway.closed.resize(closed_before);  // closing that PeerConnection is all that happened
    assert_string_equal(f.snapshot().c_str(), before.c_str());
    assert_int_equal(f.h.service.stats().rooms_created, 1);
}

void errors_go_to_the_asker_only_with_its_transaction(void**) {
    Fixture f;
    const std::size_t pushed = f.h.gateway.pushed.size();
    f.h.service.handle(kGuestB, "my-transaction", Json::adopt(json_loads("{\"request\":\"end\"}", 0, nullptr)), Json());
    assert_int_equal(f.h.gateway.pushed.size(), pushed + 1);
    const Pushed& p = f.h.gateway.pushed.back();
    assert_int_equal(p.handle, kGuestB);
    assert_string_equal(p.transaction.c_str(), "my-transaction");
    assert_error_shape(p.event, 487);
}

void leave_needs_a_room(void**) {
    Fixture f;
    assert_error_shape(f.h.request(kStranger, "{\"request\":\"leave\"}"), 487);
    Json left = f.h.request(kGuestB, "{\"request\":\"leave\"}");
    expect_kind(left, "left");
    assert_int_equal(json_object_size(left.get()), 1);
    assert_error_shape(f.h.request(kGuestB, "{\"request\":\"leave\"}"), 487);
    assert_int_equal(f.h.service.stats().lobby, 0);
    assert_int_equal(size_of(f.h.gateway.last(kModerator, "lobby"), "waiting"), 0);
    // An admitted person's leave updates everyone's participants.
    expect_kind(f.h.request(kGuestA, "{\"request\":\"leave\"}"), "left");
    assert_int_equal(size_of(f.h.gateway.last(kModerator, "participants"), "participants"), 1);
}

void detach_is_a_leave(void**) {
    Fixture f;
    f.h.service.detach(kGuestB);
    assert_int_equal(size_of(f.h.gateway.last(kModerator, "lobby"), "waiting"), 0);
    // An admitted person's seat waits reconnect_grace_s (reconnect_test.cpp), then they are gone.
    f.h.service.detach(kGuestA);
    f.h.clock.advance_ms(f.h.service.config().reconnect_grace_s * 1000);
    f.h.service.tick();
    assert_int_equal(size_of(f.h.gateway.last(kModerator, "participants"), "participants"), 1);
    assert_int_equal(f.h.service.stats().lobby + f.h.service.stats().admitted, 1);
    f.h.service.detach(kStranger);  // unknown handles are ignored
    // Their tokens are free again.
    knock(f.h, kGuestC, f.s.room, f.s.tokens[0], "Anna");
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bodies_that_are_not_requests_are_480),
        cmocka_unit_test(unknown_fields_are_480_for_every_request),
        cmocka_unit_test(ids_must_be_integers_in_range),
        cmocka_unit_test(mute_needs_boolean_audio_or_video),
        cmocka_unit_test(a_jsep_is_480_on_every_request),
        cmocka_unit_test(errors_go_to_the_asker_only_with_its_transaction),
        cmocka_unit_test(leave_needs_a_room),
        cmocka_unit_test(detach_is_a_leave),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
