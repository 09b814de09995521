// RTCP from a person about the streams they receive, on their loop thread:
//   - PLI/FIR on a receive slot: a keyframe request to the sender of that
//     stream, on the sender's m-line (paced per stream);
//   - REMB and receiver-report losses, and every RTCP as a clock: the
//     person's simulcast policy, whose layer the senders' threads pick up
//     from an atomic.
// slow_link with uplink=TRUE (Janus 1.x: losses on the way Janus -> peer) on
// video is the person's downlink struggling: one layer down.
// NACKs are Janus's own business (its retransmission buffers).
// A receiving handle (docs/api.md "Receiving handle") has a view of its own in
// the snapshot, with receive slots and no streams: its feedback is judged by
// the same code, its policy is its own, and the senders' legs to it read it.
#include <algorithm>
#include <cinttypes>

#include "media/rtp_snapshot.hpp"
#include "media/rtp_path.hpp"

namespace counsel::media {
namespace {

constexpr std::int64_t kRateWindowUs = 1'000'000;
constexpr std::int64_t kUnattributedGapUs = 1'000'000;

// The highest "fraction lost" of the report blocks in an RTCP compound (SR and
// RR): what the person's browser says it loses of what we send it. -1: none.
int max_fraction_lost(const char* buf, int len) {
    int worst = -1;
    int offset = 0;
    while (offset + 4 <= len) {
        const auto* p = reinterpret_cast<const unsigned char*>(buf + offset);
        if ((p[0] >> 6) != 2) break;
        const int count = p[0] & 0x1F;
        const int type = p[1];
        const int size = (((p[2] << 8) | p[3]) + 1) * 4;
        if (offset + size > len) break;
        const int first = type == 200 ? 28 : type == 201 ? 8 : -1;  // SR, RR
        if (first > 0)
            for (int i = 0; i < count && first + (i + 1) * 24 <= size; ++i)
                worst = std::max(worst, static_cast<int>(p[first + i * 24 + 4]));
        offset += size;
    }
    return worst;
}

void set_layer(Endpoint& self, int layer) {
    const int was = self.target_layer.exchange(layer, std::memory_order_relaxed);
    if (was != layer)
        JANUS_LOG(LOG_VERB, "[counsel] handle %" PRIu64 ": simulcast layer %d -> %d for what it receives\n", self.id, was,
                  layer);
}

// Updates the forwarded video rate (bits/s) over windows of about a second.
void update_rate(Endpoint& self, std::int64_t now_us) {
    const std::uint64_t bytes = self.counts.bytes_out[1].load(std::memory_order_relaxed);
    if (self.rate_mark_us == 0) {
        self.rate_mark_us = now_us;
        self.rate_mark_bytes = bytes;
        return;
    }
    const std::int64_t elapsed = now_us - self.rate_mark_us;
    if (elapsed < kRateWindowUs) return;
    self.forwarded_bps = (bytes - self.rate_mark_bytes) * 8ULL * 1'000'000ULL / static_cast<std::uint64_t>(elapsed);
    self.rate_mark_us = now_us;
    self.rate_mark_bytes = bytes;
}

}  // namespace

void on_rtcp(HandleId handle, janus_plugin_rtcp* packet) {
    if (!packet || !packet->buffer || packet->length < 4) return;
    const std::shared_ptr<const Snapshot> snapshot = load_snapshot();
    if (!snapshot) return;
    const auto it = snapshot->handles.find(handle);
    if (it == snapshot->handles.end()) return;
    const HandleView& view = it->second;
    const std::int64_t now_us = janus_get_monotonic_time();
    view.self->counts.rtcp_in.fetch_add(1, std::memory_order_relaxed);

    if (janus_rtcp_has_pli(packet->buffer, packet->length) || janus_rtcp_has_fir(packet->buffer, packet->length)) {
        const int mindex = packet->mindex;
        counters().keyframe_requests.fetch_add(1, std::memory_order_relaxed);
        if (mindex >= 0 && static_cast<std::size_t>(mindex) < view.receive.size() && view.receive[mindex].source) {
            const ReceiveView& r = view.receive[mindex];
            request_keyframe(*r.source, *r.state, now_us);
        } else {
            // Janus 1.1.2 finds the m-line of incoming RTCP by its sender SSRC,
            // and Chromium signs the feedback for the streams it receives with
            // the SSRC of a stream it sends: the request shows up on the
            // person's own m-line, and which stream it is about is lost. Ask
            // every video sender this person receives, at most once a second
            // each (a request inside that second is dropped, not kept: the
            // browser asks again while it still needs a keyframe).
            for (const ReceiveView& r : view.receive)
                if (r.source && r.state->video)
                    request_keyframe(*r.source, *r.state, now_us, kUnattributedGapUs, /*keep=*/false);
        }
    }

    Endpoint& self = *view.self;
    const std::uint32_t remb = janus_rtcp_get_remb(packet->buffer, packet->length);
    const int lost = max_fraction_lost(packet->buffer, packet->length);
    std::lock_guard lock(self.policy_mutex);
    update_rate(self, now_us);
    if (remb > 0) self.policy.on_remb(remb, self.forwarded_bps, now_us / 1000);
    if (lost >= 0) self.policy.on_loss(lost / 256.0, now_us / 1000);
    set_layer(self, self.policy.tick(now_us / 1000));
}

void on_slow_link(HandleId handle, int mindex, bool video, bool uplink) {
    (void)mindex;
    if (!video || !uplink) return;  // only the video the person receives is ours to thin out
    const std::shared_ptr<const Snapshot> snapshot = load_snapshot();
    if (!snapshot) return;
    const auto it = snapshot->handles.find(handle);
    if (it == snapshot->handles.end()) return;
    Endpoint& self = *it->second.self;
    const std::int64_t now_ms = janus_get_monotonic_time() / 1000;
    std::lock_guard lock(self.policy_mutex);
    self.policy.on_slow_link(now_ms);
    set_layer(self, self.policy.tick(now_ms));
}

}  // namespace counsel::media
