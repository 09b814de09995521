// Coming back after a network drop (core/reconnection.cpp), with a manual
// clock: an admitted person whose connection goes away keeps their seat for
// reconnect_grace_s and the others see them "reconnecting"; their page comes
// back with the token and the resume secret straight into the room (no lobby,
// no knock for the moderator), the moderator's mutes still in force; after the
// window the seat is free and the lobby applies. Kicked, banned, denied and
// ended never come back this way; lobby members get no secret at all.
#include <algorithm>

#include "core/credentials.hpp"
#include "support/scenario.hpp"

using namespace counsel;
using namespace counsel::testing;

namespace {

constexpr HandleId kAnnaAgain = 40, kAnnaThird = 41, kModeratorAgain = 42;

Json rejoin(Harness& h, HandleId handle, const Session& s, const std::string& token, const std::string& resume,
            const std::string& display = "Anna") {
    return h.request(handle, "{\"request\":\"join\",\"room\":\"" + s.room + "\",\"token\":\"" + token +
                                 "\",\"display\":\"" + display + "\",\"resume\":\"" + resume + "\"}");
}

// The entry of `id` in the last participants event `handle` got (null Json: not listed).
Json entry_of(const Harness& h, HandleId handle, std::uint64_t id) {
    Json participants = h.gateway.last(handle, "participants");
    for (std::size_t i = 0; i < size_of(participants, "participants"); ++i) {
        Json p = item(participants, "participants", i);
        if (static_cast<std::uint64_t>(p.integer_at("id").value_or(0)) == id) return p;
    }
    return Json();
}

bool reconnecting(const Harness& h, HandleId seen_by, std::uint64_t id) {
    return json_is_true(entry_of(h, seen_by, id).field("reconnecting"));
}

// The moderator, Anna admitted (with her resume secret), Bert in the lobby.
struct Fixture {
    explicit Fixture(Config config = test_config(), MediaPort* media = nullptr)
        : h(std::move(config), media), s(make_session(h, {"Client A", "Client B", "Client C"}, ",\"password\":true")) {
        Json joined = h.join(kModerator, s.room, s.moderator_token, "Dr. M");
        expect_kind(joined, "joined");
        moderator = h.id_of(joined);
        moderator_resume = str(joined, "resume");
        // The secret of `waiting` stays hers after the admission.
        anna = knock_and_admit(h, kGuestA, s.room, s.tokens[0], "Anna");
        anna_resume = str(h.gateway.last(kGuestA, "waiting"), "resume");
        bert = knock(h, kGuestB, s.room, s.tokens[1], "Bert");
    }
    void wait_s(std::int64_t seconds) {
        h.clock.advance_ms(seconds * 1000);
        h.service.tick();
    }
    Harness h;
    Session s;
    std::uint64_t moderator = 0, anna = 0, bert = 0;
    std::string moderator_resume, anna_resume;
};

void admission_hands_out_a_resume_secret_and_the_grace(void**) {
    Fixture f;
    assert_true(looks_like_token(f.anna_resume));
    assert_null(f.h.gateway.last(kGuestA, "admitted").field("resume"));  // the lobby's stays valid
    assert_true(looks_like_token(f.moderator_resume));
    assert_true(f.anna_resume != f.moderator_resume);
    assert_int_equal(f.h.gateway.last(kGuestA, "admitted").integer_at("reconnect_grace_s").value_or(-1), 60);
    // A lobby member gets one too (for a claim of the same session), of the same kind.
    assert_true(looks_like_token(str(f.h.gateway.last(kGuestB, "waiting"), "resume")));
    // Nobody is reconnecting at first.
    assert_false(reconnecting(f.h, kModerator, f.anna));
    assert_non_null(entry_of(f.h, kModerator, f.anna).field("reconnecting"));
}

void a_lost_connection_keeps_the_seat_and_the_others_see_reconnecting(void**) {
    Fixture f;
    const std::size_t lobby_events = f.h.gateway.count(kModerator, "lobby");
    f.h.service.detach(kGuestA);
    assert_true(reconnecting(f.h, kModerator, f.anna));
    assert_int_equal(f.h.service.stats().admitted, 2);
    assert_int_equal(f.h.gateway.count(kModerator, "lobby"), lobby_events);
    // Within the window nothing changes.
    f.wait_s(59);
    assert_int_equal(f.h.service.stats().admitted, 2);
    assert_true(reconnecting(f.h, kModerator, f.anna));
}

void back_within_the_window_is_the_same_person_without_the_lobby(void**) {
    Fixture f;
    f.h.service.detach(kGuestA);
    f.wait_s(59);
    const std::size_t lobby_events = f.h.gateway.count(kModerator, "lobby");
    Json back = rejoin(f.h, kAnnaAgain, f.s, f.s.tokens[0], f.anna_resume);
    expect_kind(back, "resumed");
    assert_int_equal(f.h.id_of(back), f.anna);
    assert_string_equal(str(back, "role").c_str(), "participant");
    assert_false(json_is_true(back.field("same_connection")));
    assert_int_equal(size_of(back, "participants"), 2);
    // No knock: the moderator's lobby view never changed, nobody else joined.
    assert_int_equal(f.h.gateway.count(kModerator, "lobby"), lobby_events);
    assert_false(reconnecting(f.h, kModerator, f.anna));
    assert_string_equal(str(f.h.service.describe_handle(kAnnaAgain), "state").c_str(), "admitted");
    // The secret is renewed on every return: the old one is spent.
    const std::string renewed = str(back, "resume");
    assert_true(looks_like_token(renewed) && renewed != f.anna_resume);
    f.h.service.detach(kAnnaAgain);
    expect_error(rejoin(f.h, kAnnaThird, f.s, f.s.tokens[0], f.anna_resume), 490);
    expect_kind(rejoin(f.h, kAnnaThird, f.s, f.s.tokens[0], renewed), "resumed");
    // The window ended nothing: she is still there after it would have.
    f.wait_s(120);
    assert_int_equal(f.h.service.stats().admitted, 2);
}

void mutes_made_while_away_reach_the_person_when_back(void**) {
    Fixture f;
    f.h.service.detach(kGuestA);
    expect_kind(f.h.request(kModerator, "{\"request\":\"mute\",\"id\":" + std::to_string(f.anna) + ",\"audio\":true}"),
                "ok");
    Json back = rejoin(f.h, kAnnaAgain, f.s, f.s.tokens[0], f.anna_resume);
    expect_kind(back, "resumed");
    for (std::size_t i = 0; i < size_of(back, "participants"); ++i) {
        Json p = item(back, "participants", i);
        if (static_cast<std::uint64_t>(p.integer_at("id").value_or(0)) != f.anna) continue;
        assert_true(json_is_true(json_object_get(p.field("muted"), "audio")));
    }
    // And the mute is still the moderator's to lift.
    expect_error(f.h.request(kAnnaAgain, "{\"request\":\"mute\",\"id\":" + std::to_string(f.anna) + ",\"audio\":false}"),
                 487);
}

void after_the_window_the_seat_is_free_and_the_lobby_applies(void**) {
    Fixture f;
    f.h.service.detach(kGuestA);
    f.wait_s(60);
    assert_int_equal(f.h.service.stats().admitted, 1);
    assert_true(entry_of(f.h, kModerator, f.anna).get() == nullptr);
    assert_int_equal(notified_count(f.h.gateway, "reconnect_expired"), 1);
    // The secret now leads nowhere: the same link knocks like anyone's.
    Json again = rejoin(f.h, kAnnaAgain, f.s, f.s.tokens[0], f.anna_resume);
    expect_kind(again, "waiting");
    assert_true(f.h.id_of(again) != f.anna);
}

void without_the_right_secret_the_link_stays_in_use(void**) {
    Fixture f;
    const std::string bert_like = random_token();
    f.h.service.detach(kGuestA);
    expect_error(f.h.join(kAnnaAgain, f.s.room, f.s.tokens[0], "Anna"), 490);
    expect_error(rejoin(f.h, kAnnaAgain, f.s, f.s.tokens[0], bert_like), 490);
    // Another link with Anna's secret takes nothing of hers.
    expect_kind(rejoin(f.h, kGuestC, f.s, f.s.tokens[2], f.anna_resume, "Carl"), "waiting");
    // The moderator's secret with a guest token, a guest's with the moderator token: nothing.
    expect_error(rejoin(f.h, kAnnaThird, f.s, f.s.tokens[0], f.moderator_resume), 490);
    expect_error(rejoin(f.h, kModeratorAgain, f.s, f.s.moderator_token, f.anna_resume, "M"), 484);
    assert_true(reconnecting(f.h, kModerator, f.anna));
}

void a_kicked_person_never_comes_back(void**) {
    Fixture f;
    f.h.service.detach(kGuestA);
    // The moderator removes the reconnecting person: their link is burned at once.
    expect_kind(target(f.h, kModerator, "kick", f.anna), "ok");
    assert_int_equal(f.h.service.stats().admitted, 1);
    expect_error(rejoin(f.h, kAnnaAgain, f.s, f.s.tokens[0], f.anna_resume), 482);
    // The same while connected.
    const std::uint64_t carl = knock_and_admit(f.h, kGuestC, f.s.room, f.s.tokens[2], "Carl");
    const std::string carl_resume = str(f.h.gateway.last(kGuestC, "waiting"), "resume");
    expect_kind(target(f.h, kModerator, "kick", carl), "ok");
    expect_error(rejoin(f.h, kAnnaThird, f.s, f.s.tokens[2], carl_resume, "Carl"), 482);
}

void a_lobby_member_finds_their_place_only_while_the_session_lives(void**) {
    Fixture f;
    const std::string secret = str(f.h.gateway.last(kGuestB, "waiting"), "resume");
    const std::size_t lobby_events = f.h.gateway.count(kModerator, "lobby");
    // After a claim: the same place, nothing new for the moderator (no second knock).
    Json again = rejoin(f.h, kGuestB, f.s, f.s.tokens[1], secret, "Bert");
    expect_kind(again, "waiting");
    assert_int_equal(f.h.id_of(again), f.bert);
    assert_true(json_is_true(again.field("same_connection")));
    assert_int_equal(f.h.gateway.count(kModerator, "lobby"), lobby_events);
    // Admitted while the page was cut off: the secret tells it so.
    expect_kind(target(f.h, kModerator, "admit", f.bert), "ok");
    Json in = rejoin(f.h, kGuestB, f.s, f.s.tokens[1], str(again, "resume"), "Bert");
    expect_kind(in, "resumed");
    assert_int_equal(size_of(in, "participants"), 3);
}

void denied_and_banned_knockers_have_nothing_to_resume(void**) {
    Fixture f;
    const std::string bert_secret = str(f.h.gateway.last(kGuestB, "waiting"), "resume");
    // A lobby member whose connection goes is gone at once (the lobby applies anyway).
    f.h.service.detach(kGuestB);
    assert_int_equal(f.h.service.stats().lobby, 0);
    expect_kind(rejoin(f.h, kGuestC, f.s, f.s.tokens[1], bert_secret, "Bert"), "waiting");
    expect_kind(f.h.request(kGuestC, "{\"request\":\"leave\"}"), "left");
    const std::uint64_t bert = knock(f.h, kGuestD, f.s.room, f.s.tokens[1], "Bert");
    expect_kind(f.h.request(kModerator, "{\"request\":\"deny\",\"id\":" + std::to_string(bert) + ",\"ban\":true}"), "ok");
    expect_error(rejoin(f.h, kGuestE, f.s, f.s.tokens[1], f.anna_resume, "Bert"), 482);
}

void an_ended_room_never_comes_back(void**) {
    Fixture f;
    f.h.service.detach(kGuestA);
    expect_kind(f.h.request(kModerator, "{\"request\":\"end\"}"), "ended");
    expect_error(rejoin(f.h, kAnnaAgain, f.s, f.s.tokens[0], f.anna_resume), 483);
}

void the_same_connection_takes_its_seat_back_after_a_reclaim(void**) {
    Fixture f;
    // The page's WebSocket came back to the same Janus session: its handle is
    // still seated. A resume refreshes what it missed; a plain join is 487.
    expect_error(f.h.join(kGuestA, f.s.room, f.s.tokens[0], "Anna"), 487);
    Json back = rejoin(f.h, kGuestA, f.s, f.s.tokens[0], f.anna_resume);
    expect_kind(back, "resumed");
    assert_true(json_is_true(back.field("same_connection")));
    assert_false(json_is_true(back.field("media_gone")));  // its PeerConnection is still there
    assert_int_equal(f.h.id_of(back), f.anna);
    assert_int_equal(closed_count(f.h.gateway, kGuestA), 0);
    // A seated handle cannot take another seat with a secret.
    expect_error(rejoin(f.h, kGuestA, f.s, f.s.moderator_token, f.moderator_resume, "M"), 487);
}

void a_peerconnection_janus_closed_meanwhile_is_named_in_the_resume(void**) {
    Fixture f;
    // Up, then Janus hung it up while her WebSocket was gone: she never heard
    // it, so the answer to her resume says so (her page publishes anew).
    f.h.service.media_up(kGuestA);
    f.h.service.media_down(kGuestA);
    Json back = rejoin(f.h, kGuestA, f.s, f.s.tokens[0], f.anna_resume);
    expect_kind(back, "resumed");
    assert_true(json_is_true(back.field("same_connection")));
    assert_true(json_is_true(back.field("media_gone")));
    // Once it is up again, a later resume finds it there.
    f.h.service.media_up(kGuestA);
    Json again = rejoin(f.h, kGuestA, f.s, f.s.tokens[0], str(back, "resume"));
    expect_kind(again, "resumed");
    assert_false(json_is_true(again.field("media_gone")));
}

void a_new_connection_replaces_one_that_still_lingers(void**) {
    Fixture f;
    // Her page gave up on a connection Janus has not timed out yet.
    Json back = rejoin(f.h, kAnnaAgain, f.s, f.s.tokens[0], f.anna_resume);
    expect_kind(back, "resumed");
    assert_int_equal(closed_count(f.h.gateway, kGuestA), 1);
    assert_string_equal(str(f.h.service.describe_handle(kGuestA), "state").c_str(), "idle");
    expect_error(f.h.request(kGuestA, "{\"request\":\"configure\",\"audio_muted\":true}"), 487);
    // When Janus finally drops the old handle, nothing happens to her seat.
    f.h.service.detach(kGuestA);
    assert_false(reconnecting(f.h, kModerator, f.anna));
    assert_int_equal(f.h.service.stats().admitted, 2);
}

void a_peerconnection_that_goes_down_shows_reconnecting_until_it_is_up(void**) {
    Fixture f;
    // Down before it was ever up (a refused first offer): not a lost connection.
    f.h.service.media_down(kGuestA);
    assert_false(reconnecting(f.h, kModerator, f.anna));
    f.h.service.media_up(kGuestA);
    f.h.service.media_down(kGuestA);
    assert_true(reconnecting(f.h, kModerator, f.anna));
    assert_true(reconnecting(f.h, kGuestA, f.anna));  // she is told too (if she can hear it)
    f.h.service.media_up(kGuestA);
    assert_false(reconnecting(f.h, kModerator, f.anna));
    // Lobby members and strangers are ignored.
    const std::size_t events = f.h.gateway.pushed.size();
    f.h.service.media_down(kGuestB);
    f.h.service.media_down(kStranger);
    assert_int_equal(f.h.gateway.pushed.size(), events);
}

class QuietPort final : public MediaPort {
public:
    void publish(std::shared_ptr<const ForwardingTable> table) override { last = std::move(table); }
    std::optional<Error> negotiate(HandleId, const std::string&, const std::string&, const Json&, const Json&,
                                   const MediaRoom&) override {
        return std::nullopt;
    }
    std::optional<Error> connect_phone(HandleId, const std::string&, int, const MediaRoom&) override {
        return std::nullopt;
    }
    void release(HandleId handle) override { released.push_back(handle); }
    void resync(HandleId handle) override { resynced.push_back(handle); }
    std::vector<std::pair<HandleId, bool>> take_quiet_changes() override { return std::exchange(changes, {}); }
    std::vector<HandleId> resynced;
    std::shared_ptr<const ForwardingTable> last;
    std::vector<HandleId> released;
    std::vector<std::pair<HandleId, bool>> changes;
};

void silence_from_the_media_layer_shows_reconnecting(void**) {
    QuietPort port;
    Fixture f(test_config(), &port);
    port.changes = {{kGuestA, true}};
    f.h.service.tick();
    assert_true(reconnecting(f.h, kModerator, f.anna));
    port.changes = {{kGuestA, false}};
    f.h.service.tick();
    assert_false(reconnecting(f.h, kModerator, f.anna));
    // While away she is not in the forwarding table; back, she is, on the new handle.
    f.h.service.detach(kGuestA);
    assert_true(std::find(port.released.begin(), port.released.end(), kGuestA) != port.released.end());
    f.h.service.tick();
    assert_int_equal(port.last->rooms_by_handle.count(kGuestA), 0);
    const std::string renewed = str(rejoin(f.h, kAnnaAgain, f.s, f.s.tokens[0], f.anna_resume), "resume");
    assert_int_equal(port.last->rooms_by_handle.count(kAnnaAgain), 1);
    // A new handle negotiates afresh; the same handle (after a claim) is offered again what it may have missed.
    assert_true(port.resynced.empty());
    expect_kind(rejoin(f.h, kAnnaAgain, f.s, f.s.tokens[0], renewed), "resumed");
    assert_true(port.resynced == std::vector<HandleId>{kAnnaAgain});
}

void the_moderator_comes_back_with_the_lobby_and_the_idle_time_counts_from_the_drop(void**) {
    Fixture f;
    f.h.service.detach(kModerator);
    assert_true(reconnecting(f.h, kGuestA, f.moderator));
    Json back = rejoin(f.h, kModeratorAgain, f.s, f.s.moderator_token, f.moderator_resume, "Dr. M");
    expect_kind(back, "resumed");
    assert_string_equal(str(back, "role").c_str(), "moderator");
    assert_int_equal(f.h.id_of(back), f.moderator);
    assert_int_equal(size_of(back, "lobby"), 1);  // Bert still waits
    expect_kind(target(f.h, kModeratorAgain, "admit", f.bert), "ok");
    // Gone again, this time for good: the room ends idle_end_s (120) after the drop.
    f.h.service.detach(kModeratorAgain);
    f.wait_s(60);
    assert_int_equal(f.h.service.stats().rooms, 1);
    f.wait_s(59);
    assert_int_equal(f.h.service.stats().rooms, 1);
    f.wait_s(1);
    assert_int_equal(f.h.service.stats().rooms, 0);
    assert_int_equal(f.h.gateway.count(kGuestA, "ended"), 1);
}

void a_password_joiner_comes_back_with_the_password_and_the_secret(void**) {
    Fixture f;
    Json waiting = join_password(f.h, kGuestC, f.s.room, f.s.password, "Gruppe");
    const std::uint64_t id = f.h.id_of(waiting);
    expect_kind(target(f.h, kModerator, "admit", id), "ok");
    const std::string secret = str(waiting, "resume");
    f.h.service.detach(kGuestC);
    Json back = f.h.request(kGuestD, "{\"request\":\"join\",\"room\":\"" + f.s.room + "\",\"password\":\"" + f.s.password +
                                         "\",\"display\":\"Gruppe\",\"resume\":\"" + secret + "\"}");
    expect_kind(back, "resumed");
    assert_int_equal(f.h.id_of(back), id);
}

void grace_zero_frees_the_seat_at_once(void**) {
    Config config = test_config();
    config.reconnect_grace_s = 0;
    Fixture f(std::move(config));
    assert_int_equal(f.h.gateway.last(kGuestA, "admitted").integer_at("reconnect_grace_s").value_or(-1), 0);
    f.h.service.detach(kGuestA);
    assert_int_equal(f.h.service.stats().admitted, 1);
    expect_kind(rejoin(f.h, kAnnaAgain, f.s, f.s.tokens[0], f.anna_resume), "waiting");
}

void resume_is_checked_like_every_field(void**) {
    Fixture f;
    const std::string base = "{\"request\":\"join\",\"room\":\"" + f.s.room + "\",\"token\":\"" + f.s.tokens[0] + "\"";
    expect_error(f.h.request(kAnnaAgain, base + ",\"display\":\"A\",\"resume\":5}"), 480);
    expect_error(f.h.request(kAnnaAgain, base + ",\"display\":\"A\",\"resume\":\"short\"}"), 481);
    expect_error(f.h.request(kAnnaAgain, base + ",\"peek\":true,\"resume\":\"" + f.anna_resume + "\"}"), 488);
    // None of these cost Anna her seat.
    assert_int_equal(f.h.service.stats().admitted, 2);
}

void no_secret_or_name_in_events_or_logs(void**) {
    Fixture f;
    f.h.service.detach(kGuestA);
    Json back = rejoin(f.h, kAnnaAgain, f.s, f.s.tokens[0], f.anna_resume);
    f.h.service.detach(kAnnaAgain);
    f.wait_s(60);
    const std::string out = notified_and_logged(f.h.gateway);
    for (const std::string& secret : {f.anna_resume, str(back, "resume"), f.s.tokens[0], std::string("Anna")})
        assert_false(contains(out, secret));
    assert_int_equal(notified_count(f.h.gateway, "reconnected"), 1);
    assert_int_equal(notified_count(f.h.gateway, "reconnect_expired"), 1);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(admission_hands_out_a_resume_secret_and_the_grace),
        cmocka_unit_test(a_lost_connection_keeps_the_seat_and_the_others_see_reconnecting),
        cmocka_unit_test(back_within_the_window_is_the_same_person_without_the_lobby),
        cmocka_unit_test(mutes_made_while_away_reach_the_person_when_back),
        cmocka_unit_test(after_the_window_the_seat_is_free_and_the_lobby_applies),
        cmocka_unit_test(without_the_right_secret_the_link_stays_in_use),
        cmocka_unit_test(a_kicked_person_never_comes_back),
        cmocka_unit_test(a_lobby_member_finds_their_place_only_while_the_session_lives),
        cmocka_unit_test(denied_and_banned_knockers_have_nothing_to_resume),
        cmocka_unit_test(an_ended_room_never_comes_back),
        cmocka_unit_test(the_same_connection_takes_its_seat_back_after_a_reclaim),
        cmocka_unit_test(a_new_connection_replaces_one_that_still_lingers),
        cmocka_unit_test(a_peerconnection_that_goes_down_shows_reconnecting_until_it_is_up),
        cmocka_unit_test(a_peerconnection_janus_closed_meanwhile_is_named_in_the_resume),
        cmocka_unit_test(silence_from_the_media_layer_shows_reconnecting),
        cmocka_unit_test(the_moderator_comes_back_with_the_lobby_and_the_idle_time_counts_from_the_drop),
        cmocka_unit_test(a_password_joiner_comes_back_with_the_password_and_the_secret),
        cmocka_unit_test(grace_zero_frees_the_seat_at_once),
        cmocka_unit_test(resume_is_checked_like_every_field),
        cmocka_unit_test(no_secret_or_name_in_events_or_logs),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
