#include "core/room_views.hpp"

namespace counsel {

Json participants_view(const Room& room) {
    Json list = Json::array();
    for (const Participant& p : room.people()) {
        if (p.presence != Presence::Admitted) continue;
        list.append(Json::object()
                        .set("id", p.id)
                        .set("display", p.display.view())
                        .set("role", p.role == Role::Moderator ? "moderator" : "participant")
                        .set("muted", Json::object().set("audio", p.muted_audio).set("video", p.muted_video))
                        .set("self_muted",
                             Json::object().set("audio", p.self_muted_audio).set("video", p.self_muted_video))
                        .set("phone", p.phone));
    }
    return list;
}

Json lobby_view(const Room& room) {
    // people() is in order of arrival, so the longest waiting come first.
    Json list = Json::array();
    for (const Participant& p : room.people()) {
        if (p.presence != Presence::Lobby) continue;
        // `via` lets the moderator tell password knockers (deny_password) from personal links.
        list.append(Json::object()
                        .set("id", p.id)
                        .set("display", p.display.view())
                        .set("since", p.since_unix)
                        .set("via", p.credential.kind == CredentialRef::Kind::Password ? "password" : "link")
                        .set("phone", p.phone));
    }
    return list;
}

Json error_view(const Error& failure) {
    return Json::object()
        .set("counsel", "error")
        .set("error_code", static_cast<int>(failure.code))
        .set("error", failure.message);
}

}  // namespace counsel
