// Which simulcast layer a receiver gets, from what its downlink tells us:
//   - REMB (the receiver's estimate of what it can take) below what we are
//     forwarding to it, a receiver report losing `loss_down` or more, or a
//     slow_link (Janus saw many NACKs or losses on the way to it): one layer
//     down, at most once per `step_down_gap_ms`, so a switch can take effect
//     before the next one;
//   - losses above `loss_hold`: no step down, but no step up either;
//   - `quiet_ms` without any of these, and the last REMB not below what we
//     forward: one layer up (and the quiet period starts again).
// (Chromium sends no REMB while transport-cc is negotiated on the bundle, and
// Janus does not act on transport-cc feedback: receiver-report losses and
// slow_link are what moves the layer with Chromium.)
// A receiver starts on the top layer. One policy per receiver: it applies to
// every simulcast stream the receiver gets. Pure: the caller passes the time.
#pragma once

#include <cstdint>

namespace counsel::media {

class SimulcastPolicy {
public:
    struct Settings {
        int top_layer = 2;
        std::int64_t quiet_ms = 5000;
        std::int64_t step_down_gap_ms = 2000;
        // REMB below forwarded * ratio counts as congestion (REMB has some noise).
        double congested_ratio = 0.85;
        double loss_down = 0.10;
        double loss_hold = 0.02;
    };

    SimulcastPolicy() : SimulcastPolicy(Settings{}) {}
    explicit SimulcastPolicy(Settings settings) : settings_(settings), layer_(settings.top_layer) {}

    // A REMB of `remb_bps` while we forward `forwarded_bps` of video to this receiver.
    void on_remb(std::uint64_t remb_bps, std::uint64_t forwarded_bps, std::int64_t now_ms);
    // The fraction (0..1) of packets the receiver reported lost on what we send it.
    void on_loss(double fraction, std::int64_t now_ms);
    // Janus saw many NACKs from this receiver (its downlink is losing packets).
    void on_slow_link(std::int64_t now_ms);
    // Steps up if the downlink has been quiet long enough; returns the layer.
    int tick(std::int64_t now_ms);

    int layer() const { return layer_; }

private:
    void step_down(std::int64_t now_ms);

    Settings settings_;
    int layer_;
    bool started_ = false;
    std::int64_t last_change_ms_ = 0;    // last step in either direction (or the start)
    std::int64_t last_pressure_ms_ = 0;  // last congestion signal
    bool have_pressure_ = false;
    std::int64_t last_step_down_ms_ = 0;
    bool stepped_down_ = false;
    bool remb_congested_ = false;        // what the last REMB said
};

}  // namespace counsel::media
