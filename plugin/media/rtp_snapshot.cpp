#include "media/rtp_snapshot.hpp"

namespace counsel::media {
namespace {

// The snapshot the RTP path reads. A function-local static: it outlives the
// plugin's start/stop (Janus does not unload plugins), so a packet that races
// a stop still finds a valid (empty) snapshot.
std::atomic<std::shared_ptr<const Snapshot>>& current() {
    static std::atomic<std::shared_ptr<const Snapshot>> snapshot;
    return snapshot;
}

// Bumped after every store: a loop thread renews its copy when it changed.
constinit std::atomic<std::uint64_t> published{0};

// A loop thread's copy of the current snapshot, for the RTP path.
struct ThreadCopy {
    std::uint64_t published = ~std::uint64_t{0};
    std::shared_ptr<const Snapshot> snapshot;
};
thread_local ThreadCopy thread_copy;

// The Janus adapter's handles; set before the first room exists.
constinit std::atomic<JanusHandles*> lent{nullptr};

}  // namespace

void lend_janus_handles(JanusHandles* handles) { lent.store(handles, std::memory_order_release); }
JanusHandles& janus_handles() { return *lent.load(std::memory_order_acquire); }

Endpoint::~Endpoint() {
    if (session) janus_handles().release(session);
}

SourceState::SourceState(int mindex, bool video, janus_videocodec vcodec)
    : mindex(mindex), video(video), vcodec(vcodec) {}

SourceState::~SourceState() {
    janus_rtp_simulcasting_cleanup(nullptr, nullptr, rids, nullptr);
}

Leg::Leg(std::shared_ptr<Endpoint> receiver, std::uint32_t receiver_epoch, int mindex, int pt, bool video)
    : receiver(std::move(receiver)), receiver_epoch(receiver_epoch), mindex(mindex), pt(pt), video(video) {
    janus_rtp_switching_context_reset(&context);
    janus_rtp_simulcasting_context_reset(&sim);
    janus_vp8_simulcast_context_reset(&vp8);
}

RecordingLeg::RecordingLeg(std::shared_ptr<recording::TrackSink> sink, int rid_ext_id) : sink(std::move(sink)) {
    janus_rtp_switching_context_reset(&context);
    janus_rtp_simulcasting_context_reset(&sim);
    sim.rid_ext_id = rid_ext_id;
    sim.substream_target = 2;  // the best layer; a lower one while it does not arrive
    sim.templayer_target = 2;
}

std::shared_ptr<const Snapshot> load_snapshot() { return current().load(std::memory_order_acquire); }

void store_snapshot(std::shared_ptr<const Snapshot> snapshot) {
    // The old snapshot is released here or, if a loop thread still holds a
    // copy (snapshot_for_rtp) or a callback a load, on that thread when it
    // renews its copy, finishes, or ends (releasing its Janus handle references there).
    current().store(std::move(snapshot), std::memory_order_release);
    published.fetch_add(1, std::memory_order_release);
}

const Snapshot* snapshot_for_rtp() {
    // Read before the snapshot: a thread that sees a count gets a snapshot at
    // least as new as the store that made it.
    const std::uint64_t count = published.load(std::memory_order_acquire);
    ThreadCopy& copy = thread_copy;
    if (copy.published != count) {
        copy.snapshot = current().load(std::memory_order_acquire);
        copy.published = count;
    }
    return copy.snapshot.get();
}

void request_keyframe(const Endpoint& source, SourceState& stream, std::int64_t now_us, std::int64_t gap_us,
                      bool keep) {
    std::int64_t last = stream.last_pli_us.load(std::memory_order_relaxed);
    if (now_us - last < gap_us || !stream.last_pli_us.compare_exchange_strong(last, now_us, std::memory_order_relaxed)) {
        if (keep) stream.pli_pending.store(true, std::memory_order_relaxed);
        return;
    }
    stream.pli_pending.store(false, std::memory_order_relaxed);
    const janus_callbacks* api = janus_api();
    if (api && source.session) {
        api->send_pli_stream(source.session, stream.mindex);
        source.counts.keyframe_requests.fetch_add(1, std::memory_order_relaxed);
    }
}

}  // namespace counsel::media
