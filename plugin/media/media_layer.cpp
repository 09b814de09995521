#include "media/media_layer.hpp"

#include <algorithm>
#include <chrono>
#include <set>
#include <utility>

#include "media/rtp_snapshot.hpp"

namespace counsel::media {
namespace {

// How long a person receives on both handles after their receiving handle's
// PeerConnection came up (a keyframe round trip and a decode, with margin):
// the page swaps each tile to the receiving handle's track once something
// arrives there, so nobody sees a black tile in between.
constexpr std::int64_t kTakeoverMs = 1000;

bool same_streams(const std::vector<OwnStream>& a, const std::vector<OwnStream>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].mindex != b[i].mindex || a[i].kind != b[i].kind || a[i].codec.name != b[i].codec.name ||
            a[i].codec.pt != b[i].codec.pt || static_cast<bool>(a[i].simulcast) != static_cast<bool>(b[i].simulcast))
            return false;
    }
    return true;
}

std::shared_ptr<SourceState> source_state(const OwnStream& stream) {
    const bool video = stream.kind == Kind::Video;
    const janus_videocodec vcodec = video ? janus_videocodec_from_name(stream.codec.name.c_str()) : JANUS_VIDEOCODEC_NONE;
    auto state = std::make_shared<SourceState>(stream.mindex, video, vcodec);
    if (video && stream.simulcast && (vcodec == JANUS_VIDEOCODEC_VP8 || vcodec == JANUS_VIDEOCODEC_H264)) {
        janus_rtp_simulcasting_prepare(stream.simulcast.get(), &state->rid_ext_id, state->ssrcs, state->rids);
        state->simulcast = true;
    }
    return state;
}

// Everything that arrived from a person so far (RTP of both kinds and RTCP).
std::uint64_t heard_from(const Endpoint& e) {
    const EndpointCounters& c = e.counts;
    return c.packets_in[0].load(std::memory_order_relaxed) + c.packets_in[1].load(std::memory_order_relaxed) +
           c.rtcp_in.load(std::memory_order_relaxed);
}

const MediaMember* member_of(const MediaRoom& room, HandleId handle) {
    for (const MediaMember& m : room.members)
        if (m.handle == handle) return &m;
    return nullptr;
}

}  // namespace

MediaLayer::MediaLayer(Gateway& gateway) : gateway_(gateway) {}

MediaLayer::~MediaLayer() { stop(); }

void MediaLayer::stop() {
    if (stopped_) return;
    stopped_ = true;
    for (auto& [handle, s] : sessions_) s.endpoint->live.store(false);
    sender_.stop();
    sessions_.clear();
    store_snapshot(nullptr);
}

const MediaRoom* MediaLayer::room_of(HandleId handle) const {
    if (!table_) return nullptr;
    auto it = table_->rooms_by_handle.find(handle);
    return it == table_->rooms_by_handle.end() ? nullptr : it->second.get();
}

const MediaLayer::Stream* MediaLayer::stream_of(const SourceKey& key) const {
    auto it = sessions_.find(key.handle);
    if (it == sessions_.end() || it->second.epoch != key.epoch) return nullptr;
    for (const Stream& s : it->second.streams)
        if (s.info.mindex == key.mindex) return &s;
    return nullptr;
}

void MediaLayer::publish(std::shared_ptr<const ForwardingTable> table) {
    if (stopped_) return;
    table_ = std::move(table);
    refresh();
}

std::optional<Error> MediaLayer::negotiate(HandleId handle, const std::string& transaction, const std::string& request,
                                           const Json&, const Json& jsep, const MediaRoom& room) {
    if (stopped_) return std::nullopt;
    auto it = sessions_.find(handle);
    if (request == "answer") {
        if (it == sessions_.end()) return error(ErrorCode::NotAllowed, "there is no offer from the plugin to answer");
        return on_answer(it->second, transaction, jsep);
    }
    if (request != "publish") return error(ErrorCode::Malformed, "unknown media request");
    if (it != sessions_.end() && it->second.person)
        return error(ErrorCode::NotAllowed, "a receiving handle only answers the plugin's offers");
    if (it == sessions_.end()) {
        const MediaMember* me = member_of(room, handle);
        janus_plugin_session* janus_handle = me ? janus_handles().acquire(handle) : nullptr;
        if (!janus_handle) return std::nullopt;  // detached meanwhile: nobody to answer
        Session s;
        s.handle = handle;
        s.participant = me->id;
        s.e2ee = room.e2ee;
        s.endpoint = std::make_shared<Endpoint>(handle, janus_handle);
        s.sdp_session_id = static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count());
        it = sessions_.emplace(handle, std::move(s)).first;
    }
    return on_publish(it->second, transaction, jsep, room);
}

