// What people see of a room, as JSON. Lobby members see none of this; only
// the moderator sees the lobby view.
#pragma once

#include "core/config.hpp"
#include "core/json.hpp"
#include "core/room.hpp"

namespace counsel {

// [{id, display, role, muted:{audio, video}, self_muted, reconnecting}] of everyone admitted.
Json participants_view(const Room& room);
// The moderator's view of their room: `joined` and a moderator's `resumed`.
Json moderator_joined_view(const Room& room, std::uint64_t id, const Config& config);
// [{id, display, since}] of everyone waiting, longest waiting first.
Json lobby_view(const Room& room);
// {counsel:"error", error_code, error}
Json error_view(const Error& failure);

}  // namespace counsel
