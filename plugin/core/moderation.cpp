// What only the moderator may do: admit, deny (one person, or every password
// knocker at once), kick, mute, lock, report an incident. Nothing here can
// hand moderator rights to anyone else.
#include "core/room_service.hpp"
#include "core/room_views.hpp"

namespace counsel {

Room* RoomService::moderated_room(const Context& ctx) {
    Participant* self = seated_participant(ctx.handle);
    if (!self || self->role != Role::Moderator) {
        fail(ctx, error(ErrorCode::NotAllowed, "only the moderator may do this"));
        return nullptr;
    }
    return handles_[ctx.handle].room;
}

void RoomService::on_target(const Context& ctx, const TargetRequest& req) {
    Room* room = moderated_room(ctx);
    if (!room) return;
    Participant* target = room->find(req.id);
    if (!target) return fail(ctx, error(ErrorCode::Invalid, "no such person in this room"));
    if (target->role == Role::Moderator)
        return fail(ctx, error(ErrorCode::NotAllowed, "the moderator cannot be the target of this request"));
    if (req.action != TargetAction::Kick && target->presence != Presence::Lobby)
        return fail(ctx, error(ErrorCode::Invalid, "this person is not in the waiting room"));

    const HandleId handle = target->handle;
    const std::uint64_t id = target->id;
    Json answer = Json::object().set("counsel", "ok").set("request", action_name(req.action)).set("id", id);
    switch (req.action) {
        case TargetAction::Admit: {
            if (room->count(Presence::Admitted) >= static_cast<std::size_t>(config_.max_participants))
                return fail(ctx, error(ErrorCode::Full, "the room is full"));
            target->presence = Presence::Admitted;
            const RoomSettings& s = room->settings();
            send(handle, Json::object()
                             .set("counsel", "admitted")
                             .set("id", id)
                             .set("participants", participants_view(*room))
                             .set("e2ee", s.e2ee)
                             .set("recording", s.recording == RecordingMode::WithConsent ? "with_consent" : "off")
                             .set("expires_at", s.expires_at)
                             .set("reconnect_grace_s", config_.reconnect_grace_s));
            broadcast_participants(*room);
            send_lobby_to_moderator(*room);
            if (room->consent().state() != RecordingState::Idle) {
                // While a recording is asked for or runs, a newcomer pauses it until they say yes.
                const RecordingState before = room->consent().state();
                const bool was_writing = room->consent().writing();
                room->consent().admitted(id, clock_.unix_ms());
                const bool asked = room->consent().state() == RecordingState::Awaiting ||
                                   room->consent().state() == RecordingState::Paused;
                consent_changed(*room, before, was_writing, asked ? std::vector<std::uint64_t>{id}
                                                                  : std::vector<std::uint64_t>{});
            }
            notify("admitted", *room,
                   Json::object().set("admitted", static_cast<std::int64_t>(room->count(Presence::Admitted))));
            break;
        }
        case TargetAction::Deny:
            answer.set("ban", req.ban);
            if (req.ban) answer.set("banned", ban_knocker(*room, *target));
            send(handle, Json::object().set("counsel", "denied").set("final", req.ban));
            gateway_.close_pc(handle);
            unseat(*room, id);
            break;
        case TargetAction::Kick:
            // A personal token is burned; a shared password cannot be, so the handle is banned.
            room->burn(target->credential);
            if (target->credential.kind == CredentialRef::Kind::Password) room->ban(handle);
            send(handle, Json::object().set("counsel", "removed"));
            if (handle != kNoHandle) gateway_.close_pc(handle);  // an away person has none
            unseat(*room, id);
            notify("removed", *room);
            break;
    }
    reply(ctx, std::move(answer));
}

const char* RoomService::ban_knocker(Room& room, const Participant& knocker) {
    // A personal link is burned. A shared password cannot be burned for one
    // person, so that connection is banned (deny_password closes the password).
    if (knocker.credential.kind == CredentialRef::Kind::Password) {
        room.ban(knocker.handle);
        return "connection";
    }
    room.burn(knocker.credential);
    return "link";
}

void RoomService::on_deny_password(const Context& ctx, const DenyPasswordRequest& req) {
    Room* room = moderated_room(ctx);
    if (!room) return;
    if (!room->has_password()) return fail(ctx, error(ErrorCode::NotAllowed, "this room has no password"));
    std::vector<std::uint64_t> knockers;
    for (const Participant& p : room->people())
        if (p.presence == Presence::Lobby && p.credential.kind == CredentialRef::Kind::Password) knockers.push_back(p.id);
    for (std::uint64_t id : knockers) {
        const HandleId handle = room->find(id)->handle;
        if (req.ban) room->ban(handle);
        send(handle, Json::object().set("counsel", "denied").set("final", req.ban));
        gateway_.close_pc(handle);
        unseat(*room, id, false);
    }
    if (req.ban) room->close_password();
    if (!knockers.empty()) send_lobby_to_moderator(*room);
    gateway_.log(Gateway::Level::Info, "[counsel] room " + room->ref() + ": " + std::to_string(knockers.size()) +
                                           " password knocker(s) denied" + (req.ban ? ", password closed" : ""));
    reply(ctx, Json::object()
                   .set("counsel", "ok")
                   .set("request", "deny_password")
                   .set("denied", static_cast<std::int64_t>(knockers.size()))
                   .set("ban", req.ban)
                   .set("password", room->password_closed() ? "closed" : "open"));
}

void RoomService::on_mute(const Context& ctx, const MuteRequest& req) {
    Room* room = moderated_room(ctx);
    if (!room) return;
    Participant* target = room->find(req.id);
    if (!target || target->presence != Presence::Admitted)
        return fail(ctx, error(ErrorCode::Invalid, "no such participant in this room"));
    if (req.audio) target->muted_audio = *req.audio;
    if (req.video) target->muted_video = *req.video;
    send(target->handle, Json::object().set("counsel", "muted").set(
                             "muted", Json::object().set("audio", target->muted_audio).set("video", target->muted_video)));
    broadcast_participants(*room);
    reply(ctx, Json::object().set("counsel", "ok").set("request", "mute").set("id", req.id));
}

void RoomService::on_lock(const Context& ctx, const LockRequest& req) {
    Room* room = moderated_room(ctx);
    if (!room) return;
    room->set_locked(req.locked);
    reply(ctx, Json::object()
                   .set("counsel", "ok")
                   .set("request", req.locked ? "lock" : "unlock")
                   .set("locked", req.locked));
}

void RoomService::on_incident(const Context& ctx, const IncidentRequest& req) {
    Room* room = moderated_room(ctx);
    if (!room) return;
    // The data-protection contact learns that and what kind, never who or what was said.
    notify("incident", *room, Json::object().set("category", category_name(req.category)));
    gateway_.log(Gateway::Level::Warn,
                 std::string("[counsel] room ") + room->ref() + ": incident reported (" + category_name(req.category) + ")");
    reply(ctx, Json::object().set("counsel", "ok").set("request", "incident"));
}

void RoomService::on_message(const Context& ctx, MessageRequest& req) {
    Room* room = moderated_room(ctx);
    if (!room) return;
    Participant* target = room->find(req.id);
    if (!target || target->presence != Presence::Lobby)
        return fail(ctx, error(ErrorCode::Invalid, "this person is not in the waiting room"));
    // Passed through once, never stored and never logged; the lobby member
    // learns nothing else about the room from it.
    send(target->handle, Json::object().set("counsel", "message").set("text", req.text.view()));
    req.text.wipe();
    reply(ctx, Json::object().set("counsel", "ok").set("request", "message").set("id", req.id));
}

}  // namespace counsel
