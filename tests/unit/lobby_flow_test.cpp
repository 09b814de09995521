// The mandatory waiting room and the moderator seat, end to end through the
// service with a recording gateway.
#include <cstring>

#include "support/fakes.hpp"
// cmocka last: it defines macros (fail, ...) that clash with the core's names.
#include "cmocka_cpp.hpp"

using namespace counsel;
using namespace counsel::testing;

namespace {

constexpr HandleId kPractitioner = 1, kModerator = 2, kClientA = 3, kClientB = 4, kStranger = 5;

struct Room {
    std::string id, moderator_token, token_a, token_b;
};

Room make_room(Harness& h) {
    Json created = h.create(kPractitioner, {"Client A", "Client B"});
    assert_string_equal(counsel_kind(created).c_str(), "created");
    json_t* invites = created.field("invites");
    return Room{str(created, "room"), str(created, "moderator_token"),
                json_string_value(json_object_get(json_array_get(invites, 0), "token")),
                json_string_value(json_object_get(json_array_get(invites, 1), "token"))};
}

void guests_wait_in_the_lobby_even_before_the_moderator(void**) {
    Harness h;
    Room r = make_room(h);
    Json waiting = h.join(kClientA, r.id, r.token_a, "Anna");
    assert_string_equal(counsel_kind(waiting).c_str(), "waiting");
    assert_true(h.id_of(waiting) > 0);
    // The lobby member learns nothing about the room: no names, no count.
    assert_null(waiting.field("participants"));
    assert_null(waiting.field("lobby"));
    assert_null(waiting.field("title"));

    Json joined = h.join(kModerator, r.id, r.moderator_token, "Dr. M");
    assert_string_equal(counsel_kind(joined).c_str(), "joined");
    assert_string_equal(str(joined, "role").c_str(), "moderator");
    json_t* lobby = joined.field("lobby");
    assert_int_equal(json_array_size(lobby), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(lobby, 0), "display")), "Anna");
    // The waiting person got nothing but their own answer.
    assert_int_equal(h.gateway.to(kClientA).size(), 1);
}

void moderator_admits_and_both_see_each_other(void**) {
    Harness h;
    Room r = make_room(h);
    h.join(kModerator, r.id, r.moderator_token, "Dr. M");
    const std::uint64_t anna = h.id_of(h.join(kClientA, r.id, r.token_a, "Anna"));
    Json lobby = h.gateway.last(kModerator, "lobby");
    assert_int_equal(json_array_size(lobby.field("waiting")), 1);

    Json ok = h.request(kModerator, "{\"request\":\"admit\",\"id\":" + std::to_string(anna) + "}");
    assert_string_equal(counsel_kind(ok).c_str(), "ok");
    Json admitted = h.gateway.last(kClientA, "admitted");
    assert_non_null(admitted.get());
    assert_int_equal(json_array_size(admitted.field("participants")), 2);
    assert_int_equal(json_array_size(h.gateway.last(kModerator, "participants").field("participants")), 2);
    assert_int_equal(json_array_size(h.gateway.last(kModerator, "lobby").field("waiting")), 0);
}

void second_moderator_gets_484_and_seat_returns_after_detach(void**) {
    Harness h;
    Room r = make_room(h);
    h.service.attach(kModerator);
    assert_string_equal(counsel_kind(h.join(kModerator, r.id, r.moderator_token, "M")).c_str(), "joined");
    assert_int_equal(error_code(h.join(kStranger, r.id, r.moderator_token, "M2")), 484);
    // A lost connection: the seat waits reconnect_grace_s for its holder, then is free.
    h.service.detach(kModerator);
    assert_int_equal(error_code(h.join(kStranger, r.id, r.moderator_token, "M2")), 484);
    h.clock.advance_ms(h.service.config().reconnect_grace_s * 1000);
    h.service.tick();
    assert_string_equal(counsel_kind(h.join(kStranger, r.id, r.moderator_token, "M")).c_str(), "joined");
}

void a_returning_guest_waits_again(void**) {
    Harness h;
    Room r = make_room(h);
    h.join(kModerator, r.id, r.moderator_token, "M");
    const std::uint64_t anna = h.id_of(h.join(kClientA, r.id, r.token_a, "Anna"));
    h.request(kModerator, "{\"request\":\"admit\",\"id\":" + std::to_string(anna) + "}");
    assert_string_equal(counsel_kind(h.request(kClientA, "{\"request\":\"leave\"}")).c_str(), "left");
    assert_string_equal(counsel_kind(h.join(kClientA, r.id, r.token_a, "Anna")).c_str(), "waiting");
}

void one_token_one_person_at_a_time(void**) {
    Harness h;
    Room r = make_room(h);
    h.join(kClientA, r.id, r.token_a, "Anna");
    assert_int_equal(error_code(h.join(kStranger, r.id, r.token_a, "Anna again")), 490);
}

void wrong_token_and_unknown_room_look_the_same(void**) {
    Harness h;
    Room r = make_room(h);
    Json wrong = h.join(kStranger, r.id, "AAAAAAAAAAAAAAAAAAAAAA", "X");
    Json unknown = h.join(kStranger + 1, "BBBBBBBBBBBBBBBBBBBBBB", r.token_a, "X");
    assert_int_equal(error_code(wrong), 482);
    assert_int_equal(error_code(unknown), 482);
    assert_string_equal(str(wrong, "error").c_str(), str(unknown, "error").c_str());
}

void end_purges_and_tombstones(void**) {
    Harness h;
    Room r = make_room(h);
    h.join(kModerator, r.id, r.moderator_token, "Dr. Marker");
    h.join(kClientA, r.id, r.token_a, "Anna Marker");
    Json ended = h.request(kModerator, "{\"request\":\"end\"}");
    assert_string_equal(counsel_kind(ended).c_str(), "ended");
    assert_non_null(h.gateway.last(kClientA, "ended").get());
    assert_int_equal(h.service.stats().rooms, 0);
    assert_int_equal(error_code(h.join(kClientB, r.id, r.token_b, "B")), 483);
    // After a restart the id is still burned.
    h.ledger.restart();
    Harness after;
    after.ledger.rows = h.ledger.rows;
    assert_int_equal(error_code(after.join(kClientB, r.id, r.token_b, "B")), 483);
    // No event or log line carried a name.
    std::string everything;
    for (const auto& n : h.gateway.notified) everything += n.dump();
    for (const auto& l : h.gateway.logs) everything += l;
    assert_null(std::strstr(everything.c_str(), "Marker"));
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(guests_wait_in_the_lobby_even_before_the_moderator),
        cmocka_unit_test(moderator_admits_and_both_see_each_other),
        cmocka_unit_test(second_moderator_gets_484_and_seat_returns_after_detach),
        cmocka_unit_test(a_returning_guest_waits_again),
        cmocka_unit_test(one_token_one_person_at_a_time),
        cmocka_unit_test(wrong_token_and_unknown_room_look_the_same),
        cmocka_unit_test(end_purges_and_tombstones),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
