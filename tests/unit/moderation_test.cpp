// What only the moderator may do (admit, deny, deny_password, kick, mute, lock,
// unlock, end, incident), what each does to the target and the others, and that nothing a
// guest sends makes them a moderator.
#include "support/scenario.hpp"

using namespace counsel;
using namespace counsel::testing;

namespace {

// A room with the moderator, Anna admitted, Bert in the lobby (+ a password).
struct Fixture {
    Harness h;
    Session s;
    std::uint64_t moderator = 0, anna = 0, bert = 0;
    Fixture() : s(make_session(h, {"Client A", "Client B", "Client C"}, ",\"password\":true")) {
        moderator = join_as_moderator(h, s);
        anna = knock_and_admit(h, kGuestA, s.room, s.tokens[0], "Anna");
        bert = knock(h, kGuestB, s.room, s.tokens[1], "Bert");
    }
};

std::vector<std::string> moderator_requests(std::uint64_t id) {
    const std::string n = std::to_string(id);
    return {"{\"request\":\"admit\",\"id\":" + n + "}",
            "{\"request\":\"deny\",\"id\":" + n + "}",
            "{\"request\":\"deny\",\"id\":" + n + ",\"ban\":true}",
            "{\"request\":\"deny_password\",\"ban\":true}",
            "{\"request\":\"kick\",\"id\":" + n + "}",
            "{\"request\":\"mute\",\"id\":" + n + ",\"audio\":true}",
            "{\"request\":\"lock\"}",
            "{\"request\":\"unlock\"}",
            "{\"request\":\"end\"}",
            "{\"request\":\"incident\",\"category\":\"other\"}"};
}

void only_the_moderator_may_moderate(void**) {
    Fixture f;
    f.h.service.attach(kGuestE);  // attached, never joined
    // From Bert (lobby), Anna (admitted), a handle in no room and an attached idle handle,
    // aimed at each other and at the moderator.
    for (HandleId from : {kGuestB, kGuestA, kStranger, kGuestE}) {
        for (std::uint64_t id : {f.anna, f.bert, f.moderator}) {
            for (const auto& body : moderator_requests(id)) {
                Json answer = f.h.request(from, body);
                if (error_code(answer) != 487) std::fprintf(stderr, "from %llu: %s\n", (unsigned long long)from, body.c_str());
                expect_error(answer, 487);
            }
        }
    }
    // Nothing changed: same people, same places, not locked, not ended, no incident.
    assert_int_equal(f.h.service.stats().rooms, 1);
    assert_int_equal(f.h.service.stats().admitted, 2);
    assert_int_equal(f.h.service.stats().lobby, 1);
    assert_int_equal(f.h.gateway.count(kGuestB, "denied") + f.h.gateway.count(kGuestB, "removed") +
                         f.h.gateway.count(kGuestB, "admitted"),
                     0);
    assert_int_equal(f.h.gateway.count(kGuestA, "muted") + f.h.gateway.count(kGuestA, "removed"), 0);
    assert_int_equal(notified_count(f.h.gateway, "incident"), 0);
    assert_int_equal(f.h.gateway.closed.size(), 0);
    knock(f.h, kGuestC, f.s.room, f.s.tokens[2], "Carl");  // not locked
}

void unknown_ids_are_481(void**) {
    Fixture f;
    Session other = make_session(f.h, {"X"});
    const std::uint64_t elsewhere = knock(f.h, kGuestE, other.room, other.tokens[0], "Elsewhere");
    std::uint64_t unknown = 12345;
    while (unknown == f.anna || unknown == f.bert || unknown == f.moderator || unknown == elsewhere) ++unknown;
    for (std::uint64_t id : {unknown, elsewhere}) {
        for (const char* action : {"admit", "deny", "kick"}) expect_error(target(f.h, kModerator, action, id), 481);
        expect_error(f.h.request(kModerator, "{\"request\":\"mute\",\"id\":" + std::to_string(id) + ",\"audio\":true}"), 481);
    }
    // Out-of-range ids are 481 as well.
    for (const char* id : {"0", "-1", "9007199254740992"})
        expect_error(f.h.request(kModerator, std::string("{\"request\":\"admit\",\"id\":") + id + "}"), 481);
    assert_int_equal(f.h.gateway.to(kGuestE).size(), 1);  // the other room's guest was not touched
    assert_int_equal(f.h.service.stats().lobby, 2);
}

void admit_moves_a_lobby_member_in(void**) {
    Fixture f;
    Json ok = target(f.h, kModerator, "admit", f.bert);
    expect_kind(ok, "ok");
    assert_string_equal(str(ok, "request").c_str(), "admit");
    assert_int_equal(ok.integer_at("id").value_or(0), f.bert);
    Json admitted = f.h.gateway.last(kGuestB, "admitted");
    assert_non_null(admitted.get());
    assert_int_equal(admitted.integer_at("id").value_or(0), f.bert);
    assert_int_equal(size_of(admitted, "participants"), 3);
    assert_true(json_is_true(admitted.field("e2ee")));
    assert_string_equal(str(admitted, "recording").c_str(), "off");
    assert_int_equal(admitted.integer_at("expires_at").value_or(0), f.s.expires_at);
    // Everyone admitted sees three people; the moderator's lobby is empty.
    for (HandleId h : {kModerator, kGuestA, kGuestB})
        assert_int_equal(size_of(f.h.gateway.last(h, "participants"), "participants"), 3);
    assert_int_equal(size_of(f.h.gateway.last(kModerator, "lobby"), "waiting"), 0);
    // Admitting someone already admitted is 481.
    expect_error(target(f.h, kModerator, "admit", f.bert), 481);
    expect_error(target(f.h, kModerator, "admit", f.anna), 481);
    assert_int_equal(f.h.gateway.count(kGuestB, "admitted"), 1);
}

void admit_into_a_full_room_is_489_and_the_lobby_keeps_the_person(void**) {
    Fixture f;  // max_participants 4: moderator + 3
    expect_kind(target(f.h, kModerator, "admit", f.bert), "ok");
    const std::uint64_t carl = knock_and_admit(f.h, kGuestC, f.s.room, f.s.tokens[2], "Carl");
    (void)carl;
    Json dora = join_password(f.h, kGuestD, f.s.room, f.s.password, "Dora");
    expect_kind(dora, "waiting");
    const std::size_t lobby_events = f.h.gateway.count(kModerator, "lobby");
    const std::size_t dora_events = f.h.gateway.to(kGuestD).size();

    expect_error(target(f.h, kModerator, "admit", f.h.id_of(dora)), 489);
    assert_int_equal(f.h.service.stats().admitted, 4);
    assert_int_equal(f.h.service.stats().lobby, 1);
    assert_int_equal(f.h.gateway.to(kGuestD).size(), dora_events);
    assert_int_equal(f.h.gateway.count(kModerator, "lobby"), lobby_events);
    assert_true(has_id(ids_in(f.h.gateway.last(kModerator, "lobby"), "waiting"), f.h.id_of(dora)));

    // When someone leaves, the same admit works.
    expect_kind(f.h.request(kGuestA, "{\"request\":\"leave\"}"), "left");
    expect_kind(target(f.h, kModerator, "admit", f.h.id_of(dora)), "ok");
    assert_int_equal(f.h.service.stats().admitted, 4);
}

void deny_sends_the_person_away_who_may_knock_again(void**) {
    Fixture f;
    Json ok = target(f.h, kModerator, "deny", f.bert);
    expect_kind(ok, "ok");
    assert_string_equal(str(ok, "request").c_str(), "deny");
    assert_int_equal(ok.integer_at("id").value_or(0), f.bert);
    assert_int_equal(f.h.gateway.count(kGuestB, "denied"), 1);
    assert_int_equal(closed_count(f.h.gateway, kGuestB), 1);
    assert_int_equal(f.h.service.stats().lobby, 0);
    assert_int_equal(size_of(f.h.gateway.last(kModerator, "lobby"), "waiting"), 0);
    // Deny is not a kick: the token is not burned, the handle not banned.
    knock(f.h, kGuestB, f.s.room, f.s.tokens[1], "Bert");
    // Deny only applies to the lobby: an admitted person is 481, and stays.
    expect_error(target(f.h, kModerator, "deny", f.anna), 481);
    assert_int_equal(f.h.service.stats().admitted, 2);
    assert_int_equal(closed_count(f.h.gateway, kGuestA), 0);
}

void kick_removes_and_burns_the_token(void**) {
    Fixture f;
    Json ok = target(f.h, kModerator, "kick", f.anna);
    expect_kind(ok, "ok");
    assert_string_equal(str(ok, "request").c_str(), "kick");
    assert_int_equal(ok.integer_at("id").value_or(0), f.anna);
    assert_int_equal(f.h.gateway.count(kGuestA, "removed"), 1);
    assert_int_equal(closed_count(f.h.gateway, kGuestA), 1);
    assert_int_equal(f.h.service.stats().admitted, 1);
    Json participants = f.h.gateway.last(kModerator, "participants");
    assert_int_equal(size_of(participants, "participants"), 1);
    assert_false(has_id(ids_in(participants, "participants"), f.anna));
    assert_int_equal(notified_count(f.h.gateway, "removed"), 1);
    // Burned: not on that handle, not on any other.
    expect_error(f.h.join(kGuestA, f.s.room, f.s.tokens[0], "Anna"), 482);
    expect_error(f.h.join(kGuestE, f.s.room, f.s.tokens[0], "Anna"), 482);

    // Kicking from the lobby works too.
    expect_kind(target(f.h, kModerator, "kick", f.bert), "ok");
    assert_int_equal(f.h.gateway.count(kGuestB, "removed"), 1);
    assert_int_equal(f.h.service.stats().lobby, 0);
    expect_error(f.h.join(kGuestB, f.s.room, f.s.tokens[1], "Bert"), 482);
    // A kicked person's id is gone.
    expect_error(target(f.h, kModerator, "kick", f.anna), 481);
}

void kick_bans_a_password_joiners_handle(void**) {
    Fixture f;
    Json carl = join_password(f.h, kGuestC, f.s.room, f.s.password, "Carl");
    expect_kind(target(f.h, kModerator, "kick", f.h.id_of(carl)), "ok");
    assert_int_equal(f.h.gateway.count(kGuestC, "removed"), 1);
    assert_int_equal(closed_count(f.h.gateway, kGuestC), 1);
    expect_error(join_password(f.h, kGuestC, f.s.room, f.s.password, "Carl"), 482);
    // Others with the password still get in.
    expect_kind(join_password(f.h, kGuestD, f.s.room, f.s.password, "Dora"), "waiting");
}

void the_moderator_cannot_be_kicked(void**) {
    Fixture f;
    expect_error(target(f.h, kModerator, "kick", f.moderator), 487);
    expect_error(target(f.h, kModerator, "deny", f.moderator), 487);
    expect_error(target(f.h, kModerator, "admit", f.moderator), 487);
    assert_int_equal(f.h.gateway.count(kModerator, "removed"), 0);
    assert_int_equal(closed_count(f.h.gateway, kModerator), 0);
    // Still the moderator, and the token still works after leaving.
    expect_kind(f.h.request(kModerator, "{\"request\":\"lock\"}"), "ok");
    expect_kind(f.h.request(kModerator, "{\"request\":\"leave\"}"), "left");
    join_as_moderator(f.h, f.s);
}

void mute_tells_the_target_and_everyone(void**) {
    Fixture f;
    const std::uint64_t carl = knock_and_admit(f.h, kGuestC, f.s.room, f.s.tokens[2], "Carl");
    Json ok = f.h.request(kModerator, "{\"request\":\"mute\",\"id\":" + std::to_string(f.anna) + ",\"audio\":true}");
    expect_kind(ok, "ok");
    assert_string_equal(str(ok, "request").c_str(), "mute");
    assert_int_equal(ok.integer_at("id").value_or(0), f.anna);
    Json muted = f.h.gateway.last(kGuestA, "muted");
    assert_non_null(muted.get());
    assert_true(json_is_true(json_object_get(muted.field("muted"), "audio")));
    assert_true(json_is_false(json_object_get(muted.field("muted"), "video")));
    assert_int_equal(f.h.gateway.count(kGuestC, "muted"), 0);  // only the target gets "muted"
    for (HandleId h : {kModerator, kGuestA, kGuestC}) {
        Json participants = f.h.gateway.last(h, "participants");
        bool found = false;
        for (std::size_t i = 0; i < size_of(participants, "participants"); ++i) {
            Json p = item(participants, "participants", i);
            json_t* flags = p.field("muted");
            const bool is_anna = static_cast<std::uint64_t>(p.integer_at("id").value_or(0)) == f.anna;
            found = found || is_anna;
            assert_true(json_is_boolean(json_object_get(flags, "audio")) == 1);
            assert_int_equal(json_is_true(json_object_get(flags, "audio")), is_anna ? 1 : 0);
            assert_true(json_is_false(json_object_get(flags, "video")));
        }
        assert_true(found);
    }
    // The lobby member hears nothing of it.
    assert_int_equal(f.h.gateway.count(kGuestB, "participants"), 0);

    // Video only: audio stays muted. Then unmute audio.
    expect_kind(f.h.request(kModerator, "{\"request\":\"mute\",\"id\":" + std::to_string(f.anna) + ",\"video\":true}"), "ok");
    muted = f.h.gateway.last(kGuestA, "muted");
    assert_true(json_is_true(json_object_get(muted.field("muted"), "audio")));
    assert_true(json_is_true(json_object_get(muted.field("muted"), "video")));
    expect_kind(f.h.request(kModerator, "{\"request\":\"mute\",\"id\":" + std::to_string(f.anna) + ",\"audio\":false}"), "ok");
    muted = f.h.gateway.last(kGuestA, "muted");
    assert_true(json_is_false(json_object_get(muted.field("muted"), "audio")));
    assert_true(json_is_true(json_object_get(muted.field("muted"), "video")));
    (void)carl;

    // A lobby member cannot be muted (481); a mute without audio/video is malformed (480).
    expect_error(f.h.request(kModerator, "{\"request\":\"mute\",\"id\":" + std::to_string(f.bert) + ",\"audio\":true}"), 481);
    expect_error(f.h.request(kModerator, "{\"request\":\"mute\",\"id\":" + std::to_string(f.anna) + "}"), 480);
    expect_error(f.h.request(kModerator, "{\"request\":\"mute\",\"id\":" + std::to_string(f.anna) + ",\"audio\":\"yes\"}"), 480);
    assert_int_equal(f.h.gateway.count(kGuestB, "muted"), 0);
}

void lock_keeps_new_guests_out_until_unlock(void**) {
    Fixture f;
    Json locked = f.h.request(kModerator, "{\"request\":\"lock\"}");
    expect_kind(locked, "ok");
    assert_string_equal(str(locked, "request").c_str(), "lock");
    assert_true(json_is_true(locked.field("locked")));
    expect_error(f.h.join(kGuestC, f.s.room, f.s.tokens[2], "Carl"), 485);
    expect_error(join_password(f.h, kGuestD, f.s.room, f.s.password, "Dora"), 485);
    // Those already there are unaffected: Bert can still be admitted.
    expect_kind(target(f.h, kModerator, "admit", f.bert), "ok");
    // A guest who leaves a locked room cannot come back in.
    expect_kind(f.h.request(kGuestA, "{\"request\":\"leave\"}"), "left");
    expect_error(f.h.join(kGuestA, f.s.room, f.s.tokens[0], "Anna"), 485);

    Json unlocked = f.h.request(kModerator, "{\"request\":\"unlock\"}");
    expect_kind(unlocked, "ok");
    assert_string_equal(str(unlocked, "request").c_str(), "unlock");
    assert_true(json_is_false(unlocked.field("locked")));
    knock(f.h, kGuestC, f.s.room, f.s.tokens[2], "Carl");
    knock(f.h, kGuestA, f.s.room, f.s.tokens[0], "Anna");
}

void incident_notifies_without_content(void**) {
    Fixture f;
    for (const char* category : {"unauthorized_person", "recording_suspected", "data_leak", "technical", "other"}) {
        Json ok = f.h.request(kModerator, std::string("{\"request\":\"incident\",\"category\":\"") + category + "\"}");
        expect_kind(ok, "ok");
        assert_string_equal(str(ok, "request").c_str(), "incident");
        Json event = last_notified(f.h.gateway, "incident");
        assert_non_null(event.get());
        assert_string_equal(str(event, "category").c_str(), category);
        assert_false(str(event, "room").empty());
        const std::string text = event.dump();
        for (const char* name : {"Anna", "Bert", "Dr. M", "Client A", "Client B"}) assert_false(contains(text, name));
        assert_false(contains(text, f.s.room));
    }
    assert_int_equal(notified_count(f.h.gateway, "incident"), 5);
    expect_error(f.h.request(kModerator, "{\"request\":\"incident\",\"category\":\"gossip\"}"), 481);
    expect_error(f.h.request(kModerator, "{\"request\":\"incident\"}"), 480);
    expect_error(f.h.request(kModerator, "{\"request\":\"incident\",\"category\":3}"), 480);
    expect_error(f.h.request(kModerator, "{\"request\":\"incident\",\"category\":\"other\",\"details\":\"Anna\"}"), 480);
    assert_int_equal(notified_count(f.h.gateway, "incident"), 5);
}

void no_request_makes_a_guest_a_moderator(void**) {
    Fixture f;
    // Fields that might smuggle a role are refused outright.
    expect_error(f.h.request(kModerator, "{\"request\":\"admit\",\"id\":" + std::to_string(f.bert) + ",\"role\":\"moderator\"}"), 480);
    expect_error(f.h.request(kModerator, "{\"request\":\"promote\",\"id\":" + std::to_string(f.anna) + "}"), 480);
    expect_error(f.h.request(kModerator, "{\"request\":\"mute\",\"id\":" + std::to_string(f.anna) + ",\"audio\":true,\"role\":\"moderator\"}"), 480);
    // The moderator leaves; the admitted guest stays a guest.
    expect_kind(f.h.request(kModerator, "{\"request\":\"leave\"}"), "left");
    for (const auto& body : moderator_requests(f.bert)) expect_error(f.h.request(kGuestA, body), 487);
    Json described = f.h.service.describe_handle(kGuestA);
    assert_string_equal(str(described, "role").c_str(), "participant");
    // The participants view still shows one moderator: nobody was promoted.
    Json participants = f.h.gateway.last(kGuestA, "participants");
    for (std::size_t i = 0; i < size_of(participants, "participants"); ++i)
        assert_string_equal(str(item(participants, "participants", i), "role").c_str(), "participant");
    // A guest token never yields the moderator seat, even while it is empty.
    expect_kind(f.h.join(kGuestC, f.s.room, f.s.tokens[2], "Carl"), "waiting");
    expect_kind(join_password(f.h, kGuestD, f.s.room, f.s.password, "Dora"), "waiting");
    assert_string_equal(str(f.h.service.describe_handle(kGuestD), "role").c_str(), "participant");
    // Only the moderator token does.
    Json back = f.h.join(kGuestE, f.s.room, f.s.moderator_token, "Dr. M");
    expect_kind(back, "joined");
    assert_string_equal(str(back, "role").c_str(), "moderator");
}

void end_tells_everyone_once_and_closes_every_connection(void**) {
    Fixture f;
    const std::size_t before = f.h.gateway.pushed.size();
    Json ended = f.h.request(kModerator, "{\"request\":\"end\"}");
    expect_kind(ended, "ended");
    assert_string_equal(str(ended, "reason").c_str(), "moderator");
    // The moderator gets the answer (with its transaction) and nothing more; the
    // others one event each; every PeerConnection is closed once.
    std::size_t to_moderator = 0;
    for (std::size_t i = before; i < f.h.gateway.pushed.size(); ++i) {
        const Pushed& p = f.h.gateway.pushed[i];
        assert_string_equal(counsel_kind(p.event).c_str(), "ended");
        if (p.handle == kModerator) {
            ++to_moderator;
            assert_false(p.transaction.empty());
        } else {
            assert_true(p.transaction.empty());
            assert_string_equal(str(p.event, "reason").c_str(), "moderator");
        }
    }
    assert_int_equal(to_moderator, 1);
    assert_int_equal(f.h.gateway.pushed.size() - before, 3);
    for (HandleId h : {kModerator, kGuestA, kGuestB}) {
        assert_int_equal(f.h.gateway.count(h, "ended"), 1);
        assert_int_equal(closed_count(f.h.gateway, h), 1);
    }
    Json event = last_notified(f.h.gateway, "ended");
    assert_string_equal(str(event, "reason").c_str(), "moderator");
    assert_int_equal(event.integer_at("admitted").value_or(-1), 2);
    assert_int_equal(event.integer_at("lobby").value_or(-1), 1);
    assert_int_equal(notified_count(f.h.gateway, "purged"), 1);
    assert_int_equal(f.h.service.stats().rooms, 0);
    assert_int_equal(f.h.service.stats().rooms_ended, 1);
    // Everyone's handle is free; the moderator may not end twice.
    expect_error(f.h.request(kModerator, "{\"request\":\"end\"}"), 487);
    expect_error(f.h.request(kGuestA, "{\"request\":\"leave\"}"), 487);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(only_the_moderator_may_moderate),
        cmocka_unit_test(unknown_ids_are_481),
        cmocka_unit_test(admit_moves_a_lobby_member_in),
        cmocka_unit_test(admit_into_a_full_room_is_489_and_the_lobby_keeps_the_person),
        cmocka_unit_test(deny_sends_the_person_away_who_may_knock_again),
        cmocka_unit_test(kick_removes_and_burns_the_token),
        cmocka_unit_test(kick_bans_a_password_joiners_handle),
        cmocka_unit_test(the_moderator_cannot_be_kicked),
        cmocka_unit_test(mute_tells_the_target_and_everyone),
        cmocka_unit_test(lock_keeps_new_guests_out_until_unlock),
        cmocka_unit_test(incident_notifies_without_content),
        cmocka_unit_test(no_request_makes_a_guest_a_moderator),
        cmocka_unit_test(end_tells_everyone_once_and_closes_every_connection),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
