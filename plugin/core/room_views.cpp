#include "core/room_views.hpp"

#include "core/profile.hpp"

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
                        .set("phone", p.phone)
                        .set("reconnecting", p.reconnecting()));
    }
    return list;
}

Json moderator_joined_view(const Room& room, std::uint64_t id, const Config& config) {
    const RoomSettings& s = room.settings();
    Json joined = Json::object()
                      .set("counsel", "joined")
                      .set("role", "moderator")
                      .set("id", id)
                      .set("room", s.id)
                      .set("title", s.title.view())
                      .set("participants", participants_view(room))
                      .set("lobby", lobby_view(room))
                      .set("locked", room.locked())
                      .set("e2ee", s.e2ee)
                      .set("recording", s.recording == RecordingMode::WithConsent ? "with_consent" : "off")
                      .set("expires_at", s.expires_at)
                      .set("notice", config.notice_text)
                      .set("knock_chime", profile_knock_chime(config.profile_kind()))
                      .set("reconnect_grace_s", config.reconnect_grace_s);
    if (room.has_password()) joined.set("password", room.password_closed() ? "closed" : "open");
    return joined;
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
