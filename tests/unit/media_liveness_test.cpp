// media/liveness: a person from whom nothing (RTP or RTCP) arrives for
// Liveness::kQuietAfterMs is quiet; the next packet makes them heard again.
#include "media/liveness.hpp"
#include "support/scenario.hpp"

using namespace counsel::media;

namespace {

constexpr std::int64_t kQuiet = Liveness::kQuietAfterMs;

void packets_keep_a_person_heard(void**) {
    Liveness l;
    l.reset(100, 0);
    for (std::int64_t t = 250; t <= 20'000; t += 250) assert_false(l.update(100 + static_cast<std::uint64_t>(t), t).has_value());
    assert_false(l.quiet());
}

void silence_makes_them_quiet_once_and_a_packet_heard_again(void**) {
    Liveness l;
    l.reset(7, 1000);
    assert_false(l.update(7, 1000 + kQuiet - 1).has_value());
    auto fell = l.update(7, 1000 + kQuiet);
    assert_true(fell.has_value() && *fell);
    assert_true(l.quiet());
    assert_false(l.update(7, 1000 + 10 * kQuiet).has_value());  // said once
    auto back = l.update(8, 1000 + 10 * kQuiet + 1);
    assert_true(back.has_value() && !*back);
    assert_false(l.quiet());
    // Quiet again only after a whole period from the last packet.
    assert_false(l.update(8, 1000 + 11 * kQuiet).has_value());
    assert_true(l.update(8, 1000 + 11 * kQuiet + 1).value_or(false));
}

void a_reset_starts_over_without_a_report(void**) {
    Liveness l;
    l.reset(0, 0);
    assert_true(l.update(0, kQuiet).value_or(false));
    l.reset(0, kQuiet + 1);  // a PeerConnection came up again
    assert_false(l.quiet());
    assert_false(l.update(0, 2 * kQuiet).has_value());
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(packets_keep_a_person_heard),
        cmocka_unit_test(silence_makes_them_quiet_once_and_a_packet_heard_again),
        cmocka_unit_test(a_reset_starts_over_without_a_report),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
