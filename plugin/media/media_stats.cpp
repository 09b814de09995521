#include "media/media_stats.hpp"

#include "media/rtp_snapshot.hpp"
#include "media/rtp_path.hpp"

namespace counsel::media {
namespace {

std::uint64_t read(const std::atomic<std::uint64_t>& counter) { return counter.load(std::memory_order_relaxed); }

Json direction(const EndpointCounters& c, bool in) {
    const auto* packets = in ? c.packets_in : c.packets_out;
    const auto* bytes = in ? c.bytes_in : c.bytes_out;
    return Json::object()
        .set("audio_packets", read(packets[0]))
        .set("audio_bytes", read(bytes[0]))
        .set("video_packets", read(packets[1]))
        .set("video_bytes", read(bytes[1]));
}

}  // namespace

Json describe_handle_media(HandleId handle) {
    const std::shared_ptr<const Snapshot> snapshot = load_snapshot();
    const auto it = snapshot ? snapshot->handles.find(handle) : decltype(snapshot->handles.end()){};
    if (!snapshot || it == snapshot->handles.end() || !it->second.self) return Json::object().set("forwarding", false);
    const HandleView& view = it->second;
    const EndpointCounters& c = view.self->counts;
    int receiving = 0;
    for (const ReceiveView& r : view.receive)
        if (r.source) ++receiving;
    return Json::object()
        .set("forwarding", true)
        .set("in", direction(c, true))
        .set("out", direction(c, false))
        .set("relayed", read(c.relayed))
        .set("dropped_muted", read(c.dropped_muted))
        .set("keyframe_requests", read(c.keyframe_requests))
        .set("simulcast_layer", view.self->target_layer.load(std::memory_order_relaxed))
        .set("own_streams", static_cast<std::int64_t>(view.streams.size()))
        .set("receive_streams", receiving)
        .set("muted_audio", view.muted_audio)
        .set("muted_video", view.muted_video)
        .set("receive_video", view.receive_video);
}

Json media_totals() {
    const std::shared_ptr<const Snapshot> snapshot = load_snapshot();
    const PathCounters& c = counters();
    return Json::object()
        .set("handles_forwarding", static_cast<std::int64_t>(snapshot ? snapshot->handles.size() : 0))
        .set("rtp_in", read(c.rtp_in))
        .set("rtp_forwarded", read(c.rtp_forwarded))
        .set("rtp_dropped_unknown", read(c.rtp_dropped_unknown))
        .set("rtp_dropped_muted", read(c.rtp_dropped_muted))
        .set("keyframe_requests_received", read(c.keyframe_requests))
        .set("chat_relayed", read(c.chat_relayed))
        .set("chat_rejected", read(c.chat_rejected))
        .set("chat_dropped_unknown", read(c.chat_dropped_unknown));
}

}  // namespace counsel::media