std::optional<Error> MediaLayer::on_publish(Session& s, const std::string& transaction, const Json& jsep,
                                            const MediaRoom& room) {
    if (s.nego.offer_in_flight())
        return error(ErrorCode::NotAllowed,
                     "an offer from the plugin is waiting for your answer: answer it, then publish again");
    const std::string sdp = jsep.string_at("sdp").value_or("");
    // Janus marks an offer on a PeerConnection that was negotiated before as an update.
    const bool update = json_is_true(jsep.field("update")) && s.nego.is_published();
    const std::vector<Slot> agreed = update ? s.nego.agreed() : std::vector<Slot>{};
    PublishAnswer answer = answer_publish(sdp, agreed, Json::borrow(jsep.field("simulcast")), room.prefer_h264);
    if (answer.error_code) {
        log(Gateway::Level::Verbose, "handle " + std::to_string(s.handle) + ": publish refused (" +
                                         std::to_string(answer.error_code) + ")");
        return error(static_cast<ErrorCode>(answer.error_code), answer.error);
    }

    std::vector<OwnStream> before;
    for (const Stream& st : s.streams) before.push_back(st.info);
    if (!update || !same_streams(before, answer.streams)) {
        // New sources: receivers get new slots (and fresh rewriting contexts).
        ++s.epoch;
        s.streams.clear();
        for (const OwnStream& o : answer.streams) s.streams.push_back(Stream{o, source_state(o), {}, nullptr});
    }
    if (!update) s.nego = Negotiation{};  // a new PeerConnection: up once Janus says so
    s.codecs = std::move(answer.codecs);
    s.extmaps = std::move(answer.extmaps);
    s.codecs_known = true;
    s.has_data = answer.has_data;
    s.nego.published(answer.slots);

    Json streams = Json::array();
    int audio = 0, video = 0, simulcast = 0;
    for (const Stream& st : s.streams) {
        Json entry = Json::object()
                         .set("mid", st.info.mid)
                         .set("id", s.participant)
                         .set("kind", kind_name(st.info.kind))
                         .set("codec", st.info.codec.name);
        if (st.info.kind == Kind::Video) entry.set("simulcast", st.state->simulcast);
        streams.append(std::move(entry));
        (st.info.kind == Kind::Audio ? audio : video)++;
        simulcast += st.state->simulcast ? 1 : 0;
    }
    Json event = Json::object().set("counsel", "published").set("streams", std::move(streams)).set("data", s.has_data);
    Json answer_jsep = Json::object().set("type", "answer").set("sdp", answer.sdp);
    if (s.e2ee) answer_jsep.set("e2ee", true);
    sender_.send(s.endpoint, transaction, std::move(event), std::move(answer_jsep));
    log(Gateway::Level::Verbose, "handle " + std::to_string(s.handle) + ": published " + std::to_string(audio) +
                                     " audio, " + std::to_string(video) + " video (" + std::to_string(simulcast) +
                                     " simulcast), data " + (s.has_data ? "yes" : "no") +
                                     (update ? " (update)" : ""));
    refresh();
    return std::nullopt;
}

std::optional<Error> MediaLayer::on_answer(Session& s, const std::string& transaction, const Json& jsep) {
    if (!s.nego.offer_in_flight()) return error(ErrorCode::NotAllowed, "there is no offer from the plugin to answer");
    const auto accepted = accepted_mlines(jsep.string_at("sdp").value_or(""));
    if (!accepted) return error(ErrorCode::Malformed, "the JSEP answer is not a valid SDP");
    const std::size_t offered = s.nego.pending()->size();
    s.nego.answered(*accepted);
    s.answered = true;
    if (accepted->size() != offered)
        log(Gateway::Level::Warn, "handle " + std::to_string(s.handle) + ": answer with " +
                                      std::to_string(accepted->size()) + " m-lines to an offer of " +
                                      std::to_string(offered));
    sender_.send(s.endpoint, transaction, Json::object().set("counsel", "ok").set("request", "answer"), Json());
    refresh();
    return std::nullopt;
}

