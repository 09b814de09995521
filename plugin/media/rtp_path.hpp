// The functions Janus's loop threads run for each packet or message (see
// rtp_snapshot.hpp for what they may touch), and the counters they keep.
#pragma once

#include <atomic>
#include <cstdint>

#include "core/ports/gateway.hpp"
#include "media/janus.hpp"

namespace counsel::media {

// forwarder.cpp: RTP from a person to everyone else in their room.
void forward_rtp(HandleId handle, janus_plugin_rtp* packet);
// rtcp_feedback.cpp: keyframe requests to the right sender, REMB into the simulcast policy.
void on_rtcp(HandleId handle, janus_plugin_rtcp* packet);
void on_slow_link(HandleId handle, int mindex, bool video, bool uplink);
// chat_relay.cpp: data channel text to everyone else admitted.
void relay_chat(HandleId handle, janus_plugin_data* packet);

// Counts only (the admin API and logs may show them).
struct PathCounters {
    std::atomic<std::uint64_t> rtp_in{0};               // from admitted people, into the table
    std::atomic<std::uint64_t> rtp_forwarded{0};        // copies relayed to receivers
    std::atomic<std::uint64_t> rtp_dropped_unknown{0};  // from handles not in the table
    std::atomic<std::uint64_t> rtp_dropped_muted{0};
    std::atomic<std::uint64_t> keyframe_requests{0};
    std::atomic<std::uint64_t> chat_relayed{0};
    std::atomic<std::uint64_t> chat_rejected{0};
    std::atomic<std::uint64_t> chat_dropped_unknown{0};
};
PathCounters& counters();

}  // namespace counsel::media
