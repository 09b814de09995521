// Recording requests: the moderator asks, everyone admitted answers, and the
// recorder writes only while the consent ledger says everyone said yes.
#include "core/room_service.hpp"

namespace counsel {
namespace {

std::vector<std::uint64_t> admitted_ids(const Room& room) {
    std::vector<std::uint64_t> out;
    for (const Participant& p : room.people())
        if (p.presence == Presence::Admitted) out.push_back(p.id);
    return out;
}

}  // namespace

void RoomService::on_record(const Context& ctx, const RecordRequest& req) {
    Room* room = moderated_room(ctx);
    if (!room) return;
    if (room->settings().e2ee)
        return fail(ctx, error(ErrorCode::Conflict, "an end-to-end encrypted room cannot be recorded"));
    if (room->settings().recording != RecordingMode::WithConsent)
        return fail(ctx, error(ErrorCode::NotAllowed, "this room was created without recording"));
    if (!recorder_) return fail(ctx, error(ErrorCode::NotAllowed, "this server cannot record"));
    ConsentLedger& ledger = room->consent();
    const RecordingState before = ledger.state();
    const bool was_writing = ledger.writing();
    const std::int64_t now = clock_.unix_ms();
    if (req.stop ? !ledger.stop(now) : !ledger.request(admitted_ids(*room), now))
        return fail(ctx, error(ErrorCode::NotAllowed, req.stop ? "no recording is running or being asked for"
                                                               : "a recording is already running or being asked for"));
    reply(ctx, Json::object()
                   .set("counsel", "ok")
                   .set("request", "record")
                   .set("state", recording_state_name(ledger.state())));
    consent_changed(*room, before, was_writing, req.stop ? std::vector<std::uint64_t>{} : ledger.pending());
}

void RoomService::on_consent(const Context& ctx, const ConsentRequest& req) {
    Participant* self = seated_participant(ctx.handle);
    if (!self || self->presence != Presence::Admitted)
        return fail(ctx, error(ErrorCode::NotAllowed, "only people admitted to the room can answer"));
    Room& room = *handles_[ctx.handle].room;
    ConsentLedger& ledger = room.consent();
    const RecordingState before = ledger.state();
    const bool was_writing = ledger.writing();
    if (!ledger.answer(self->id, req.yes, clock_.unix_ms()))
        return fail(ctx, error(ErrorCode::NotAllowed, "nobody is asking for your consent"));
    Json answer = Json::object().set("counsel", "ok").set("request", "consent").set("recording", req.yes);
    // The person's own private link to the finished recording.
    if (req.yes && recorder_)
        answer.set("download", recorder_->grant_download(room.ref())).set("retention_days", recorder_->retention_days());
    reply(ctx, std::move(answer));
    consent_changed(room, before, was_writing, {});
}

void RoomService::consent_changed(Room& room, RecordingState before, bool was_writing,
                                     const std::vector<std::uint64_t>& ask) {
    const ConsentLedger& ledger = room.consent();
    if (recorder_) {
        // The log first, so the marker a span start or end writes holds it (a
        // veto deletes everything: nothing to keep then).
        if (ledger.state() != RecordingState::Aborted) recorder_->consent_logged(room.ref(), consent_metadata(room));
        if (was_writing && !ledger.writing()) recorder_->end_span(room.ref());
        if (ledger.state() == RecordingState::Aborted && before != RecordingState::Aborted)
            recorder_->discard(room.ref());
        if (!was_writing && ledger.writing()) {
            auto view = media_room(room);
            recorder_->start_span(room.ref(), view->members);
        }
    }
    if (was_writing != ledger.writing()) media_changed();

    const std::vector<std::uint64_t> pending = ledger.pending();
    Json indicator = Json::object()
                         .set("counsel", "recording")
                         .set("state", recording_state_name(ledger.state()))
                         .set("pending", static_cast<std::int64_t>(pending.size()));
    if (ledger.state() == RecordingState::Failed) indicator.set("reason", ledger.failure());
    for (const Participant& p : room.people()) {
        if (p.presence != Presence::Admitted) continue;
        send(p.handle, indicator);
    }
    for (std::uint64_t id : ask)
        if (Participant* p = room.find(id)) send(p->handle, Json::object().set("counsel", "consent_request"));
    if (before != ledger.state()) {
        Json details = Json::object().set("state", recording_state_name(ledger.state()));
        if (ledger.state() == RecordingState::Failed) details.set("reason", ledger.failure());
        notify("recording", room, std::move(details));
    }
}

void RoomService::recording_failed(const RecordingFailure& failure) {
    for (auto& [digest, room] : rooms_) {
        if (room->ref() != failure.room_ref) continue;
        ConsentLedger& ledger = room->consent();
        const RecordingState before = ledger.state();
        const bool was_writing = ledger.writing();
        // Nothing to stop if consent already ended the span: its end is in the recording's metadata.
        if (!ledger.write_failed(failure.reason, clock_.unix_ms())) return;
        gateway_.log(Gateway::Level::Warn, "[counsel] room " + room->ref() +
                                               ": recording stopped, the server could not write it (" + failure.reason +
                                               ")");
        consent_changed(*room, before, was_writing, {});
        return;
    }
}

Json RoomService::consent_metadata(const Room& room) {
    Json entries = Json::array();
    for (const ConsentLogEntry& e : room.consent().log()) {
        Json entry = Json::object().set("at_ms", e.at_unix_ms).set("event", e.event);
        if (e.participant) entry.set("participant", e.participant);
        entries.append(std::move(entry));
    }
    return Json::object().set("room", room.ref()).set("consent_log", entries);
}

}  // namespace counsel