std::optional<Error> MediaLayer::connect_phone(HandleId handle, const std::string& transaction, int port,
                                               const MediaRoom& room) {
    if (stopped_) return std::nullopt;
    if (sessions_.count(handle)) return error(ErrorCode::NotAllowed, "this caller's RTP is already connected");
    const MediaMember* me = member_of(room, handle);
    janus_plugin_session* janus_handle = me ? janus_handles().acquire(handle) : nullptr;
    if (!janus_handle) return std::nullopt;  // detached meanwhile: nobody to answer
    std::string why;
    auto socket = PhoneSocket::open(port, why);
    if (!socket) {
        janus_handles().release(janus_handle);
        log(Gateway::Level::Error, "handle " + std::to_string(handle) + ": phone RTP socket failed (" + why + ")");
        return error(ErrorCode::Internal, "the plugin could not open its RTP socket");
    }
    const int local_port = socket->local_port();
    Session s;
    s.handle = handle;
    s.participant = me->id;
    s.endpoint = std::make_shared<Endpoint>(handle, janus_handle, std::move(socket));
    // One Opus stream in, as a browser's audio on m-line 0; always "connected".
    OwnStream voice;
    voice.mindex = 0;
    voice.mid = "phone";
    voice.kind = Kind::Audio;
    voice.codec = SlotCodec{"opus", kPhoneOpusPt, "minptime=10;useinbandfec=1"};
    s.streams.push_back(Stream{voice, source_state(voice), {}, nullptr});
    Slot own;
    own.mid = voice.mid;
    own.kind = Kind::Audio;
    own.use = Slot::Use::Own;
    own.codec = voice.codec;
    s.nego.published({own});
    s.nego.set_connected(true);
    s.phone = std::make_unique<PhoneReceiver>(handle, s.endpoint->phone->fd());
    if (!s.phone->running()) return error(ErrorCode::Internal, "the plugin could not start the caller's RTP");
    auto& session = sessions_.emplace(handle, std::move(s)).first->second;
    sender_.send(session.endpoint, transaction,
                 Json::object().set("counsel", "rtp").set("port", local_port).set("payload_type", kPhoneOpusPt), Json());
    log(Gateway::Level::Verbose, "handle " + std::to_string(handle) + ": phone caller's RTP on the loopback");
    refresh();
    return std::nullopt;
}

void MediaLayer::release(HandleId handle) {
    auto it = sessions_.find(handle);
    if (it == sessions_.end()) return;
    it->second.endpoint->live.store(false);
    sessions_.erase(it);
    // At once: their media stops before anything else happens. The others'
    // renegotiation follows from the table the core publishes right after
    // (so nobody who is released in the same call, e.g. when a room ends,
    // gets an offer first).
    rebuild_snapshot();
}

void MediaLayer::receive(HandleId receiver, HandleId person) {
    if (stopped_) return;
    auto it = sessions_.find(receiver);
    if (it == sessions_.end()) {
        const MediaRoom* room = room_of(person);
        const MediaMember* me = room ? member_of(*room, person) : nullptr;
        janus_plugin_session* janus_handle = me ? janus_handles().acquire(receiver) : nullptr;
        if (!janus_handle) return;  // detached meanwhile
        Session s;
        s.handle = receiver;
        s.person = person;
        s.participant = me->id;
        s.e2ee = room->e2ee;
        s.endpoint = std::make_shared<Endpoint>(receiver, janus_handle);
        s.sdp_session_id = static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count());
        it = sessions_.emplace(receiver, std::move(s)).first;
    }
    if (it->second.person != person) return;  // the core binds a handle to one person only
    it->second.asked = true;
    refresh();
}

void MediaLayer::start_receiving(Session& s) {
    if (!s.asked || s.nego.is_published()) return;
    auto p = sessions_.find(s.person);
    if (p == sessions_.end() || !p->second.codecs_known) return;  // offered once the person published
    // The same browser: what it can decode, under the payload types and
    // extension ids it chose itself.
    s.codecs = p->second.codecs;
    s.extmaps = p->second.extmaps;
    s.codecs_known = true;
    s.nego.published({});
    s.nego.set_connected(true);  // no PeerConnection yet: the first offer makes it
}

void MediaLayer::media_up(HandleId handle) {
    auto it = sessions_.find(handle);
    if (it == sessions_.end() || stopped_) return;
    const std::int64_t now_us = janus_get_monotonic_time();
    it->second.pc_up = true;
    it->second.pc_up_ms = now_us / 1000;
    it->second.nego.set_connected(true);
    it->second.liveness.reset(heard_from(*it->second.endpoint), now_us / 1000);
    refresh();
    // The keyframe asked for when forwarding began may have come before the
    // PeerConnection could carry it: its decoders start on a fresh one.
    keyframes_for(handle, now_us);
}

