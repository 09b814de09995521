// One person in a room: in the lobby or admitted, on one Janus handle.
#pragma once

#include <cstdint>
#include <optional>

#include "core/credentials.hpp"
#include "core/ports/gateway.hpp"
#include "core/secret_string.hpp"

namespace counsel {

enum class Role { Moderator, Guest };
enum class Presence { Lobby, Admitted };

// Which credential let a person in; it decides what `kick` burns.
struct CredentialRef {
    enum class Kind { Moderator, Invite, Password } kind;
    std::size_t invite_index = 0;  // for Kind::Invite
};

// A seat whose connection went away has no handle until its person comes back.
constexpr HandleId kNoHandle = 0;

struct Participant {
    std::uint64_t id;
    HandleId handle;  // kNoHandle while away
    Role role;
    Presence presence;
    CredentialRef credential;
    SecretString display;
    std::int64_t since_unix;  // when they arrived (lobby) — shown to the moderator
    std::int64_t since_ms;    // the same, monotonic, for lobby_timeout_s
    bool muted_audio = false;  // by the moderator: only the moderator lifts it
    bool muted_video = false;
    bool self_muted_audio = false;  // by the person themselves
    bool self_muted_video = false;
    bool phone = false;  // a caller through counsel-phone: display is "Telefon <n>", media is plain RTP
    bool receive_video = true;  // false: they chose audio only; nobody's video is forwarded to them

    // Coming back after a network drop (core/reconnection.cpp): the hash of
    // the resume secret their page got with the seat (lobby or room).
    Digest resume{};
    std::optional<std::int64_t> away_since_ms{};  // monotonic: their handle went away, the seat waits
    bool media_was_up = false;  // their PeerConnection came up at least once on this handle
    bool media_down = false;    // it went down again (hangup) and is not back yet
    bool quiet = false;         // the media layer heard nothing from them for a while
    // What the others see: this person's connection is being restored.
    bool reconnecting() const { return away_since_ms.has_value() || media_down || quiet; }
    // Their receiving handle (docs/api.md "Receiving handle"), bound with the
    // resume secret: the handle bound now (0: none), and whether this seat's
    // handle ever had one -- from then on the others' streams never go to the
    // publishing handle again (until a resume on a new handle starts afresh).
    HandleId receiver = 0;
    bool receives_apart = false;
};

}  // namespace counsel
