// Phone dial-in: counsel-phone knocks for a caller with the room number and
// the caller's personal PIN, authenticated by its own service key. A phone
// caller is a guest like any other (the lobby, the moderator admits), shown
// as "Telefon <n>" and never by their number, which the plugin never learns.
// A wrong PIN and an unknown room number get the same answer and the same limits.
#include <sodium.h>

#include "core/room_service.hpp"
#include "core/phone_credentials.hpp"
#include "core/room_views.hpp"

namespace counsel {
namespace {

constexpr int kRoomNumberAttempts = 64;

std::string handle_key(HandleId handle) { return std::to_string(handle); }

}  // namespace

RoomService::PhoneGrant RoomService::grant_phone_credentials(std::vector<Invite>& invites) {
    PhoneGrant grant;
    // A number no live room uses; 10^6 numbers, so a free one is found at once.
    for (int attempt = 0; attempt < kRoomNumberAttempts && grant.room_number.empty(); ++attempt) {
        std::string candidate = random_digits(kPhoneRoomDigits);
        if (!phone_rooms_.count(candidate)) grant.room_number = std::move(candidate);
    }
    for (Invite& invite : invites) {
        std::string pin;
        Digest digest{};
        // PINs of one room differ, so a PIN names exactly one invite.
        bool unique = false;
        while (!unique) {
            pin = random_digits(kPinDigits);
            digest = admission_.hash(pin_hash_input(pin));
            unique = true;
            for (const Invite& other : invites)
                if (other.pin && digest_equal(*other.pin, digest)) unique = false;
        }
        invite.pin = digest;
        grant.pins.push_back(std::move(pin));
    }
    return grant;
}

bool RoomService::phone_service_allowed(const Context& ctx, SecretString& key) {
    const Refusal refusal = admission_.judge_phone_service_key(ctx.handle, key);
    if (refusal == Refusal::None) return true;
    if (refusal == Refusal::Limited) {
        fail(ctx, error(ErrorCode::TooManyAttempts, "too many attempts: try again later"));
        return false;
    }
    gateway_.log(Gateway::Level::Warn, "[counsel] handle " + handle_key(ctx.handle) + ": phone_join refused (service key)");
    fail(ctx, error(ErrorCode::NotAuthorized, "not authorized"));
    return false;
}

void RoomService::on_phone_join(const Context& ctx, PhoneJoinRequest& req) {
    if (!config_.phone_enabled()) {
        req.service_key.wipe();
        req.pin.wipe();
        return fail(ctx, error(ErrorCode::NotAllowed, "phone dial-in is not configured on this server"));
    }
    if (handles_[ctx.handle].room) {
        req.service_key.wipe();
        req.pin.wipe();
        return fail(ctx, error(ErrorCode::NotAllowed, "this handle is already in a room"));
    }
    if (!phone_service_allowed(ctx, req.service_key)) return req.pin.wipe();

    // A PIN has the limits of the personal link it stands for: its handle's
    // bucket (one call), never a room's, so wrong PINs cannot keep a caller
    // out. Its 12 digits keep guessing hopeless at the pace calls allow
    // (README "Phone dial-in").
    const std::int64_t now_ms = clock_.monotonic_ms();
    const std::string who = handle_key(ctx.handle);
    auto number = phone_rooms_.find(req.room_number);
    const bool known = number != phone_rooms_.end();
    const std::string room_key = known ? hex(number->second) : req.room_number;
    if (!admission_.join_allowed(ctx.handle, room_key, false, now_ms)) {
        req.pin.wipe();
        return fail(ctx, error(ErrorCode::TooManyAttempts, "too many attempts: try again later"));
    }
    const Digest presented = admission_.hash(pin_hash_input(req.pin.view()));
    req.pin.wipe();
    Room* room = known ? rooms_.at(number->second).get() : nullptr;
    const auto credential = room ? room->match_pin(presented) : std::nullopt;
    if (!credential || room->is_burned(*credential) || room->banned(ctx.handle)) {
        admission_.join_failed(ctx.handle, room_key, false, known, now_ms);
        gateway_.log(Gateway::Level::Verbose, "[counsel] handle " + who + ": phone_join refused (PIN)");
        return fail(ctx, error(ErrorCode::NotAuthorized, "not authorized"));
    }
    // From here on exactly as a personal link: locked, in use, lobby full.
    if (auto refusal = lobby_refusal(*room, *credential)) return fail(ctx, *refusal);

    const std::uint64_t id = new_participant_id(*room);
    Participant caller{id, ctx.handle, Role::Guest, Presence::Lobby, *credential,
                       SecretString(room->next_phone_label()), clock_.unix_s(), now_ms};
    caller.phone = true;
    room->add(std::move(caller));
    handles_[ctx.handle] = Seat{room, id};
    reply(ctx, Json::object().set("counsel", "waiting").set("id", id).set("notice", config_.notice_text));
    send_lobby_to_moderator(*room);
    gateway_.log(Gateway::Level::Info, "[counsel] handle " + who + ": phone caller waits in room " + room->ref());
    notify("lobby", *room,
           Json::object().set("waiting", static_cast<std::int64_t>(room->count(Presence::Lobby))).set("phone", true));
}

void RoomService::on_prompt(const Context& ctx, const PromptRequest& req) {
    Room* room = moderated_room(ctx);
    if (!room) return;
    Participant* target = room->find(req.id);
    if (!target || target->presence != Presence::Lobby)
        return fail(ctx, error(ErrorCode::Invalid, "this person is not in the waiting room"));
    if (!target->phone) return fail(ctx, error(ErrorCode::NotAllowed, "prompts are for phone callers only"));
    send(target->handle, Json::object().set("counsel", "prompt").set("prompt", "wait"));
    reply(ctx, Json::object().set("counsel", "ok").set("request", "prompt").set("id", req.id));
}

void RoomService::on_phone_media(const Context& ctx, const PhoneMediaRequest& req) {
    Participant* self = seated_participant(ctx.handle);
    if (!self || !self->phone || self->presence != Presence::Admitted)
        return fail(ctx, error(ErrorCode::NotAllowed, "plain RTP is only for admitted phone callers"));
    if (auto refused = media_.connect_phone(ctx.handle, ctx.transaction, req.port, *media_room(*handles_[ctx.handle].room)))
        return fail(ctx, *refused);
}

}  // namespace counsel