void MediaLayer::media_down(HandleId handle) {
    auto it = sessions_.find(handle);
    if (it == sessions_.end() || stopped_) return;
    Session& s = it->second;
    if (s.person) {
        // A receiving handle's PeerConnection is gone: nothing is forwarded
        // there and nothing offered until the page asks again (`receive`).
        s.nego = Negotiation{};
        ++s.epoch;
        s.asked = s.answered = s.pc_up = s.took_over = false;
        refresh();
        return;
    }
    s.nego.set_connected(false);
    ++s.epoch;
    s.streams.clear();
    s.has_data = false;
    refresh();
}

std::map<HandleId, Published> MediaLayer::published_now() const {
    std::map<HandleId, Published> out;
    for (const auto& [handle, s] : sessions_) {
        if (s.person || !s.nego.is_published() || !s.nego.connected()) continue;
        Published p;
        p.epoch = s.epoch;
        for (const Stream& st : s.streams) p.streams.push_back(Published::Stream{st.info.mindex, st.info.kind, st.info.codec});
        out.emplace(handle, std::move(p));
    }
    return out;
}

void MediaLayer::refresh() {
    if (stopped_) return;
    const std::map<HandleId, Published> published = published_now();
    // People whose receiving handle took over (its PeerConnection up for
    // kTakeoverMs): only then does their publishing handle give up what it receives.
    std::set<HandleId> taken_over;
    for (const auto& [handle, s] : sessions_)
        if (s.person && s.took_over) taken_over.insert(s.person);
    for (auto& [handle, s] : sessions_) {
        if (s.phone) continue;  // no negotiation: everyone else's audio reaches it without an offer
        if (s.person) start_receiving(s);
        const MediaRoom* room = room_of(person_of(s));
        // A stream this person's browser cannot decode is not offered to them.
        auto decodable = [&s](Kind kind, const SlotCodec& codec) { return s.codecs.for_receiving(kind, codec).has_value(); };
        const Asking asking = s.person                     ? Asking::ReceivingHandle
                              : taken_over.count(handle)  ? Asking::PublishingHandleWithReceiverUp
                                                          : Asking::PublishingHandle;
        s.nego.want(room ? wanted_streams(*room, person_of(s), published, decodable, asking) : std::vector<Wanted>{});
        if (s.person && s.answered && !s.pc_up) continue;  // its PeerConnection is still being set up
        if (s.nego.next_offer()) send_offer(s);
    }
    rebuild_snapshot();
}

void MediaLayer::send_offer(Session& s) {
    std::vector<Slot>& plan = *s.nego.pending();
    for (Slot& slot : plan) {
        if (slot.kind != Kind::Audio && slot.kind != Kind::Video) continue;
        if (slot.use == Slot::Use::Receive && slot.codec.name.empty()) {
            const Stream* source = stream_of(slot.source);
            auto codec = source ? s.codecs.for_receiving(slot.kind, source->info.codec) : std::nullopt;
            if (codec) {
                slot.codec = *codec;
            } else {
                slot.use = Slot::Use::Free;
                slot.source = SourceKey{};
                slot.participant = 0;
            }
        }
        if (slot.codec.name.empty()) {
            auto codec = s.codecs.for_receiving(slot.kind, SlotCodec{slot.kind == Kind::Audio ? "opus" : "vp8", -1, ""});
            if (codec) slot.codec = *codec;
        }
    }
    const std::string sdp = build_offer(plan, s.extmaps, s.sdp_session_id, ++s.sdp_version);
    Json streams = Json::array();
    int receiving = 0;
    for (const Slot& slot : plan) {
        if (slot.use != Slot::Use::Receive) continue;
        streams.append(
            Json::object().set("mid", slot.mid).set("id", slot.participant).set("kind", kind_name(slot.kind)));
        ++receiving;
    }
    s.nego.offer_sent(janus_get_monotonic_time() / 1000);
    Json jsep = Json::object().set("type", "offer").set("sdp", sdp);
    if (s.e2ee) jsep.set("e2ee", true);
    const HandleId handle = s.handle;
    const std::uint32_t epoch = s.epoch;
    sender_.send(s.endpoint, std::string(), Json::object().set("counsel", "media").set("streams", std::move(streams)),
                 std::move(jsep), [this, handle, epoch](bool delivered) {
                     if (delivered || !post_) return;
                     // Not delivered: the offer is not in flight; the next change offers again.
                     post_([this, handle, epoch] {
                         auto it = sessions_.find(handle);
                         if (it != sessions_.end() && it->second.epoch == epoch) it->second.nego.offer_failed();
                     });
                 });
    log(Gateway::Level::Verbose, "handle " + std::to_string(handle) + ": offer #" +
                                     std::to_string(s.nego.offers_made()) + " (" + std::to_string(plan.size()) +
                                     " m-lines, receiving " + std::to_string(receiving) + ")");
}

