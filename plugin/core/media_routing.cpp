// What the media layer may forward, derived from who is admitted and who is
// muted, and the requests that touch media: negotiation and self-mute.
#include "core/room_service.hpp"

namespace counsel {

std::shared_ptr<const MediaRoom> RoomService::media_room(const Room& room) const {
    auto out = std::make_shared<MediaRoom>();
    out->ref = room.ref();
    out->e2ee = room.settings().e2ee;
    out->prefer_h264 = room.settings().recording == RecordingMode::WithConsent;
    out->recording = room.consent().writing();
    for (const Participant& p : room.people())
        if (p.presence == Presence::Admitted && p.handle != kNoHandle)  // away: nothing to forward to or from
            out->members.push_back(MediaMember{p.handle, p.id, p.muted_audio || p.self_muted_audio,
                                               p.muted_video || p.self_muted_video, p.phone, p.receive_video,
                                               p.receives_apart});
    return out;
}

void RoomService::publish_media_if_changed() {
    if (!media_dirty_) return;
    media_dirty_ = false;
    auto table = std::make_shared<ForwardingTable>();
    table->version = ++media_version_;
    for (const auto& [digest, room] : rooms_) {
        auto view = media_room(*room);
        for (const MediaMember& m : view->members) table->rooms_by_handle.emplace(m.handle, view);
    }
    media_.publish(std::move(table));
}

void RoomService::on_negotiate(const Context& ctx, const NegotiateRequest& req, const Json& body, const Json& jsep) {
    // A receiving handle answers the plugin's offers and sends nothing of its own.
    const Seat bound = receiver_seat(ctx.handle);
    if (bound.room && req.wants_offer)
        return fail(ctx, error(ErrorCode::NotAllowed, "a receiving handle only answers the plugin's offers"));
    Participant* self = bound.room ? bound.room->find(bound.participant) : seated_participant(ctx.handle);
    // People in the lobby send nothing that is forwarded: no PeerConnection at all.
    if (!self || self->presence != Presence::Admitted)
        return fail(ctx, error(ErrorCode::NotAllowed, "media is only for people admitted to the room"));
    if (self->phone) return fail(ctx, error(ErrorCode::NotAllowed, "a phone caller's media is plain RTP (request rtp)"));
    if (!jsep) return fail(ctx, error(ErrorCode::Malformed, std::string(req.name) + " needs a JSEP"));
    const std::optional<std::string> type = jsep.string_at("type");
    if (!type || !jsep.string_at("sdp"))
        return fail(ctx, error(ErrorCode::Malformed, "the JSEP needs a type and an sdp"));
    if (*type != (req.wants_offer ? "offer" : "answer"))
        return fail(ctx, error(ErrorCode::Malformed, req.wants_offer ? "publish needs a JSEP offer"
                                                                     : "answer needs a JSEP answer"));
    Room& room = bound.room ? *bound.room : *handles_[ctx.handle].room;
    // An e2ee room only carries PeerConnections negotiated as end-to-end encrypted.
    if (room.settings().e2ee && !json_is_true(jsep.field("e2ee")))
        return fail(ctx, error(ErrorCode::Conflict, "this room is end-to-end encrypted: negotiate with e2ee"));
    if (auto refused = media_.negotiate(ctx.handle, ctx.transaction, req.name, body, jsep, *media_room(room)))
        return fail(ctx, *refused);
}

void RoomService::on_configure(const Context& ctx, const ConfigureRequest& req) {
    Participant* self = seated_participant(ctx.handle);
    if (!self || self->presence != Presence::Admitted)
        return fail(ctx, error(ErrorCode::NotAllowed, "only people admitted to the room can configure media"));
    const bool mutes = req.audio_muted || req.video_muted;
    if (req.audio_muted) self->self_muted_audio = *req.audio_muted;
    if (req.video_muted) self->self_muted_video = *req.video_muted;
    // What they receive is theirs alone: a new table, but nothing to tell the others.
    if (req.receive_video && *req.receive_video != self->receive_video) {
        self->receive_video = *req.receive_video;
        media_changed();
    }
    Room& room = *handles_[ctx.handle].room;
    reply(ctx, Json::object().set("counsel", "ok").set("request", "configure").set("receive_video", self->receive_video));
    if (mutes) broadcast_participants(room);
}

}  // namespace counsel
