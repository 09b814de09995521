// How people leave and how rooms end. Ending is final: the id is tombstoned
// durably first, then everyone is told and disconnected, then every personal
// datum is erased.
#include <chrono>

#include "core/room_service.hpp"
#include "core/room_views.hpp"

namespace counsel {
namespace {

const char* reason_name(EndReason reason) {
    switch (reason) {
        case EndReason::Moderator: return "moderator";
        case EndReason::Expired: return "expired";
        case EndReason::Idle: return "idle";
        case EndReason::Shutdown: return "shutdown";
    }
    return "";
}

}  // namespace

void RoomService::on_leave(const Context& ctx) {
    Seat& seat = handles_[ctx.handle];
    if (!seat.room) return fail(ctx, error(ErrorCode::NotAllowed, "this handle is not in a room"));
    unseat(*seat.room, seat.participant);
    gateway_.close_pc(ctx.handle);  // coming back means the lobby, without media
    reply(ctx, Json::object().set("counsel", "left"));
}

void RoomService::on_end(const Context& ctx) {
    Room* room = moderated_room(ctx);
    if (!room) return;
    end_room(*room, EndReason::Moderator, &ctx);
}

void RoomService::end_all() {
    while (!rooms_.empty()) end_room(*rooms_.begin()->second, EndReason::Shutdown, nullptr);
    publish_media_if_changed();
}

void RoomService::unseat(Room& room, std::uint64_t id, bool tell_moderator) {
    Participant* person = room.find(id);
    if (!person) return;
    const bool was_moderator = person->role == Role::Moderator;
    const bool was_admitted = person->presence == Presence::Admitted;
    if (auto it = handles_.find(person->handle); it != handles_.end() && it->second.participant == id)
        it->second = Seat{};
    const HandleId handle = person->handle;
    unbind_receiver(*person, true);  // whatever ends a person ends what they receive
    room.remove(id);  // wipes the display name
    if (was_admitted) media_.release(handle);
    if (was_moderator) room.set_moderator_left_ms(clock_.monotonic_ms());
    if (was_admitted && room.consent().state() != RecordingState::Idle) {
        const RecordingState before = room.consent().state();
        const bool was_writing = room.consent().writing();
        room.consent().left(id, clock_.unix_ms());
        consent_changed(room, before, was_writing, {});
    }
    if (was_admitted) broadcast_participants(room);
    else if (tell_moderator) send_lobby_to_moderator(room);
}

void RoomService::broadcast_participants(Room& room) {
    media_changed();  // whoever is told about a change, the RTP path must follow it
    const Json view = participants_view(room);
    for (const Participant& p : room.people())
        if (p.presence == Presence::Admitted)
            send(p.handle, Json::object().set("counsel", "participants").set("participants", view));
}

void RoomService::send_lobby_to_moderator(Room& room) {
    if (Participant* moderator = room.moderator())
        send(moderator->handle, Json::object().set("counsel", "lobby").set("waiting", lobby_view(room)));
}

void RoomService::end_room(Room& room, EndReason reason, const Context* by_moderator) {
    const auto started = std::chrono::steady_clock::now();
    const Digest digest = room.digest();
    const std::string ref = room.ref();
    if (!ledger_.tombstone(digest)) {
        // The room still ends; it is refused in memory and the write retried on
        // every tick. After a crash, the start-up sweep tombstones it anyway.
        pending_tombstones_.insert(digest);
        gateway_.log(Gateway::Level::Error, "[counsel] room " + ref + ": tombstone write failed, will retry");
    }
    const std::int64_t admitted = static_cast<std::int64_t>(room.count(Presence::Admitted));
    const std::int64_t waiting = static_cast<std::int64_t>(room.count(Presence::Lobby));

    // Consented media is finalized; anything else written is deleted with the purge.
    if (recorder_) {
        const ConsentLedger& consent = room.consent();
        if (consent.writing()) recorder_->end_span(ref);
        if (consent.has_consented_media()) recorder_->finalize(ref, consent_metadata(room));
        else if (consent.state() != RecordingState::Idle) recorder_->discard(ref);
    }

    // Who to tell, kept apart from the room: the purge comes before any answer.
    std::vector<HandleId> present;
    std::vector<HandleId> receivers;
    for (Participant& p : room.people_mut()) {
        if (p.receiver) receivers.push_back(p.receiver);
        unbind_receiver(p, false);  // closed with the others below
    }
    for (const Participant& p : room.people()) {
        if (p.handle != kNoHandle) handles_[p.handle] = Seat{};
        if (p.presence == Presence::Admitted) media_.release(p.handle);
        if (p.handle != kNoHandle && (!by_moderator || p.handle != by_moderator->handle)) present.push_back(p.handle);
    }
    media_changed();
    admission_.forget_room(hex(digest));
    if (const std::string& number = room.settings().phone_room; !number.empty()) phone_rooms_.erase(number);
    rooms_.erase(digest);  // ~Room purges names, labels, title and hashes
    ++rooms_ended_;
    const auto purge_us =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();

    const Json ended = Json::object().set("counsel", "ended").set("reason", reason_name(reason));
    for (HandleId handle : present) {
        send(handle, ended);
        gateway_.close_pc(handle);
    }
    for (HandleId receiver : receivers) gateway_.close_pc(receiver);
    if (by_moderator) {
        reply(*by_moderator, ended);
        gateway_.close_pc(by_moderator->handle);
    }
    gateway_.log(Gateway::Level::Info, "[counsel] room " + ref + " ended (" + reason_name(reason) + "), purged in " +
                                           std::to_string(purge_us) + " us");
    gateway_.notify_event(
        Json::object().set("event", "ended").set("room", ref).set("reason", reason_name(reason)).set("admitted", admitted).set("lobby", waiting));
    gateway_.notify_event(
        Json::object().set("event", "purged").set("room", ref).set("purge_us", static_cast<std::int64_t>(purge_us)));
}

}  // namespace counsel