void MediaLayer::tick() {
    if (stopped_) return;
    const std::int64_t now_ms = janus_get_monotonic_time() / 1000;
    bool expired = false;
    for (auto& [handle, s] : sessions_) {
        if (!s.nego.offer_expired(now_ms, offer_timeout_ms_)) continue;
        s.nego.offer_failed();
        expired = true;
        sender_.send(s.endpoint, std::string(),
                     Json::object()
                         .set("counsel", "offer_timeout")
                         .set("timeout_s", offer_timeout_ms_ / 1000)
                         .set("error", "the plugin's offer was not answered in time; a new one follows"),
                     Json(), nullptr);
        log(Gateway::Level::Warn, "handle " + std::to_string(handle) + ": offer #" +
                                      std::to_string(s.nego.offers_made()) + " not answered in " +
                                      std::to_string(offer_timeout_ms_ / 1000) + " s; dropped");
    }
    // A receiving handle up for kTakeoverMs takes over from the publishing one.
    bool took_over = false;
    for (auto& [handle, s] : sessions_) {
        if (!s.person || !s.pc_up || s.took_over || now_ms - s.pc_up_ms < kTakeoverMs) continue;
        s.took_over = took_over = true;
    }
    // An expired wish goes out again as a fresh offer; a takeover retires the publishing handle's.
    if (expired || took_over) refresh();
    for (auto& [handle, s] : sessions_) {
        // A phone caller's line is counsel-phone's loopback socket: there is no
        // network of theirs to lose, and a quiet line is no dropped connection.
        if (!s.nego.connected() || s.phone) continue;
        if (auto change = s.liveness.update(heard_from(*s.endpoint), now_ms)) quiet_changes_.emplace_back(handle, *change);
    }
}

std::vector<std::pair<HandleId, bool>> MediaLayer::take_quiet_changes() { return std::exchange(quiet_changes_, {}); }

void MediaLayer::resync(HandleId handle) {
    auto it = sessions_.find(handle);
    if (it == sessions_.end() || stopped_ || !it->second.nego.offer_in_flight()) return;
    // Dropped as if it had timed out: the same wish goes out as a fresh offer.
    it->second.nego.offer_failed();
    refresh();
}

