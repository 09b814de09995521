// Coming back after a network drop. A person admitted to the room keeps their
// seat when their connection fails, for reconnect_grace_s:
//
//   PeerConnection down (hangup_media), nothing heard from them (the media
//   layer's quiet report), or their Janus handle gone (session timed out)
//       -> the others see them "reconnecting" (participants event)
//   join with their token (or the password) and the resume secret their page
//   got with the seat, from any handle, within the window
//       -> the same seat, straight into the room: no lobby, no knock, the
//          moderator's mutes still in force
//   the window ends with the handle still gone
//       -> the seat is freed as if they had left; coming back means the lobby
//
// The resume secret is 128 random bits handed only to the page that holds the
// seat, renewed on every return; the server keeps its keyed hash. A kicked
// person's token is burned and an ended room is tombstoned before this code is
// reached, so neither comes back this way. A lobby member has a secret too,
// but their seat does not wait: it only finds its place again while Janus
// still keeps the session (a claim) or its old handle lingers.
#include "core/room_service.hpp"
#include "core/room_views.hpp"

namespace counsel {

std::string RoomService::issue_resume(Participant& person) {
    std::string secret = random_token();
    person.resume = admission_.hash(secret);
    return secret;
}

bool RoomService::keep_seat(Room& room, Participant& person) {
    // A phone caller's handle goes when the call ends (counsel-phone detaches:
    // that is its leave); a call cannot come back with a resume secret.
    if (config_.reconnect_grace_s <= 0 || person.presence != Presence::Admitted || person.phone) return false;
    const bool was = person.reconnecting();
    forget_receiver(person);  // bound to the handle that went; the page binds again after `resumed`
    media_.release(person.handle);
    person.handle = kNoHandle;
    person.away_since_ms = clock_.monotonic_ms();
    person.media_was_up = person.media_down = person.quiet = false;
    // The room's idle time (idle_end_s) counts from now, as if they had left.
    if (person.role == Role::Moderator) room.set_moderator_left_ms(person.away_since_ms);
    gateway_.log(Gateway::Level::Info, "[counsel] room " + room.ref() + ": a connection went away; the seat waits " +
                                           std::to_string(config_.reconnect_grace_s) + " s");
    if (!was) broadcast_participants(room);
    else media_changed();  // they left the forwarding table
    return true;
}

void RoomService::resume_seat(const Context& ctx, Room& room, Participant& person) {
    const HandleId old = person.handle;
    if (old != ctx.handle) {
        if (old != kNoHandle) {
            // Their page gave up on the old connection (it cannot reach it any
            // more): it no longer holds the seat, and its media ends.
            handles_[old] = Seat{};
            forget_receiver(person);
            media_.release(old);
            gateway_.close_pc(old);
        }
        person.handle = ctx.handle;
        person.media_was_up = person.media_down = person.quiet = false;
        handles_[ctx.handle] = Seat{&room, person.id};
    }
    person.away_since_ms.reset();
    if (person.role == Role::Moderator) room.set_moderator_left_ms(std::nullopt);
    const RoomSettings& s = room.settings();
    if (person.presence == Presence::Lobby) {
        // Still waiting (or waiting again on a new handle): the same place in
        // the lobby, nothing for the moderator to hear.
        reply(ctx, Json::object()
                       .set("counsel", "waiting")
                       .set("id", person.id)
                       .set("notice", config_.notice_text)
                       .set("e2ee", s.e2ee)
                       .set("resume", issue_resume(person))
                       .set("same_connection", old == ctx.handle));
        return;
    }
    Json answer = person.role == Role::Moderator ? moderator_joined_view(room, person.id, config_)
                                                 : Json::object()
                                                       .set("role", "participant")
                                                       .set("id", person.id)
                                                       .set("participants", participants_view(room))
                                                       .set("e2ee", s.e2ee)
                                                       .set("recording", s.recording == RecordingMode::WithConsent
                                                                             ? "with_consent"
                                                                             : "off")
                                                       .set("expires_at", s.expires_at)
                                                       .set("reconnect_grace_s", config_.reconnect_grace_s);
    answer.set("counsel", "resumed")
        .set("resume", issue_resume(person))
        .set("receive_video", person.receive_video)
        .set("same_connection", old == ctx.handle)
        // Janus closed its PeerConnection while the page was cut off (ICE failed,
        // DTLS timed out): the page never heard it, and an ICE restart of a
        // PeerConnection Janus no longer has cannot work. It publishes anew.
        .set("media_gone", old == ctx.handle && person.media_down);
    reply(ctx, std::move(answer));
    // Back on the same handle after a WebSocket outage: an offer sent meanwhile is lost.
    // Its receiving handle (the same Janus session) stays bound; the same holds there.
    if (old == ctx.handle) {
        media_.resync(ctx.handle);
        if (person.receiver) media_.resync(person.receiver);
    }
    // Everyone (the person too) learns the current room; the forwarding table follows.
    broadcast_participants(room);
    gateway_.log(Gateway::Level::Info, "[counsel] handle " + std::to_string(ctx.handle) + ": back in room " +
                                           room.ref() + (old == ctx.handle ? " (same connection)" : ""));
    notify("reconnected", room);
}

void RoomService::update_connection(HandleId handle, const std::function<void(Participant&)>& change) {
    Participant* person = seated_participant(handle);
    if (!person || person->presence != Presence::Admitted) return;  // lobby members, strangers
    const bool was = person->reconnecting();
    change(*person);
    if (was != person->reconnecting()) broadcast_participants(*handles_[handle].room);
}

void RoomService::media_up(HandleId handle) {
    update_connection(handle, [](Participant& p) {
        p.media_was_up = true;
        p.media_down = p.quiet = false;
    });
}

void RoomService::media_down(HandleId handle) {
    // A PeerConnection that never came up (a refused first offer) is no lost connection.
    update_connection(handle, [](Participant& p) { p.media_down = p.media_was_up; });
}

void RoomService::set_quiet(HandleId handle, bool quiet) {
    update_connection(handle, [quiet](Participant& p) { p.quiet = quiet; });
}

void RoomService::expire_away_seats(std::int64_t now_ms) {
    const std::int64_t grace_ms = config_.reconnect_grace_s * 1000;
    for (auto& [digest, room] : rooms_) {
        std::vector<std::pair<std::uint64_t, std::int64_t>> expired;  // id, away since
        for (const Participant& p : room->people())
            if (p.away_since_ms && now_ms - *p.away_since_ms >= grace_ms) expired.emplace_back(p.id, *p.away_since_ms);
        for (const auto& [id, since] : expired) {
            const bool moderator = room->find(id)->role == Role::Moderator;
            unseat(*room, id);
            if (moderator) room->set_moderator_left_ms(since);  // left when the connection went, not now
            gateway_.log(Gateway::Level::Info, "[counsel] room " + room->ref() + ": a seat was freed after " +
                                                   std::to_string(config_.reconnect_grace_s) + " s away");
            notify("reconnect_expired", *room);
        }
    }
}

}  // namespace counsel
