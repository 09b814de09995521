// Privacy of a session: what leaves the core for Janus's event handlers and
// log carries no display name, label, title, token, password or room id; a
// purge leaves no room behind; lobby members see nothing of the room; and the
// tombstone and purge happen before the moderator's `ended` answer.
#include <optional>

#include "core/credentials.hpp"
#include "support/scenario.hpp"

using namespace counsel;
using namespace counsel::testing;

namespace {

// Every personal datum and credential of a session, each a unique marker.
std::vector<std::string> secrets_of(const Session& s) {
    std::vector<std::string> out = {s.room, s.moderator_token, s.password};
    out.insert(out.end(), s.tokens.begin(), s.tokens.end());
    return out;
}

const std::vector<std::string> kNames = {"ZqxTitleMarker", "ZqxLabelAnna", "ZqxLabelBert", "ZqxLabelCarl",
                                         "ZqxModeratorName", "ZqxDisplayAnna", "ZqxDisplayBert", "ZqxDisplayCarl",
                                         "ZqxDisplayDora"};

void assert_no_secret_in(const std::string& text, const std::vector<std::string>& secrets) {
    for (const auto& secret : secrets) {
        if (contains(text, secret)) std::fprintf(stderr, "found '%s' in:\n%s\n", secret.c_str(), text.c_str());
        assert_false(contains(text, secret));
    }
}

void a_whole_session_leaves_no_personal_data_in_events_or_logs(void**) {
    Harness h;
    Session s = make_session(h, {"ZqxLabelAnna", "ZqxLabelBert", "ZqxLabelCarl"},
                             ",\"password\":true,\"title\":\"ZqxTitleMarker\"");
    join_as_moderator(h, s, kModerator, "ZqxModeratorName");
    const std::uint64_t anna = knock_and_admit(h, kGuestA, s.room, s.tokens[0], "ZqxDisplayAnna");
    const std::uint64_t bert = knock_and_admit(h, kGuestB, s.room, s.tokens[1], "ZqxDisplayBert");
    Json dora = join_password(h, kGuestD, s.room, s.password, "ZqxDisplayDora");
    expect_kind(dora, "waiting");
    expect_kind(h.request(kModerator, "{\"request\":\"mute\",\"id\":" + std::to_string(anna) + ",\"audio\":true,\"video\":true}"), "ok");
    expect_kind(h.request(kModerator, "{\"request\":\"lock\"}"), "ok");
    expect_kind(h.request(kModerator, "{\"request\":\"unlock\"}"), "ok");
    expect_kind(h.request(kModerator, "{\"request\":\"incident\",\"category\":\"unauthorized_person\"}"), "ok");
    const std::uint64_t carl = knock(h, kGuestC, s.room, s.tokens[2], "ZqxDisplayCarl");
    expect_kind(target(h, kModerator, "deny", carl), "ok");
    expect_kind(target(h, kModerator, "kick", bert), "ok");
    expect_kind(h.request(kGuestA, "{\"request\":\"leave\"}"), "left");
    knock(h, kGuestA, s.room, s.tokens[0], "ZqxDisplayAnna");
    expect_error(h.join(kGuestE, s.room, s.tokens[1], "ZqxDisplayBert"), 482);  // burned
    h.clock.advance_ms(600'000);
    h.service.tick();  // Dora and Anna time out of the lobby
    knock_and_admit(h, kGuestA, s.room, s.tokens[0], "ZqxDisplayAnna");
    expect_kind(h.request(kModerator, "{\"request\":\"leave\"}"), "left");
    join_as_moderator(h, s, kGuestE, "ZqxModeratorName");

    Json ended = h.request(kGuestE, "{\"request\":\"end\"}");
    expect_kind(ended, "ended");
    assert_string_equal(str(ended, "reason").c_str(), "moderator");
    assert_int_equal(h.gateway.count(kGuestA, "ended"), 1);

    // Guests never saw the title (moderator only), a label, or anyone's credential.
    for (HandleId guest : {kGuestA, kGuestB, kGuestC, kGuestD}) {
        std::string seen;
        for (const Json& event : h.gateway.to(guest)) seen += event.dump() + "\n";
        assert_no_secret_in(seen, {"ZqxTitleMarker", "ZqxLabelAnna", "ZqxLabelBert", "ZqxLabelCarl", s.moderator_token,
                                   s.password, s.tokens[0], s.tokens[1], s.tokens[2]});
    }

    // What went to the event handlers and the log during the whole session.
    assert_true(h.gateway.notified.size() >= 10);
    assert_true(h.gateway.logs.size() >= 3);
    std::vector<std::string> secrets = secrets_of(s);
    secrets.insert(secrets.end(), kNames.begin(), kNames.end());
    assert_no_secret_in(notified_and_logged(h.gateway), secrets);
    // Events name the room by a reference that is not its id.
    Json event = last_notified(h.gateway, "ended");
    assert_false(str(event, "room").empty());
    assert_int_equal(event.integer_at("admitted").value_or(-1), 2);

    // Nothing is left of the room.
    ServiceStats stats = h.service.stats();
    assert_int_equal(stats.rooms, 0);
    assert_int_equal(stats.lobby, 0);
    assert_int_equal(stats.admitted, 0);
    assert_int_equal(stats.rooms_created, 1);
    assert_int_equal(stats.rooms_ended, 1);
    for (HandleId handle : {kGuestA, kGuestB, kGuestC, kGuestD, kGuestE, kModerator}) {
        Json described = h.service.describe_handle(handle);
        assert_string_equal(str(described, "state").c_str(), "idle");
        assert_no_secret_in(described.dump(), secrets);
    }
    assert_int_equal(static_cast<int>(h.ledger.state(room_digest(s.room))), static_cast<int>(LedgerState::Tombstoned));
}

void every_way_of_ending_is_as_quiet(void**) {
    // Expiry, idle end and shutdown log and notify no more than `end` does.
    for (int way = 0; way < 3; ++way) {
        Harness h;
        Session s = make_session(h, {"ZqxLabelAnna"}, ",\"password\":true,\"title\":\"ZqxTitleMarker\",\"duration_s\":600");
        join_as_moderator(h, s, kModerator, "ZqxModeratorName");
        knock_and_admit(h, kGuestA, s.room, s.tokens[0], "ZqxDisplayAnna");
        expect_kind(join_password(h, kGuestD, s.room, s.password, "ZqxDisplayDora"), "waiting");
        if (way == 0) {
            h.clock.advance_ms(600'000);
            h.service.tick();
        } else if (way == 1) {
            h.service.detach(kModerator);
            h.clock.advance_ms(120'000);
            h.service.tick();
        } else {
            h.service.end_all();
        }
        assert_int_equal(h.service.stats().rooms, 0);
        assert_int_equal(h.gateway.count(kGuestD, "ended"), 1);
        std::vector<std::string> secrets = secrets_of(s);
        secrets.insert(secrets.end(), kNames.begin(), kNames.end());
        assert_no_secret_in(notified_and_logged(h.gateway), secrets);
    }
}

void refusals_never_quote_what_was_sent(void**) {
    Harness h;
    Session s = make_session(h, {"A"}, ",\"password\":true");
    join_as_moderator(h, s);
    const std::vector<std::string> bodies = {
        "{\"request\":\"ZqxRequestName\"}",
        "{\"request\":\"join\",\"room\":\"" + s.room + "\",\"token\":\"" + s.tokens[0] + "\",\"display\":\"ZqxBad\\u0001\"}",
        "{\"request\":\"join\",\"room\":\"" + s.room + "\",\"token\":\"" + s.tokens[0] + "\",\"display\":\"Z\",\"ZqxField\":1}",
        "{\"request\":\"join\",\"room\":\"ZqxZqxZqxZqxZqxZqxZqx1\",\"token\":\"" + s.tokens[0] + "\",\"display\":\"ZqxName\"}",
        "{\"request\":\"join\",\"room\":\"" + s.room + "\",\"token\":\"ZqxZqxZqxZqxZqxZqxZqx2\",\"display\":\"ZqxName\"}",
        "{\"request\":\"join\",\"room\":\"" + s.room + "\",\"password\":\"zqxzqxzqxzqx\",\"display\":\"ZqxName\"}",
        "{\"request\":\"create\",\"practitioner_key\":\"ZqxWrongKey\",\"invitees\":[{\"label\":\"ZqxLabel\"}]}",
        create_body("\"invitees\":[{\"label\":\"ZqxLabel\\u0007\"}]"),
        create_body("\"invitees\":[{\"label\":\"A\"}],\"title\":\"ZqxTitle\",\"recording\":\"ZqxMode\""),
        "{\"request\":\"incident\",\"category\":\"ZqxCategory\"}",
    };
    for (const auto& body : bodies) {
        Json answer = h.request(kGuestB, body);
        assert_true(error_code(answer) >= 480);
        assert_false(contains(answer.dump(), "Zqx"));
        assert_false(contains(answer.dump(), "zqx"));
    }
    assert_false(contains(h.gateway.everything(), "Zqx"));
    assert_false(contains(h.gateway.everything(), "zqx"));
}

void a_lobby_member_never_sees_the_room(void**) {
    Harness h;
    Session s = make_session(h, {"A", "B", "C"}, ",\"password\":true");
    Json waiting = join_password(h, kGuestE, s.room, s.password, "Eve");
    expect_kind(waiting, "waiting");
    // A busy session around the waiting person.
    join_as_moderator(h, s);
    const std::uint64_t anna = knock_and_admit(h, kGuestA, s.room, s.tokens[0], "Anna");
    const std::uint64_t bert = knock(h, kGuestB, s.room, s.tokens[1], "Bert");
    expect_kind(h.request(kModerator, "{\"request\":\"mute\",\"id\":" + std::to_string(anna) + ",\"audio\":true}"), "ok");
    expect_kind(target(h, kModerator, "deny", bert), "ok");
    knock_and_admit(h, kGuestC, s.room, s.tokens[2], "Carl");
    expect_kind(h.request(kModerator, "{\"request\":\"lock\"}"), "ok");
    expect_kind(h.request(kModerator, "{\"request\":\"unlock\"}"), "ok");
    expect_kind(h.request(kGuestC, "{\"request\":\"leave\"}"), "left");
    expect_kind(join_password(h, kGuestD, s.room, s.password, "Dora"), "waiting");
    expect_kind(h.request(kModerator, "{\"request\":\"incident\",\"category\":\"technical\"}"), "ok");
    expect_kind(h.request(kModerator, "{\"request\":\"leave\"}"), "left");
    join_as_moderator(h, s, kModerator);
    expect_kind(target(h, kModerator, "kick", anna), "ok");

    // All Eve ever got is her own answer, and nobody's name.
    std::vector<Json> got = h.gateway.to(kGuestE);
    assert_int_equal(got.size(), 1);
    expect_kind(got[0], "waiting");
    assert_int_equal(h.gateway.count(kGuestD, "participants") + h.gateway.count(kGuestD, "lobby"), 0);
    assert_int_equal(h.gateway.to(kGuestD).size(), 1);

    // Once admitted, she sees the participants (and still never the lobby).
    expect_kind(target(h, kModerator, "admit", h.id_of(waiting)), "ok");
    assert_non_null(h.gateway.last(kGuestE, "admitted").get());
    assert_int_equal(h.gateway.count(kGuestE, "lobby"), 0);
    for (const Json& event : h.gateway.to(kGuestE)) assert_false(contains(event.dump(), "Dora"));
}

// A gateway that looks at the ledger and the service when the moderator's
// `ended` answer goes out.
class ProbingGateway final : public Gateway {
public:
    void push_event(HandleId handle, const std::string& transaction, const Json& event) override {
        if (!transaction.empty() && event.string_at("counsel") == std::string("ended")) {
            state_at_answer = ledger->state(digest);
            rooms_at_answer = service->stats().rooms;
            lobby_at_answer = service->stats().lobby + service->stats().admitted;
        }
        inner.push_event(handle, transaction, event);
    }
    void close_pc(HandleId handle) override { inner.close_pc(handle); }
    void notify_event(const Json& event) override { inner.notify_event(event); }
    void log(Level level, const std::string& line) override { inner.log(level, line); }

    RecordingGateway inner;
    MemoryLedger* ledger = nullptr;
    RoomService* service = nullptr;
    Digest digest{};
    std::optional<LedgerState> state_at_answer;
    std::optional<std::size_t> rooms_at_answer, lobby_at_answer;
};

void end_tombstones_and_purges_before_answering(void**) {
    ManualClock clock;
    MemoryLedger ledger;
    ProbingGateway gateway;
    RoomService service(test_config(), gateway, ledger, clock);
    gateway.ledger = &ledger;
    gateway.service = &service;
    int txn = 0;
    auto send = [&](HandleId handle, const std::string& text) {
        const std::string id = "p" + std::to_string(++txn);
        service.handle(handle, id, Json::adopt(json_loads(text.c_str(), 0, nullptr)), Json());
        for (const auto& p : gateway.inner.pushed)
            if (p.transaction == id) return p.event;
        return Json();
    };
    Session s = session_from(send(kPractitioner, create_body("\"invitees\":[{\"label\":\"A\"}]")));
    gateway.digest = room_digest(s.room);
    expect_kind(send(kModerator, "{\"request\":\"join\",\"room\":\"" + s.room + "\",\"token\":\"" + s.moderator_token +
                                     "\",\"display\":\"M\"}"),
                "joined");
    expect_kind(send(kGuestA, "{\"request\":\"join\",\"room\":\"" + s.room + "\",\"token\":\"" + s.tokens[0] +
                                  "\",\"display\":\"Anna\"}"),
                "waiting");
    expect_kind(send(kModerator, "{\"request\":\"end\"}"), "ended");
    assert_true(gateway.state_at_answer.has_value());
    assert_int_equal(static_cast<int>(*gateway.state_at_answer), static_cast<int>(LedgerState::Tombstoned));
    // README: "the room is purged and tombstoned before the answer is sent".
    if (*gateway.rooms_at_answer != 0)
        std::fprintf(stderr, "at the `ended` answer the room was still held (%zu rooms, %zu people)\n",
                     *gateway.rooms_at_answer, *gateway.lobby_at_answer);
    assert_int_equal(*gateway.lobby_at_answer, 0);
    assert_int_equal(*gateway.rooms_at_answer, 0);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_whole_session_leaves_no_personal_data_in_events_or_logs),
        cmocka_unit_test(every_way_of_ending_is_as_quiet),
        cmocka_unit_test(refusals_never_quote_what_was_sent),
        cmocka_unit_test(a_lobby_member_never_sees_the_room),
        cmocka_unit_test(end_tombstones_and_purges_before_answering),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
