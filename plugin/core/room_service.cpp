// Dispatch, answers and timers of RoomService. The rules for each request
// live beside it: create_and_join.cpp and phone_join.cpp (who enters the
// lobby; credentials and their limits are Admission's, admission.hpp),
// moderation.cpp (admit, deny, kick, mute, lock, incident) and
// room_lifecycle.cpp (leave, end, purge).
#include "core/room_service.hpp"

#include "core/profile.hpp"
#include "core/room_views.hpp"

namespace counsel {
RoomService::RoomService(Config config, Gateway& gateway, RoomLedger& ledger, const Clock& clock,
                               MediaPort* media, RecordingPort* recorder)
    : config_(std::move(config)),
      gateway_(gateway),
      media_(media ? *media : no_media_),
      // A profile without recording leaves the server without a recorder, whatever is wired.
      recorder_(profile_allows_recording(config_.profile_kind()) ? recorder : nullptr),
      ledger_(ledger),
      clock_(clock),
      admission_(config_, gateway, clock) {}

RoomService::~RoomService() { stop_background_work(); }

void RoomService::check_argon2id_off_thread(Argon2idChecker::Post post) {
    admission_.check_argon2id_off_thread(std::move(post));
}

void RoomService::stop_background_work() { admission_.stop(); }

void RoomService::attach(HandleId handle) { handles_.try_emplace(handle); }

void RoomService::detach(HandleId handle) {
    auto it = handles_.find(handle);
    if (it == handles_.end()) return;
    if (Room* room = it->second.room) {
        // Nobody said goodbye: an admitted person's seat waits for them a while.
        Participant* person = room->find(it->second.participant);
        if (!person || !keep_seat(*room, *person)) unseat(*room, it->second.participant);
    }
    // Only the receiving handle goes: the person stays, and the others'
    // streams go back to their publishing handle (its PeerConnection is gone
    // with the handle: nothing to close).
    if (const Seat bound = receiver_seat(handle); bound.room)
        if (Participant* person = bound.room->find(bound.participant)) forget_receiver(*person, false);
    handles_.erase(handle);
    admission_.forget_handle(handle);
    publish_media_if_changed();
}

void RoomService::handle(HandleId handle, const std::string& transaction, const Json& body, const Json& jsep) {
    handles_.try_emplace(handle);  // a request may race ahead of attach
    // Janus marks an offer on a negotiated PeerConnection as an update.
    const bool fresh_offer = jsep && jsep.string_at("type") == std::string("offer") && !json_is_true(jsep.field("update"));
    const Context ctx{handle, transaction, fresh_offer};
    auto parsed = parse_request(body, config_, clock_.unix_s());
    if (auto* failure = std::get_if<Error>(&parsed)) return fail(ctx, *failure);
    if (auto refused = profile_refusal(config_.profile_kind(), std::get<Request>(parsed))) return fail(ctx, *refused);
    if (jsep && !std::holds_alternative<NegotiateRequest>(std::get<Request>(parsed)))
        return fail(ctx, error(ErrorCode::Malformed, "this request does not take a JSEP"));
    std::visit(
        [&](auto& req) {
            using T = std::decay_t<decltype(req)>;
            if constexpr (std::is_same_v<T, CreateRequest>) on_create(ctx, req);
            else if constexpr (std::is_same_v<T, JoinRequest>) on_join(ctx, req);
            else if constexpr (std::is_same_v<T, TargetRequest>) on_target(ctx, req);
            else if constexpr (std::is_same_v<T, DenyPasswordRequest>) on_deny_password(ctx, req);
            else if constexpr (std::is_same_v<T, MuteRequest>) on_mute(ctx, req);
            else if constexpr (std::is_same_v<T, LockRequest>) on_lock(ctx, req);
            else if constexpr (std::is_same_v<T, EndRequest>) on_end(ctx);
            else if constexpr (std::is_same_v<T, LeaveRequest>) on_leave(ctx);
            else if constexpr (std::is_same_v<T, IncidentRequest>) on_incident(ctx, req);
            else if constexpr (std::is_same_v<T, NegotiateRequest>) on_negotiate(ctx, req, body, jsep);
            else if constexpr (std::is_same_v<T, ConfigureRequest>) on_configure(ctx, req);
            else if constexpr (std::is_same_v<T, MessageRequest>) on_message(ctx, req);
            else if constexpr (std::is_same_v<T, RecordRequest>) on_record(ctx, req);
            else if constexpr (std::is_same_v<T, ConsentRequest>) on_consent(ctx, req);
            else if constexpr (std::is_same_v<T, PhoneJoinRequest>) on_phone_join(ctx, req);
            else if constexpr (std::is_same_v<T, PromptRequest>) on_prompt(ctx, req);
            else if constexpr (std::is_same_v<T, PhoneMediaRequest>) on_phone_media(ctx, req);
            else if constexpr (std::is_same_v<T, ReceiveRequest>) on_receive(ctx, req);
        },
        std::get<Request>(parsed));
    publish_media_if_changed();
}

void RoomService::tick() {
    const std::int64_t now = clock_.monotonic_ms();
    // Collect first: ending a room changes rooms_.
    std::vector<std::pair<Room*, EndReason>> ending;
    for (auto& [digest, room] : rooms_) {
        if (now >= room->settings().expires_ms) ending.emplace_back(room.get(), EndReason::Expired);
        else if (auto left = room->moderator_left_ms(); left && now - *left >= config_.idle_end_s * 1000)
            ending.emplace_back(room.get(), EndReason::Idle);
    }
    for (auto& [room, reason] : ending) end_room(*room, reason, nullptr);

    for (auto& [digest, room] : rooms_) {
        std::vector<std::uint64_t> expired;
        for (const Participant& p : room->people())
            if (p.presence == Presence::Lobby && now - p.since_ms >= config_.lobby_timeout_s * 1000) expired.push_back(p.id);
        for (std::uint64_t id : expired) {
            const HandleId handle = room->find(id)->handle;
            send(handle, Json::object().set("counsel", "timeout"));
            gateway_.close_pc(handle);
            unseat(*room, id);
        }
    }

    expire_away_seats(now);
    for (const auto& [handle, quiet] : media_.take_quiet_changes()) set_quiet(handle, quiet);

    // Write failures the RTP path flagged since the last tick.
    if (recorder_)
        for (const RecordingFailure& failure : recorder_->take_failures()) recording_failed(failure);

    for (auto it = pending_tombstones_.begin(); it != pending_tombstones_.end();)
        it = ledger_.tombstone(*it) ? pending_tombstones_.erase(it) : std::next(it);

    publish_media_if_changed();
    media_.tick();
    admission_.tick(now);
}

ServiceStats RoomService::stats() const {
    ServiceStats s;
    s.rooms = rooms_.size();
    for (const auto& [digest, room] : rooms_) {
        s.lobby += room->count(Presence::Lobby);
        s.admitted += room->count(Presence::Admitted);
    }
    s.handles = handles_.size();
    s.rooms_created = rooms_created_;
    s.rooms_ended = rooms_ended_;
    s.attempts = admission_.counts();
    return s;
}

Json RoomService::describe_handle(HandleId handle) const {
    Json out = Json::object();
    if (const Seat bound = receiver_seat(handle); bound.room)
        return out.set("state", "receiving").set("room", bound.room->ref());
    auto it = handles_.find(handle);
    if (it == handles_.end() || !it->second.room) return out.set("state", "idle");
    for (const Participant& p : it->second.room->people()) {
        if (p.id != it->second.participant) continue;
        out.set("role", p.role == Role::Moderator ? "moderator" : "participant");
        out.set("state", p.presence == Presence::Lobby ? "lobby" : "admitted");
        if (p.phone) out.set("phone", true);
        if (p.presence == Presence::Admitted && !p.phone) out.set("receiving_handle", p.receives_apart);
        out.set("room", it->second.room->ref());
    }
    return out;
}

Participant* RoomService::seated_participant(HandleId handle) {
    auto it = handles_.find(handle);
    if (it == handles_.end() || !it->second.room) return nullptr;
    return it->second.room->find(it->second.participant);
}

void RoomService::reply(const Context& ctx, Json answer) { gateway_.push_event(ctx.handle, ctx.transaction, answer); }

void RoomService::fail(const Context& ctx, const Error& failure) {
    Json answer = error_view(failure);
    if (ctx.fresh_offer) {
        // Janus set up an ICE agent for this offer before handing it over, and
        // only a closed PeerConnection removes it: left alone, the handle's
        // next offer fails in Janus ("Agent already exists?", error 490). There
        // is no working media to lose (a renegotiation is not fresh), and the
        // hangup_media that follows only ends media, never a seat. Closed before
        // the answer leaves, so Janus is already cleaning up when the client
        // reads it.
        gateway_.close_pc(ctx.handle);
        answer.set("pc_closed", true);
    }
    reply(ctx, std::move(answer));
}

void RoomService::send(HandleId handle, Json event) {
    if (handle != kNoHandle) gateway_.push_event(handle, std::string(), event);  // none while away
}

void RoomService::notify(const char* event, const Room& room, Json details) {
    details.set("event", event).set("room", room.ref());
    gateway_.notify_event(details);
}

}  // namespace counsel
