// What the RTP path reads: an immutable snapshot that the room thread builds
// after every change of the forwarding table or of a negotiation, and swaps
// in atomically. A packet costs one atomic load of the snapshot, a hash
// lookup of its handle and one relay per receiver; nothing here takes a lock
// the room thread holds, and nothing allocates per packet.
//
// Objects that must outlive one snapshot (the Janus handle reference, the
// per-receiver rewriting contexts, simulcast SSRCs learnt from rids) live
// behind shared_ptrs that consecutive snapshots share. Who mutates what:
//   Endpoint   receiver-side fields: the handle's own loop thread (its RTCP and
//              slow_link), published to senders through atomics
//   SourceState, Leg: the source handle's loop thread only (its incoming_rtp)
//              except SourceState::last_pli_us (atomic, any thread)
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "core/ports/gateway.hpp"
#include "media/janus.hpp"
#include "media/phone_link.hpp"
#include "media/simulcast_policy.hpp"
#include "recording/recording_tap.hpp"

namespace counsel::media {

// What the Admin API shows of one person's media: counts only, relaxed
// atomics. Index 0 is audio, 1 video. The person's own loop thread writes the
// *_in, relayed and dropped_muted counts; the senders' threads the *_out ones.
struct EndpointCounters {
    std::atomic<std::uint64_t> packets_in[2]{};   // RTP it sent that the plugin took in
    std::atomic<std::uint64_t> bytes_in[2]{};
    std::atomic<std::uint64_t> packets_out[2]{};  // RTP relayed to it
    std::atomic<std::uint64_t> bytes_out[2]{};
    std::atomic<std::uint64_t> relayed{0};        // copies of its packets relayed to others
    std::atomic<std::uint64_t> dropped_muted{0};  // its packets dropped by a moderator mute
    std::atomic<std::uint64_t> keyframe_requests{0};  // PLIs sent to it for its streams
    std::atomic<std::uint64_t> rtcp_in{0};        // RTCP it sent (a sign of life even without RTP)
};

// One admitted person's Janus handle. Holds a reference on the
// janus_plugin_session for as long as any snapshot or queued job holds it.
class Endpoint {
public:
    // Takes over a reference from janus_handles().acquire. `phone`: a
    // phone caller, whose media goes to counsel-phone over this socket.
    Endpoint(HandleId id, janus_plugin_session* session, std::unique_ptr<PhoneSocket> phone = nullptr)
        : id(id), session(session), phone(std::move(phone)) {}
    ~Endpoint();
    Endpoint(const Endpoint&) = delete;
    Endpoint& operator=(const Endpoint&) = delete;

    const HandleId id;
    janus_plugin_session* const session;  // also a phone caller's: events go to counsel-phone's handle
    const std::unique_ptr<PhoneSocket> phone;
    // Cleared when the person leaves their room: queued events are not delivered.
    std::atomic<bool> live{true};

    // As a receiver: the simulcast layer its downlink allows (written on its
    // own loop thread, read by the senders' threads).
    std::atomic<int> target_layer{2};
    // Counters (any thread; counts.bytes_out[1], the video forwarded to it, is
    // also compared with its REMB). Mutable: counting is not a change of state.
    mutable EndpointCounters counts;

    // Downlink policy, touched by this handle's RTCP and slow_link callbacks.
    std::mutex policy_mutex;
    SimulcastPolicy policy;
    std::uint64_t rate_mark_bytes = 0;
    std::int64_t rate_mark_us = 0;
    std::uint64_t forwarded_bps = 0;

    // Chat errors to this sender are paced (one per second at most).
    std::atomic<std::int64_t> last_chat_error_us{0};
};

// One published stream: what outlives a snapshot.
struct SourceState {
    SourceState(int mindex, bool video, janus_videocodec vcodec);
    ~SourceState();
    SourceState(const SourceState&) = delete;
    SourceState& operator=(const SourceState&) = delete;

