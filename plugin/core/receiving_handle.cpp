// A person's receiving handle: a second Janus handle of an admitted person
// that gets everybody else's streams on a PeerConnection of its own, while
// their first (publishing) handle carries only what they send. Why: Janus
// 1.1.2 files a browser's feedback on received streams under the m-line of a
// stream it sends (meetecho/janus-gateway#3641), so on one PeerConnection that
// both sends and receives, Janus's own NACK retransmissions never reach the
// receiver; on a receive-only PeerConnection they do (docs/api.md "Media").
//
// Binding is judged like a credential: the room id, the person's id and the
// seat's resume secret (core/reconnection.cpp; handed to their page with
// `waiting`/`joined`, renewed with every `resumed`). The same secret serves
// both because whoever holds it can already take the whole seat back, which
// includes what it receives; a wrong one costs the handle an attempt
// (Admission) and answers 482. A binding lasts while the seat's handle does:
// a drop that moves the seat to another handle ends it, and the page binds
// again after `resumed`. When the receiving handle itself goes (the page gave
// up on a PeerConnection that would not connect), the others' streams go back
// to the publishing handle, so that nobody is left with black tiles.
#include "core/room_service.hpp"

namespace counsel {

void RoomService::on_receive(const Context& ctx, ReceiveRequest& req) {
    if (handles_[ctx.handle].room)
        return fail(ctx, error(ErrorCode::NotAllowed, "a handle in a room cannot also be a receiving handle"));
    const std::int64_t now_ms = clock_.monotonic_ms();
    const Digest digest = room_digest(req.room);
    const std::string room_key = hex(digest);
    if (!admission_.join_allowed(ctx.handle, room_key, false, now_ms))
        return fail(ctx, error(ErrorCode::TooManyAttempts, "too many attempts: try again later"));
    auto found = rooms_.find(digest);
    Participant* person = found == rooms_.end() ? nullptr : found->second->find(req.id);
    // Nothing reaches the lobby (its members hold a resume secret already), nor
    // a seat whose handle is away: it receives again once it is back.
    if (person && (person->presence != Presence::Admitted || person->phone || person->handle == kNoHandle))
        return fail(ctx, error(ErrorCode::NotAllowed, "only people admitted to the room can receive"));
    const Digest presented = admission_.hash(req.secret.view());
    req.secret.wipe();
    if (!person || !digest_equal(person->resume, presented)) {
        admission_.join_failed(ctx.handle, room_key, false, found != rooms_.end(), now_ms);
        gateway_.log(Gateway::Level::Verbose,
                     "[counsel] handle " + std::to_string(ctx.handle) + ": receive refused (secret)");
        return fail(ctx, error(ErrorCode::NotAuthorized, "not authorized"));
    }
    auto bound = receivers_.find(ctx.handle);
    if (bound != receivers_.end() && (bound->second.room != found->second.get() || bound->second.participant != req.id))
        return fail(ctx, error(ErrorCode::NotAllowed, "this handle receives for someone else"));
    // One receiving handle per person: a second one replaces nothing.
    if (person->receiver && person->receiver != ctx.handle)
        return fail(ctx, error(ErrorCode::NotAllowed, "this person already has a receiving handle"));

    person->receiver = ctx.handle;
    if (!person->receives_apart) media_changed();
    person->receives_apart = true;
    receivers_[ctx.handle] = Seat{found->second.get(), req.id};
    reply(ctx, Json::object().set("counsel", "receiving").set("id", req.id));
    gateway_.log(Gateway::Level::Verbose, "[counsel] handle " + std::to_string(ctx.handle) + ": receiving for handle " +
                                              std::to_string(person->handle));
    // After the answer: the offer that follows must not overtake it.
    media_.receive(ctx.handle, person->handle);
}

void RoomService::forget_receiver(Participant& person, bool close) {
    unbind_receiver(person, close);
    if (person.receives_apart) media_changed();
    person.receives_apart = false;
}

void RoomService::unbind_receiver(Participant& person, bool close) {
    const HandleId receiver = person.receiver;
    if (!receiver) return;
    person.receiver = 0;
    receivers_.erase(receiver);
    media_.release(receiver);
    if (close) gateway_.close_pc(receiver);
}

RoomService::Seat RoomService::receiver_seat(HandleId handle) const {
    auto it = receivers_.find(handle);
    return it == receivers_.end() ? Seat{} : it->second;
}

}  // namespace counsel
