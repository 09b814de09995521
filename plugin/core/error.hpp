// The stable error codes of the plugin API (documented in README.md).
#pragma once

#include <string>
#include <utility>

namespace counsel {

enum class ErrorCode : int {
    Malformed = 480,        // not an object, unknown request, missing or wrong-typed field
    Invalid = 481,          // out of range, too long, bad characters, unknown id
    NotAuthorized = 482,    // wrong key/token/password; same answer whether or not the room exists
    Ended = 483,            // the room id is tombstoned
    SeatTaken = 484,        // the moderator seat is held by a live handle
    Locked = 485,           // the room is locked
    TooManyAttempts = 486,  // rate limited
    NotAllowed = 487,       // not allowed for this role or state
    Conflict = 488,         // conflicting options
    Full = 489,             // max_participants reached, or the lobby is full
    InUse = 490,            // this personal link is already in the room
    OtherNode = 491,        // the room is live on another node sharing the store
    Internal = 499,         // the store failed; nothing was changed
};

// An error answer. Messages are fixed sentences: they never quote client input.
struct Error {
    ErrorCode code;
    std::string message;
};

inline Error error(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

}  // namespace counsel
