// The media layer's counts for Janus's Admin API, read on whatever thread asks
// (Janus's admin thread) from the published forwarding snapshot and the RTP
// path's counters: no lock, no wait for the room thread. Counts, layers and
// m-line numbers only — never a name, an address or content.
#pragma once

#include "core/ports/gateway.hpp"
#include "core/json.hpp"

namespace counsel::media {

// One handle: {forwarding: false} while it is not in the table (lobby, no
// PeerConnection yet, gone), else its audio/video packets and bytes in and
// out, copies relayed to others, packets dropped by a mute, keyframe requests
// sent to it, and the simulcast layer its downlink gets.
Json describe_handle_media(HandleId handle);

// The plugin's totals: handles in the table, RTP in / forwarded / dropped,
// keyframe requests from receivers, chat relayed / rejected / dropped.
Json media_totals();

}  // namespace counsel::media
