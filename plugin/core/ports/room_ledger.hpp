// The durable record of every room id ever issued: live while the room runs,
// a tombstone once it ended. It holds hashes of room ids and nothing else, so
// it carries no personal data, and it is what makes a room id single-use
// across crashes and restarts.
#pragma once

#include "core/credentials.hpp"

namespace counsel {

enum class LedgerState { Unknown, Live, Tombstoned };

class RoomLedger {
public:
    virtual ~RoomLedger() = default;
    // Records a new room as live; false if the id was ever used or the write failed.
    virtual bool open_room(const Digest& room) = 0;
    // Turns the room into a tombstone, durably, before returning; false on a write failure.
    virtual bool tombstone(const Digest& room) = 0;
    virtual LedgerState state(const Digest& room) = 0;
};

}  // namespace counsel