    const int mindex;
    const bool video;
    const janus_videocodec vcodec;
    // Simulcast: SSRCs per layer (learnt from rids when rid-based), rids, and the rid extension id.
    bool simulcast = false;
    std::uint32_t ssrcs[3] = {0, 0, 0};
    char* rids[3] = {nullptr, nullptr, nullptr};
    int rid_ext_id = -1;  // (only the source's thread reads or learns these: no mutex)
    // Keyframe requests to this stream are paced (any thread); one that falls
    // into the pause is kept and sent by the source's thread when it ends.
    std::atomic<std::int64_t> last_pli_us{0};
    std::atomic<bool> pli_pending{false};
    // The source's thread: whether the last packet was dropped by a mute (a PLI on resumption).
    bool was_muted = false;
};

// One receiver of one stream: rewriting contexts, the source's thread only.
struct Leg {
    Leg(std::shared_ptr<Endpoint> receiver, std::uint32_t receiver_epoch, int mindex, int pt, bool video);

    const std::shared_ptr<Endpoint> receiver;
    const std::uint32_t receiver_epoch;  // the receiver's PeerConnection generation
    const int mindex;                    // m-line index in the receiver's PeerConnection
    const int pt;                        // payload type there
    const bool video;
    janus_rtp_switching_context context;
    janus_rtp_simulcasting_context sim;
    janus_vp8_simulcast_context vp8;
    bool started = false;
};

// A stream being recorded (its room records right now, its sender consented):
// the recorder's sink, and for a simulcast stream the choice of the one layer
// that goes into the file (the best that arrives). The source's thread only.
struct RecordingLeg {
    explicit RecordingLeg(std::shared_ptr<recording::TrackSink> sink, int rid_ext_id);
    const std::shared_ptr<recording::TrackSink> sink;
    janus_rtp_switching_context context;
    janus_rtp_simulcasting_context sim;
};

struct StreamView {
    std::shared_ptr<SourceState> state;
    std::vector<std::shared_ptr<Leg>> legs;
    std::shared_ptr<RecordingLeg> rec;  // null: not recorded
};

// An m-line of this handle that carries someone else's stream.
struct ReceiveView {
    std::shared_ptr<Endpoint> source;  // null: not a receive slot
    std::shared_ptr<SourceState> state;
};

struct HandleView {
    std::shared_ptr<Endpoint> self;
    std::uint64_t participant = 0;
    bool muted_audio = false;
    bool muted_video = false;
    bool receive_video = true;          // false: audio only; no video leg leads to this handle
    std::vector<StreamView> streams;    // own published streams
    std::vector<ReceiveView> receive;   // by this handle's m-line index
    std::vector<std::shared_ptr<Endpoint>> chat_peers;  // other admitted people with a data channel
    bool has_data = false;

    const StreamView* stream(int mindex) const {
        for (const StreamView& s : streams)
            if (s.state->mindex == mindex) return &s;
        return nullptr;
    }
};

struct Snapshot {
    std::unordered_map<HandleId, HandleView> handles;
    std::uint64_t version = 0;
};

std::shared_ptr<const Snapshot> load_snapshot();
void store_snapshot(std::shared_ptr<const Snapshot> snapshot);
// The RTP path's snapshot: the calling thread's own copy, renewed when a new
// one was stored since its last packet. Per packet that is one atomic load
// instead of load_snapshot's lock and reference count (~60 instructions,
// measured with callgrind). The pointer is valid until this thread's next
// call. The price: a loop thread keeps the snapshot it saw last (Janus handle
// references, no personal data) until its next packet or its end.
const Snapshot* snapshot_for_rtp();

// Janus's callbacks, or null before the plugin is initialised.
inline const janus_callbacks* janus_api() { return janus_handles().callbacks(); }

// A keyframe request to one stream: sent at once unless one went out less
// than `gap_us` ago; then, if `keep`, it is sent when the gap is over (see
// keyframe_due), else dropped.
constexpr std::int64_t kKeyframeGapUs = 300'000;
void request_keyframe(const Endpoint& source, SourceState& stream, std::int64_t now_us,
                      std::int64_t gap_us = kKeyframeGapUs, bool keep = true);
// The source's thread, per video packet: sends a request that waited for the gap.
inline void keyframe_due(const Endpoint& source, SourceState& stream, std::int64_t now_us) {
    if (stream.pli_pending.load(std::memory_order_relaxed)) request_keyframe(source, stream, now_us);
}

}  // namespace counsel::media
