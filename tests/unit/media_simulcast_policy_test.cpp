// The simulcast layer a receiver gets (plugin/media/simulcast_policy): down
// on REMB below what it is sent, on receiver-report losses, on slow_link;
// paced; back up one layer per quiet period.
#include "media/simulcast_policy.hpp"
#include "support/scenario.hpp"

using namespace counsel::media;

namespace {

constexpr std::int64_t T0 = 1'000'000;

void starts_on_the_top_layer_and_stays_there_when_all_is_well(void**) {
    SimulcastPolicy p;
    assert_int_equal(p.layer(), 2);
    for (int i = 0; i < 30; ++i) {
        p.on_remb(3'000'000, 1'500'000, T0 + i * 1000);
        p.on_loss(0.0, T0 + i * 1000);
        assert_int_equal(p.tick(T0 + i * 1000), 2);
    }
}

void remb_below_what_we_send_steps_down_once_per_gap(void**) {
    SimulcastPolicy p;
    p.on_remb(500'000, 1'500'000, T0);
    assert_int_equal(p.tick(T0), 1);
    // More low REMBs right after: the switch needs time to show; no second step yet.
    p.on_remb(400'000, 1'400'000, T0 + 500);
    p.on_remb(400'000, 1'300'000, T0 + 1500);
    assert_int_equal(p.tick(T0 + 1500), 1);
    // Still congested after the gap: one more down, and never below 0.
    p.on_remb(100'000, 400'000, T0 + 2100);
    assert_int_equal(p.tick(T0 + 2100), 0);
    p.on_remb(50'000, 400'000, T0 + 5000);
    assert_int_equal(p.tick(T0 + 5000), 0);
    // A REMB a little under what we send (noise) is not congestion.
    SimulcastPolicy q;
    q.on_remb(900'000, 1'000'000, T0);
    assert_int_equal(q.tick(T0), 2);
}

void losses_step_down_or_hold(void**) {
    SimulcastPolicy p;
    p.on_loss(0.15, T0);
    assert_int_equal(p.tick(T0), 1);
    // Some loss (2..10%): no step down, but no step up either while it lasts.
    for (std::int64_t t = T0 + 1000; t < T0 + 20'000; t += 1000) {
        p.on_loss(0.05, t);
        assert_int_equal(p.tick(t), 1);
    }
    // Clean for a quiet period: back up.
    std::int64_t t = T0 + 20'000;
    for (; t < T0 + 24'000; t += 1000) {
        p.on_loss(0.0, t);
        assert_int_equal(p.tick(t), 1);
    }
    p.on_loss(0.0, T0 + 25'000);
    assert_int_equal(p.tick(T0 + 25'000), 2);
}

void slow_link_steps_down_and_quiet_steps_back_up_one_layer_at_a_time(void**) {
    SimulcastPolicy p;
    p.on_slow_link(T0);
    assert_int_equal(p.tick(T0), 1);
    p.on_slow_link(T0 + 2500);
    assert_int_equal(p.tick(T0 + 2500), 0);
    // 5 s without trouble: one layer up; 5 s more: the top again.
    assert_int_equal(p.tick(T0 + 7000), 0);
    assert_int_equal(p.tick(T0 + 7500), 1);
    assert_int_equal(p.tick(T0 + 9000), 1);
    assert_int_equal(p.tick(T0 + 12'500), 2);
    assert_int_equal(p.tick(T0 + 60'000), 2);
}

void a_congested_remb_keeps_the_layer_from_going_up(void**) {
    SimulcastPolicy p;
    p.on_slow_link(T0);
    assert_int_equal(p.tick(T0), 1);
    // Long after the slow_link, but the last REMB says we send more than it takes.
    p.on_remb(200'000, 600'000, T0 + 1000);  // within the gap: no further step
    assert_int_equal(p.tick(T0 + 30'000), 1);
    // Recovered: the last pressure (T0 + 1 s) is long past, so up at once.
    p.on_remb(2'000'000, 600'000, T0 + 30'000);
    assert_int_equal(p.tick(T0 + 30'000), 2);
}

void settings_bound_the_layers(void**) {
    SimulcastPolicy::Settings s;
    s.top_layer = 1;
    s.quiet_ms = 1000;
    SimulcastPolicy p(s);
    assert_int_equal(p.layer(), 1);
    p.on_slow_link(T0);
    assert_int_equal(p.tick(T0), 0);
    assert_int_equal(p.tick(T0 + 1000), 1);
    assert_int_equal(p.tick(T0 + 5000), 1);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(starts_on_the_top_layer_and_stays_there_when_all_is_well),
        cmocka_unit_test(remb_below_what_we_send_steps_down_once_per_gap),
        cmocka_unit_test(losses_step_down_or_hold),
        cmocka_unit_test(slow_link_steps_down_and_quiet_steps_back_up_one_layer_at_a_time),
        cmocka_unit_test(a_congested_remb_keeps_the_layer_from_going_up),
        cmocka_unit_test(settings_bound_the_layers),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
