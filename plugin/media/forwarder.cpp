// RTP from one person to the others admitted to their room, on the sender's
// loop thread. Per packet: the thread's snapshot copy (renewed only when a new
// one was published), one lookup, and per receiver a
// header rewrite (sequence numbers and timestamps continuous per receiver
// m-line, the receiver's payload type), a relay, and the original header put
// back for the next receiver (and for Janus's own statistics). Simulcast
// streams go through one janus_rtp_simulcasting_context per receiver.
#include <arpa/inet.h>

#include <cstring>

#include "media/rtp_snapshot.hpp"
#include "media/rtp_path.hpp"

namespace counsel::media {

PathCounters& counters() {
    static PathCounters c;
    return c;
}

namespace {

constexpr std::int64_t kStalledLayerUs = 1'000'000;

// Learns which SSRC carries which rid from every packet of a simulcast stream,
// receivers or not: browsers put the rid extension only on the first packets
// of each SSRC, and a receiver may come long after those.
void learn_layer(SourceState& src, char* buf, int len) {
    const std::uint32_t ssrc = ntohl(reinterpret_cast<janus_rtp_header*>(buf)->ssrc);
    if (ssrc == src.ssrcs[0] || ssrc == src.ssrcs[1] || ssrc == src.ssrcs[2] || src.rid_ext_id < 1) return;
    char rid[16];
    if (janus_rtp_header_extension_parse_rid(buf, len, src.rid_ext_id, rid, sizeof(rid)) != 0) return;
    for (int i = 0; i < 3; ++i)
        if (src.rids[i] && std::strcmp(src.rids[i], rid) == 0) src.ssrcs[i] = ssrc;
}

// A packet of a stream being recorded, to the recorder's sink. Before the
// receivers: the sink only reads the packet (Janus's recorder rewrites the
// header and puts it back).
void record_one(RecordingLeg& rec, SourceState& src, const janus_plugin_rtp* packet, std::int64_t now_us,
                const Endpoint& source) {
    if (src.video && rec.sink->wants_keyframe(now_us)) request_keyframe(source, src, now_us);
    if (src.video && src.simulcast) {
        // One layer only: a file of interleaved layers cannot be decoded.
        const gboolean take = janus_rtp_simulcasting_context_process_rtp(
            &rec.sim, packet->buffer, packet->length, src.ssrcs, src.rid_ext_id > 0 ? src.rids : nullptr, src.vcodec,
            &rec.context, nullptr);
        if (rec.sim.need_pli) request_keyframe(source, src, now_us);
        if (!take) return;
    }
    rec.sink->write(packet->buffer, static_cast<unsigned>(packet->length));
}

// Relays `packet` itself with the receiver's m-line index (forward_rtp puts the
// sender's back): building a janus_plugin_rtp per receiver would copy its
// extensions struct, 40 of the ~360 instructions a packet cost the plugin.
[[gnu::always_inline]] inline void relay_one(const janus_callbacks* api, Leg& leg, SourceState& src,
                                             janus_plugin_rtp* packet, char* payload, int plen, std::int64_t now_us,
                                             const Endpoint& source) {
    char* buf = packet->buffer;
    const int len = packet->length;
    const bool video = src.video;
    if (video && !leg.started) {
        // A receiver that starts needs a keyframe to decode anything.
        leg.started = true;
        request_keyframe(source, src, now_us);
    }
    if (video && src.simulcast) {
        const int want = leg.receiver->target_layer.load(std::memory_order_relaxed);
        if (want != leg.sim.substream_target) {
            leg.sim.substream_target = want;
            request_keyframe(source, src, now_us);  // the switch happens on a keyframe
        }
        const gboolean relay = janus_rtp_simulcasting_context_process_rtp(
            &leg.sim, buf, len, src.ssrcs, src.rid_ext_id > 0 ? src.rids : nullptr, src.vcodec, &leg.context, nullptr);
        if (leg.sim.need_pli || (!relay && now_us - leg.sim.last_relayed >= kStalledLayerUs))
            request_keyframe(source, src, now_us);
        if (!relay) return;
    }
    janus_rtp_header* header = reinterpret_cast<janus_rtp_header*>(buf);
    janus_rtp_header_update(header, &leg.context, video ? TRUE : FALSE, 0);
    char vp8_descriptor[6];
    const bool vp8_rewrite = video && src.simulcast && src.vcodec == JANUS_VIDEOCODEC_VP8 && payload &&
                             plen >= static_cast<int>(sizeof(vp8_descriptor));
    if (vp8_rewrite) {
        std::memcpy(vp8_descriptor, payload, sizeof(vp8_descriptor));
        janus_vp8_simulcast_descriptor_update(payload, plen, &leg.vp8, leg.sim.changed_substream);
    }
    header->type = static_cast<uint16_t>(leg.pt) & 0x7F;
    packet->mindex = leg.mindex;
    if (leg.receiver->phone) [[unlikely]]
        leg.receiver->phone->send(buf, len);  // plain RTP to counsel-phone, the sender's SSRC kept
    else
        api->relay_rtp(leg.receiver->session, packet);
    const int kind = video ? 1 : 0;
    leg.receiver->counts.packets_out[kind].fetch_add(1, std::memory_order_relaxed);
    leg.receiver->counts.bytes_out[kind].fetch_add(static_cast<std::uint64_t>(len), std::memory_order_relaxed);
    source.counts.relayed.fetch_add(1, std::memory_order_relaxed);
    counters().rtp_forwarded.fetch_add(1, std::memory_order_relaxed);
    if (vp8_rewrite) std::memcpy(payload, vp8_descriptor, sizeof(vp8_descriptor));
}

}  // namespace

void forward_rtp(HandleId handle, janus_plugin_rtp* packet) {
    const janus_callbacks* api = janus_api();
    if (!api || !packet || !packet->buffer || packet->length < 12) return;
    const Snapshot* snapshot = snapshot_for_rtp();
    if (!snapshot) return;
    const auto it = snapshot->handles.find(handle);
    if (it == snapshot->handles.end()) {
        // Lobby, unknown, removed: nothing they send goes anywhere.
        counters().rtp_dropped_unknown.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    const HandleView& view = it->second;
    const StreamView* stream = view.stream(packet->mindex);
    if (!stream) return;
    SourceState& src = *stream->state;
    const int kind = src.video ? 1 : 0;
    view.self->counts.packets_in[kind].fetch_add(1, std::memory_order_relaxed);
    view.self->counts.bytes_in[kind].fetch_add(static_cast<std::uint64_t>(packet->length), std::memory_order_relaxed);
    counters().rtp_in.fetch_add(1, std::memory_order_relaxed);
    const std::int64_t now_us = janus_get_monotonic_time();
    if (src.video ? view.muted_video : view.muted_audio) {
        src.was_muted = true;
        view.self->counts.dropped_muted.fetch_add(1, std::memory_order_relaxed);
        counters().rtp_dropped_muted.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    if (src.was_muted) {
        src.was_muted = false;
        if (src.video) request_keyframe(*view.self, src, now_us);  // decoding resumes on a keyframe
    }
    if (src.simulcast) learn_layer(src, packet->buffer, packet->length);
    // Recorded only while the room records (the snapshot has a sink then) and never when muted (above).
    if (stream->rec) record_one(*stream->rec, src, packet, now_us, *view.self);
    if (stream->legs.empty()) return;
    if (src.video) keyframe_due(*view.self, src, now_us);

    janus_rtp_header* header = reinterpret_cast<janus_rtp_header*>(packet->buffer);
    const uint16_t seq = header->seq_number;
    const uint32_t timestamp = header->timestamp;
    const uint32_t ssrc = header->ssrc;
    const uint16_t type = header->type;
    const int mindex = packet->mindex;
    int plen = 0;
    char* payload = src.video ? janus_rtp_payload(packet->buffer, packet->length, &plen) : nullptr;
    for (const std::shared_ptr<Leg>& leg : stream->legs) {
        relay_one(api, *leg, src, packet, payload, plen, now_us, *view.self);
        // Restore what the next receiver (and Janus's statistics) must see.
        header->seq_number = seq;
        header->timestamp = timestamp;
        header->ssrc = ssrc;
        header->type = type;
    }
    packet->mindex = mindex;
}

}  // namespace counsel::media