void MediaLayer::rebuild_snapshot() {
    auto snapshot = std::make_shared<Snapshot>();
    snapshot->version = ++snapshot_version_;
    // Receivers who switched video back on: their senders are asked for keyframes once the snapshot is in.
    std::vector<HandleId> video_back;
    // Each person's receiving handle, by their publishing handle.
    std::map<HandleId, Session*> receiving;
    for (auto& [handle, s] : sessions_) {
        if (s.person && s.nego.is_published()) receiving[s.person] = &s;
        const MediaRoom* room = room_of(person_of(s));
        const MediaMember* me = room ? member_of(*room, person_of(s)) : nullptr;
        if (!me) continue;
        if (me->receive_video && !s.receive_video) video_back.push_back(handle);
        s.receive_video = me->receive_video;
    }
    for (auto& [handle, s] : sessions_) {
        const MediaRoom* room = room_of(person_of(s));
        const MediaMember* me = room ? member_of(*room, person_of(s)) : nullptr;
        if (!me || !s.nego.is_published()) continue;
        HandleView view;
        view.self = s.endpoint;
        view.participant = s.participant;
        view.muted_audio = me->muted_audio;
        view.muted_video = me->muted_video;
        view.receive_video = me->receive_video;
        view.has_data = s.has_data;

        // The others in the room with a PeerConnection (both of a person who has two).
        std::vector<Session*> others;
        for (const MediaMember& m : room->members) {
            if (m.handle == person_of(s)) continue;
            auto it = sessions_.find(m.handle);
            if (it != sessions_.end() && it->second.nego.is_published()) others.push_back(&it->second);
            if (auto r = receiving.find(m.handle); r != receiving.end()) others.push_back(r->second);
        }

        // Own streams: one leg per receiver that agreed on a slot for it.
        for (Stream& stream : s.streams) {
            StreamView sv;
            sv.state = stream.state;
            std::map<HandleId, std::shared_ptr<Leg>> kept;
            const SourceKey key{handle, s.epoch, stream.info.mindex};
            for (Session* r : others) {
                if (r->phone) {
                    // A phone caller gets every audio stream of the others, on its one socket.
                    if (stream.info.kind != Kind::Audio) continue;
                    std::shared_ptr<Leg> leg;
                    if (auto old = stream.legs.find(r->handle); old != stream.legs.end()) leg = old->second;
                    if (!leg || leg->receiver != r->endpoint)
                        leg = std::make_shared<Leg>(r->endpoint, r->epoch, 0, kPhoneOpusPt, false);
                    kept[r->handle] = leg;
                    sv.legs.push_back(std::move(leg));
                    continue;
                }
                const std::vector<Slot>& slots = r->nego.agreed();
                for (std::size_t i = 0; i < slots.size(); ++i) {
                    const Slot& slot = slots[i];
                    if (slot.use != Slot::Use::Receive || !(slot.source == key)) continue;
                    std::shared_ptr<Leg> leg;
                    if (auto old = stream.legs.find(r->handle); old != stream.legs.end()) leg = old->second;
                    if (!leg || leg->receiver != r->endpoint || leg->receiver_epoch != r->epoch ||
                        leg->mindex != static_cast<int>(i) || leg->pt != slot.codec.pt) {
                        leg = std::make_shared<Leg>(r->endpoint, r->epoch, static_cast<int>(i), slot.codec.pt,
                                                    stream.state->video);
                        leg->sim.rid_ext_id = stream.state->rid_ext_id;
                        leg->sim.substream_target = r->endpoint->target_layer.load();
                        leg->sim.templayer_target = 2;
                    }
                    kept[r->handle] = leg;
                    // Audio only for that receiver: the leg (and its sequence
                    // numbering) is kept for later, but the RTP path never sees
                    // it, so skipping costs nothing per packet.
                    if (stream.state->video && !r->receive_video) continue;
                    sv.legs.push_back(std::move(leg));
                }
            }
            stream.legs = std::move(kept);
            // While everyone in the room consents, the recorder gets this stream too.
            std::shared_ptr<recording::TrackSink> sink;
            if (tap_ && room->recording && (stream.info.kind == Kind::Audio || stream.info.kind == Kind::Video))
                sink = tap_->track(room->ref, s.participant, stream.info.mindex,
                                   recording::TrackSpec{stream.info.kind == Kind::Video, stream.info.codec.name,
                                                        stream.info.codec.fmtp});
            if (!sink) stream.rec.reset();
            else if (!stream.rec || stream.rec->sink != sink)
                stream.rec = std::make_shared<RecordingLeg>(std::move(sink), stream.state->rid_ext_id);
            sv.rec = stream.rec;
            view.streams.push_back(std::move(sv));
        }

        // Receive slots: who sends what arrives there (for keyframe requests).
        const std::vector<Slot>& slots = s.nego.agreed();
        view.receive.resize(slots.size());
        for (std::size_t i = 0; i < slots.size(); ++i) {
            if (slots[i].use != Slot::Use::Receive) continue;
            auto src = sessions_.find(slots[i].source.handle);
            const Stream* stream = stream_of(slots[i].source);
            if (!stream || src == sessions_.end() || !member_of(*room, src->first)) continue;
            view.receive[i] = ReceiveView{src->second.endpoint, stream->state};
        }

        if (s.has_data)
            for (Session* r : others)
                if (r->has_data) view.chat_peers.push_back(r->endpoint);
        snapshot->handles.emplace(handle, std::move(view));
    }
    store_snapshot(std::move(snapshot));
    // Their decoders start again only on a keyframe.
    const std::int64_t now_us = janus_get_monotonic_time();
    for (HandleId receiver : video_back) keyframes_for(receiver, now_us);
}

void MediaLayer::keyframes_for(HandleId receiver, std::int64_t now_us) {
    for (auto& [handle, s] : sessions_)
        for (Stream& stream : s.streams)
            if (stream.state->video && stream.legs.count(receiver)) request_keyframe(*s.endpoint, *stream.state, now_us);
}

}  // namespace counsel::media
