// The media layer's m-line bookkeeping (plugin/media/slot_plan, negotiation):
// which m-line carries which stream after a series of joins and leaves, slot
// reuse, dead m-lines, and changes coalesced while an offer is in flight.
#include "media/negotiation.hpp"
#include "media/slot_plan.hpp"
#include "support/scenario.hpp"

using namespace counsel;
using namespace counsel::media;

namespace {

constexpr HandleId kA = 11, kB = 12, kC = 13;

Slot own(const char* mid, Kind kind) {
    Slot s;
    s.mid = mid;
    s.kind = kind;
    s.use = Slot::Use::Own;
    return s;
}

// A person's first publish: audio, video, data.
std::vector<Slot> published_slots() {
    return {own("0", Kind::Audio), own("1", Kind::Video), own("2", Kind::Data)};
}

// The two streams (audio at m-line 0, video at 1) of `handle` in PeerConnection generation `epoch`.
std::vector<Wanted> streams_of(HandleId handle, std::uint64_t participant, std::uint32_t epoch = 1) {
    return {Wanted{SourceKey{handle, epoch, 0}, participant, Kind::Audio},
            Wanted{SourceKey{handle, epoch, 1}, participant, Kind::Video}};
}

std::vector<Wanted> operator+(std::vector<Wanted> a, const std::vector<Wanted>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

// "mid:use:participant" per m-line, e.g. "3:R:100 4:R:100 5:F:0".
std::string roles(const std::vector<Slot>& slots) {
    std::string out;
    for (const Slot& s : slots) {
        const char use = s.use == Slot::Use::Own ? 'O' : s.use == Slot::Use::Receive ? 'R' : s.use == Slot::Use::Free ? 'F' : 'D';
        if (!out.empty()) out += ' ';
        out += s.mid + ":" + use + ":" + std::to_string(s.participant);
    }
    return out;
}

void expect_roles(const std::vector<Slot>& slots, const char* expected) {
    const std::string got = roles(slots);
    if (got != expected) {
        std::fprintf(stderr, "m-lines: %s\nexpected: %s\n", got.c_str(), expected);
        fail();
    }
}

std::vector<bool> all_accepted(const Negotiation& n) { return std::vector<bool>(n.pending_size(), true); }

Negotiation connected_person() {
    Negotiation n;
    n.published(published_slots());
    n.set_connected(true);
    return n;
}

void first_offer_adds_a_slot_per_stream_after_the_own_ones(void**) {
    Negotiation n = connected_person();
    assert_false(n.next_offer().has_value());  // nobody else yet: nothing to offer
    n.want(streams_of(kA, 100));
    auto plan = n.next_offer();
    assert_true(plan.has_value());
    expect_roles(*plan, "0:O:0 1:O:0 2:O:0 3:R:100 4:R:100");
    assert_true((*plan)[3].kind == Kind::Audio && (*plan)[4].kind == Kind::Video);
    assert_true((*plan)[4].source == (SourceKey{kA, 1, 1}));
    // Not agreed (and so not forwarded) before the answer.
    expect_roles(n.agreed(), "0:O:0 1:O:0 2:O:0");
    assert_true(n.answered(all_accepted(n)));
    expect_roles(n.agreed(), "0:O:0 1:O:0 2:O:0 3:R:100 4:R:100");
    // The same wish again: no offer.
    assert_false(n.next_offer().has_value());
}

void no_offer_before_the_peerconnection_is_up_or_before_publish(void**) {
    Negotiation fresh;
    fresh.want(streams_of(kA, 100));
    fresh.set_connected(true);
    assert_false(fresh.next_offer().has_value());  // not published
    Negotiation n;
    n.published(published_slots());
    n.want(streams_of(kA, 100));
    assert_false(n.next_offer().has_value());  // PeerConnection not up yet
    n.set_connected(true);
    assert_true(n.next_offer().has_value());
}

void changes_while_an_offer_is_in_flight_are_coalesced(void**) {
    Negotiation n = connected_person();
    n.want(streams_of(kA, 100));
    assert_true(n.next_offer().has_value());
    // B arrives, then A leaves and C arrives, all before the answer: no second offer yet.
    n.want(streams_of(kA, 100) + streams_of(kB, 200));
    assert_false(n.next_offer().has_value());
    n.want(streams_of(kB, 200) + streams_of(kC, 300));
    assert_false(n.next_offer().has_value());
    assert_true(n.offer_in_flight());
    assert_int_equal(n.offers_made(), 1);
    assert_true(n.answered(all_accepted(n)));
    // One offer covers everything that happened meanwhile: A's slots go to B
    // (the first free ones of each kind), C gets new m-lines.
    auto plan = n.next_offer();
    assert_true(plan.has_value());
    expect_roles(*plan, "0:O:0 1:O:0 2:O:0 3:R:200 4:R:200 5:R:300 6:R:300");
    assert_int_equal(n.offers_made(), 2);
}

void a_source_that_leaves_frees_its_slot_for_the_next_one(void**) {
    Negotiation n = connected_person();
    n.want(streams_of(kA, 100) + streams_of(kB, 200));
    assert_true(n.next_offer().has_value());
    assert_true(n.answered(all_accepted(n)));
    expect_roles(n.agreed(), "0:O:0 1:O:0 2:O:0 3:R:100 4:R:100 5:R:200 6:R:200");
    n.want(streams_of(kB, 200));  // A left
    auto plan = n.next_offer();
    assert_true(plan.has_value());
    expect_roles(*plan, "0:O:0 1:O:0 2:O:0 3:F:0 4:F:0 5:R:200 6:R:200");
    assert_true(n.answered(all_accepted(n)));
    n.want(streams_of(kB, 200) + streams_of(kC, 300));  // C comes: A's old m-lines, no new ones
    plan = n.next_offer();
    assert_true(plan.has_value());
    expect_roles(*plan, "0:O:0 1:O:0 2:O:0 3:R:300 4:R:300 5:R:200 6:R:200");
    assert_true(n.answered(all_accepted(n)));
    // A comes back with a new PeerConnection (a new generation): new source, new slots.
    n.want(streams_of(kB, 200) + streams_of(kC, 300) + streams_of(kA, 100, 2));
    plan = n.next_offer();
    assert_true(plan.has_value());
    expect_roles(*plan, "0:O:0 1:O:0 2:O:0 3:R:300 4:R:300 5:R:200 6:R:200 7:R:100 8:R:100");
}

void free_slots_are_reused_by_kind_only(void**) {
    Negotiation n = connected_person();
    n.want(streams_of(kA, 100));
    assert_true(n.next_offer().has_value());
    assert_true(n.answered(all_accepted(n)));
    // A stops sending audio (a later publish): only its audio slot frees.
    n.want({Wanted{SourceKey{kA, 1, 1}, 100, Kind::Video}});
    assert_true(n.next_offer().has_value());
    assert_true(n.answered(all_accepted(n)));
    expect_roles(n.agreed(), "0:O:0 1:O:0 2:O:0 3:F:0 4:R:100");
    // B sends video only: the free audio m-line cannot carry it.
    n.want({Wanted{SourceKey{kA, 1, 1}, 100, Kind::Video}, Wanted{SourceKey{kB, 1, 1}, 200, Kind::Video}});
    auto plan = n.next_offer();
    assert_true(plan.has_value());
    expect_roles(*plan, "0:O:0 1:O:0 2:O:0 3:F:0 4:R:100 5:R:200");
}

void rejected_mlines_are_dead_and_never_reused(void**) {
    Negotiation n = connected_person();
    n.want(streams_of(kA, 100));
    assert_true(n.next_offer().has_value());
    // The browser refuses the video m-line (port 0).
    assert_true(n.answered({true, true, true, true, false}));
    expect_roles(n.agreed(), "0:O:0 1:O:0 2:O:0 3:R:100 4:D:0");
    // The wish still has A's video: it gets a fresh m-line, not the dead one.
    auto plan = n.next_offer();
    assert_true(plan.has_value());
    expect_roles(*plan, "0:O:0 1:O:0 2:O:0 3:R:100 4:D:0 5:R:100");
}

void a_failed_offer_is_made_again_and_a_stray_answer_changes_nothing(void**) {
    Negotiation n = connected_person();
    assert_false(n.answered({true, true, true}));  // nothing in flight
    n.want(streams_of(kA, 100));
    assert_true(n.next_offer().has_value());
    n.offer_failed();
    assert_false(n.offer_in_flight());
    expect_roles(n.agreed(), "0:O:0 1:O:0 2:O:0");
    assert_true(n.next_offer().has_value());
}

// A peer that never answers: the offer expires after the timeout, the same
// wish is offered again, and later changes are not blocked by the lost one.
void an_unanswered_offer_expires_and_the_wish_is_offered_again(void**) {
    Negotiation n = connected_person();
    assert_false(n.offer_expired(1'000'000, 15'000));  // nothing in flight
    n.want(streams_of(kA, 100));
    assert_true(n.next_offer().has_value());
    n.offer_sent(1'000);
    assert_false(n.offer_expired(15'999, 15'000));
    n.want(streams_of(kA, 100) + streams_of(kB, 200));  // a change meanwhile waits
    assert_false(n.next_offer().has_value());
    assert_true(n.offer_expired(16'000, 15'000));
    n.offer_failed();
    assert_false(n.offer_in_flight());
    expect_roles(n.agreed(), "0:O:0 1:O:0 2:O:0");  // nothing was agreed
    auto again = n.next_offer();
    assert_true(again.has_value());
    assert_int_equal(again->size(), 7);  // own streams, data, and both people's streams
    n.offer_sent(16'250);
    assert_false(n.offer_expired(16'250, 15'000));
    assert_true(n.answered(all_accepted(n)));
    assert_false(n.offer_expired(100'000, 15'000));  // answered: nothing left to expire
}

void a_new_peerconnection_starts_from_scratch(void**) {
    Negotiation n = connected_person();
    n.want(streams_of(kA, 100));
    assert_true(n.next_offer().has_value());
    assert_true(n.answered(all_accepted(n)));
    n.set_connected(false);  // hangup
    assert_false(n.is_published());
    assert_int_equal(n.agreed().size(), 0);
    assert_false(n.next_offer().has_value());
    n.published(published_slots());
    n.set_connected(true);
    auto plan = n.next_offer();
    assert_true(plan.has_value());
    expect_roles(*plan, "0:O:0 1:O:0 2:O:0 3:R:100 4:R:100");
}

void fresh_mids_skip_the_ones_in_use(void**) {
    std::vector<Slot> slots = {own("0", Kind::Audio), own("3", Kind::Video), own("1", Kind::Data)};
    assert_string_equal(fresh_mid(slots).c_str(), "4");
    slots = {own("audio", Kind::Audio), own("video", Kind::Video)};
    assert_string_equal(fresh_mid(slots).c_str(), "2");
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(first_offer_adds_a_slot_per_stream_after_the_own_ones),
        cmocka_unit_test(no_offer_before_the_peerconnection_is_up_or_before_publish),
        cmocka_unit_test(changes_while_an_offer_is_in_flight_are_coalesced),
        cmocka_unit_test(a_source_that_leaves_frees_its_slot_for_the_next_one),
        cmocka_unit_test(free_slots_are_reused_by_kind_only),
        cmocka_unit_test(rejected_mlines_are_dead_and_never_reused),
        cmocka_unit_test(a_failed_offer_is_made_again_and_a_stray_answer_changes_nothing),
        cmocka_unit_test(an_unanswered_offer_expires_and_the_wish_is_offered_again),
        cmocka_unit_test(a_new_peerconnection_starts_from_scratch),
        cmocka_unit_test(fresh_mids_skip_the_ones_in_use),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
