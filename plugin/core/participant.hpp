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

struct Participant {
    std::uint64_t id;
    HandleId handle;
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
    // Their receiving handle (docs/api.md "Media"): the secret that binds one
    // (its digest; handed out in clear once, in `admitted`/`joined`), the
    // handle bound now (0: none), and whether they ever bound one — from then
    // on the others' streams never go to their publishing handle again.
    std::optional<Digest> receive_secret = std::nullopt;
    HandleId receiver = 0;
    bool receives_apart = false;
};

}  // namespace counsel
