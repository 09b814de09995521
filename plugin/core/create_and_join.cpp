// Who gets in: practitioners create rooms; credentials lead to the moderator
// seat or, for everyone else, always to the lobby. Credentials and their limits
// are judged by Admission (admission.hpp); an unknown room looks exactly like a
// wrong credential.
#include <sodium.h>

#include "core/room_service.hpp"
#include "core/room_views.hpp"

namespace counsel {
namespace {

constexpr int kRoomIdAttempts = 4;

std::string handle_key(HandleId handle) { return std::to_string(handle); }

}  // namespace

void RoomService::on_create(const Context& ctx, CreateRequest& req) {
    // After the shape and the profile: under kbv a phone room is 488 (profile.cpp), not this.
    if (req.phone && !config_.phone_enabled()) {
        req.practitioner_key.wipe();
        return fail(ctx, error(ErrorCode::NotAllowed, "phone dial-in is not configured on this server"));
    }
    // The verdict may come later (an Argon2id check off the room thread), so
    // the request waits in its own allocation; the key goes to Admission.
    auto pending = std::make_shared<CreateRequest>(std::move(req));
    SecretString key = std::move(pending->practitioner_key);
    admission_.judge_practitioner_key(
        ctx.handle, key,
        [this, pending, handle = ctx.handle, txn = ctx.transaction, fresh = ctx.fresh_offer](
            const Admission::KeyVerdict& verdict) {
            // The practitioner closed the page meanwhile: nobody would learn the room.
            if (!handles_.count(handle)) return;
            create_for(Context{handle, txn, fresh}, *pending, verdict);
            publish_media_if_changed();
        });
}

void RoomService::create_for(const Context& ctx, CreateRequest& req, const Admission::KeyVerdict& verdict) {
    if (verdict.refusal == Refusal::Limited)
        return fail(ctx, error(ErrorCode::TooManyAttempts, "too many attempts: try again later"));
    if (!verdict.practitioner) return fail(ctx, error(ErrorCode::NotAuthorized, "not authorized"));
    const std::string who = handle_key(ctx.handle);

    // A fresh id, recorded durably as live before anyone learns it.
    std::string room_id;
    for (int attempt = 0; attempt < kRoomIdAttempts && room_id.empty(); ++attempt) {
        std::string candidate = random_token();
        if (ledger_.open_room(room_digest(candidate))) room_id = std::move(candidate);
    }
    if (room_id.empty()) {
        gateway_.log(Gateway::Level::Error, "[counsel] cannot record a new room in state_db; create refused");
        return fail(ctx, error(ErrorCode::Internal, "the room could not be recorded; nothing was created"));
    }

    std::string moderator_token = random_token();
    std::vector<std::string> invite_tokens;
    std::vector<Invite> invites;
    for (SecretString& label : req.labels) {
        invite_tokens.push_back(random_token());
        invites.push_back(Invite{std::move(label), admission_.hash(invite_tokens.back())});
    }
    PhoneGrant phone;
    if (req.phone) phone = grant_phone_credentials(invites);
    std::string password;
    std::optional<Digest> password_digest;
    if (req.password) {
        password = random_password();
        password_digest = admission_.hash(password);
    }

    // Both clocks read now, after the slow part (Argon2id, the ledger's fsync):
    // the monotonic deadline must match expires_at on the wall clock to the ms.
    const std::int64_t created_mono_ms = clock_.monotonic_ms();
    const std::int64_t created_unix_ms = clock_.unix_ms();
    const std::int64_t expires_at = req.starts_at + req.duration_s;
    RoomSettings settings{room_id,
                          std::move(req.title),
                          req.e2ee,
                          req.recording,
                          req.starts_at,
                          expires_at,
                          created_mono_ms + expires_at * 1000 - created_unix_ms,
                          phone.room_number};
    auto room = std::make_unique<Room>(std::move(settings), admission_.hash(moderator_token), password_digest,
                                       std::move(invites));
    Room& created = *room;
    rooms_.emplace(created.digest(), std::move(room));
    if (req.phone) phone_rooms_.emplace(phone.room_number, created.digest());
    ++rooms_created_;

    Json invite_list = Json::array();
    for (std::size_t i = 0; i < invite_tokens.size(); ++i) {
        Json invite = Json::object().set("label", created.invites()[i].label.view()).set("token", invite_tokens[i]);
        if (req.phone) invite.set("pin", phone.pins[i]);
        invite_list.append(std::move(invite));
    }
    Json answer = Json::object()
                      .set("counsel", "created")
                      .set("room", room_id)
                      .set("moderator_token", moderator_token)
                      .set("invites", invite_list)
                      .set("starts_at", created.settings().starts_at)
                      .set("expires_at", expires_at)
                      .set("e2ee", created.settings().e2ee)
                      .set("recording", created.settings().recording == RecordingMode::WithConsent ? "with_consent" : "off");
    if (req.password) answer.set("password", password);
    if (req.phone)
        answer.set("phone", Json::object().set("number", config_.phone_number).set("room_number", phone.room_number));
    reply(ctx, std::move(answer));
    for (auto& pin : phone.pins) sodium_memzero(pin.data(), pin.size());

    for (auto& token : invite_tokens) sodium_memzero(token.data(), token.size());
    sodium_memzero(moderator_token.data(), moderator_token.size());
    sodium_memzero(password.data(), password.size());
    gateway_.log(Gateway::Level::Info, "[counsel] handle " + who + ": room " + created.ref() + " created");
    notify("created", created,
           Json::object()
               .set("invitees", static_cast<std::int64_t>(invite_tokens.size()))
               .set("password", req.password)
               .set("e2ee", created.settings().e2ee)
               .set("recording", created.settings().recording == RecordingMode::WithConsent)
               .set("phone", req.phone));
}

std::optional<Error> RoomService::lobby_refusal(const Room& room, const CredentialRef& credential) const {
    if (room.locked()) return error(ErrorCode::Locked, "the room is locked");
    if (room.in_use(credential)) return error(ErrorCode::InUse, "this personal link is already in use in this room");
    // A personal link (or its PIN) always reaches the lobby (490 keeps it to one
    // person); password knockers share max_participants places of their own.
    if (credential.kind == CredentialRef::Kind::Password &&
        room.count_password_knockers() >= static_cast<std::size_t>(config_.max_participants))
        return error(ErrorCode::Full, "the waiting room is full");
    return std::nullopt;
}

std::uint64_t RoomService::new_participant_id(Room& room) {
    std::uint64_t id = random_participant_id();
    while (room.find(id)) id = random_participant_id();
    return id;
}

void RoomService::on_join(const Context& ctx, JoinRequest& req) {
    // A seated handle may only take its own seat back (resume after a reconnect);
    // a receiving handle never joins.
    const Seat seated = handles_[ctx.handle];
    if ((seated.room && !req.resume) || receivers_.count(ctx.handle))
        return fail(ctx, error(ErrorCode::NotAllowed, "this handle is already in a room"));
    const std::int64_t now_ms = clock_.monotonic_ms();
    const Digest digest = room_digest(req.room);
    const std::string room_key = hex(digest);
    if (!admission_.join_allowed(ctx.handle, room_key, req.by_password, now_ms))
        return fail(ctx, error(ErrorCode::TooManyAttempts, "too many attempts: try again later"));

    auto found = rooms_.find(digest);
    if (found == rooms_.end()) {
        const LedgerState recorded = pending_tombstones_.count(digest) ? LedgerState::Tombstoned : ledger_.state(digest);
        if (recorded == LedgerState::Tombstoned) return fail(ctx, error(ErrorCode::Ended, "this session has ended"));
        // Live in the ledger but not here: this node swept its own live rooms at
        // start, so another node of a shared store holds it (README "Many nodes").
        if (recorded == LedgerState::Live)
            return fail(ctx, error(ErrorCode::OtherNode, "this session runs on another server of this service"));
        admission_.join_failed(ctx.handle, room_key, req.by_password, false, now_ms);
        return fail(ctx, error(ErrorCode::NotAuthorized, "not authorized"));
    }
    Room& room = *found->second;
    const Digest presented = admission_.hash(req.credential.view());
    req.credential.wipe();
    const auto credential = req.by_password ? room.match_password(presented) : room.match_token(presented);
    if (!credential || room.is_burned(*credential) || room.banned(ctx.handle)) {
        admission_.join_failed(ctx.handle, room_key, req.by_password, true, now_ms);
        gateway_.log(Gateway::Level::Verbose, "[counsel] handle " + handle_key(ctx.handle) + ": join refused (credential)");
        return fail(ctx, error(ErrorCode::NotAuthorized, "not authorized"));
    }

    if (req.resume) {
        const Digest secret = admission_.hash(req.resume->view());
        req.resume->wipe();
        Participant* seat = room.find_resumable(secret, *credential);
        if (seat && (!seated.room || (seated.room == &room && seated.participant == seat->id)))
            return resume_seat(ctx, room, *seat);
        // The seat is gone (the grace window ended): an ordinary join, the lobby again.
        if (seated.room) return fail(ctx, error(ErrorCode::NotAllowed, "this handle is already in a room"));
    }

    const bool moderator = credential->kind == CredentialRef::Kind::Moderator;
    if (moderator && room.moderator()) return fail(ctx, error(ErrorCode::SeatTaken, "the moderator seat is taken"));
    if (!moderator)
        if (auto refusal = lobby_refusal(room, *credential)) return fail(ctx, *refusal);

    if (req.peek) {
        // The link is good and would get in now: what the page must know before
        // anyone is told of a knock (an e2ee room opened without its key ends
        // here, before the lobby and the participant list). Nobody is seated.
        const RoomSettings& s = room.settings();
        return reply(ctx, Json::object()
                              .set("counsel", "peek")
                              .set("role", moderator ? "moderator" : "participant")
                              .set("e2ee", s.e2ee)
                              .set("recording", s.recording == RecordingMode::WithConsent ? "with_consent" : "off")
                              .set("notice", config_.notice_text));
    }

    const std::uint64_t id = new_participant_id(room);
    room.add(Participant{id, ctx.handle, moderator ? Role::Moderator : Role::Guest,
                         moderator ? Presence::Admitted : Presence::Lobby, *credential, std::move(req.display),
                         clock_.unix_s(), now_ms});
    handles_[ctx.handle] = Seat{&room, id};

    if (moderator) {
        room.set_moderator_left_ms(std::nullopt);
        Json joined = moderator_joined_view(room, id, config_);
        joined.set("resume", issue_resume(*room.find(id)));
        reply(ctx, std::move(joined));
        broadcast_participants(room);
        gateway_.log(Gateway::Level::Info,
                     "[counsel] handle " + handle_key(ctx.handle) + ": moderator of room " + room.ref());
        notify("moderator_joined", room);
    } else {
        // A lobby member learns its own id, the notice and whether the room is
        // end-to-end encrypted (a page without the key leaves at once), nothing else.
        reply(ctx, Json::object()
                       .set("counsel", "waiting")
                       .set("id", id)
                       .set("notice", config_.notice_text)
                       .set("e2ee", room.settings().e2ee)
                       .set("resume", issue_resume(*room.find(id))));
        send_lobby_to_moderator(room);
        notify("lobby", room, Json::object().set("waiting", static_cast<std::int64_t>(room.count(Presence::Lobby))));
    }
}

}  // namespace counsel
