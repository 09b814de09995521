#include "media/simulcast_policy.hpp"

namespace counsel::media {

void SimulcastPolicy::step_down(std::int64_t now_ms) {
    have_pressure_ = true;
    last_pressure_ms_ = now_ms;
    // Give the last switch time to show before the next one.
    if (stepped_down_ && now_ms - last_step_down_ms_ < settings_.step_down_gap_ms) return;
    stepped_down_ = true;
    last_step_down_ms_ = now_ms;
    if (layer_ > 0) {
        --layer_;
        last_change_ms_ = now_ms;
    }
}

void SimulcastPolicy::on_remb(std::uint64_t remb_bps, std::uint64_t forwarded_bps, std::int64_t now_ms) {
    if (!started_) {
        started_ = true;
        last_change_ms_ = now_ms;
    }
    remb_congested_ = forwarded_bps > 0 && static_cast<double>(remb_bps) <
                                               static_cast<double>(forwarded_bps) * settings_.congested_ratio;
    if (remb_congested_) step_down(now_ms);
}

void SimulcastPolicy::on_loss(double fraction, std::int64_t now_ms) {
    if (!started_) {
        started_ = true;
        last_change_ms_ = now_ms;
    }
    if (fraction >= settings_.loss_down) {
        step_down(now_ms);
    } else if (fraction >= settings_.loss_hold) {
        have_pressure_ = true;
        last_pressure_ms_ = now_ms;
    }
}

void SimulcastPolicy::on_slow_link(std::int64_t now_ms) {
    if (!started_) started_ = true;
    step_down(now_ms);
}

int SimulcastPolicy::tick(std::int64_t now_ms) {
    if (!started_) {
        // The quiet period counts from the first thing we hear.
        started_ = true;
        last_change_ms_ = now_ms;
        return layer_;
    }
    if (layer_ >= settings_.top_layer || remb_congested_) return layer_;
    if (now_ms - last_change_ms_ < settings_.quiet_ms) return layer_;
    if (have_pressure_ && now_ms - last_pressure_ms_ < settings_.quiet_ms) return layer_;
    ++layer_;
    last_change_ms_ = now_ms;
    return layer_;
}

}  // namespace counsel::media
