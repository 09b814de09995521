// What the core needs from Janus, and nothing more. The shim implements it
// on top of janus_callbacks; unit tests implement it with a recording fake.
#pragma once

#include <cstdint>
#include <string>

#include "core/json.hpp"

namespace counsel {

using HandleId = std::uint64_t;

class Gateway {
public:
    virtual ~Gateway() = default;
    // An answer (with the request's transaction) or an event (empty transaction).
    virtual void push_event(HandleId handle, const std::string& transaction, const Json& event) = 0;
    // Tear down the handle's PeerConnection, if it has one.
    virtual void close_pc(HandleId handle) = 0;
    // An event for Janus's event handlers; it must carry no personal data.
    virtual void notify_event(const Json& event) = 0;
    // An operational log line; callers never put personal data in it.
    enum class Level { Error = 2, Warn = 3, Info = 4, Verbose = 5 };
    virtual void log(Level level, const std::string& line) = 0;
};

}  // namespace counsel
