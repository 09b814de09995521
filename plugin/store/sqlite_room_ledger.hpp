// RoomLedger on SQLite (WAL, synchronous=FULL): a write is on disk before the
// call returns, so a tombstone survives SIGKILL.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/ports/room_ledger.hpp"

struct sqlite3;

namespace counsel {

class SqliteRoomLedger final : public RoomLedger {
public:
    // Opens (creating if needed) the store and tombstones every room that was
    // still live: its purge could not run, so it must never be used again.
    // Returns nullptr and sets `error` when the store cannot be used.
    static std::unique_ptr<SqliteRoomLedger> open(const std::string& path, std::string& error);
    ~SqliteRoomLedger() override;

    bool open_room(const Digest& room) override;
    bool tombstone(const Digest& room) override;
    LedgerState state(const Digest& room) override;

    // How many live rooms were tombstoned when the store was opened.
    int tombstoned_at_open() const { return tombstoned_at_open_; }

    struct Passkey {
        explicit Passkey() = default;
    };
    SqliteRoomLedger(Passkey, sqlite3* db) : db_(db) {}

private:
    bool exec(const char* sql);
    sqlite3* db_;
    int tombstoned_at_open_ = 0;
};

}  // namespace counsel
