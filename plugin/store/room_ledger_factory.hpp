// The room ledger the configuration asks for: SQLite on this node (the
// default), or PostgreSQL shared by several nodes (store = "postgres").
#pragma once

#include <memory>
#include <string>

#include "core/ports/room_ledger.hpp"

namespace counsel {

struct LedgerSettings {
    std::string store = "sqlite";  // "sqlite" | "postgres"
    std::string state_db;          // sqlite: the file
    std::string postgres_conninfo; // postgres: libpq connection string (never logged)
    std::string node_id;           // postgres: this node's name in the shared store
};

struct OpenedLedger {
    std::unique_ptr<RoomLedger> ledger;  // null when it could not be opened (see error)
    int tombstoned_at_open = 0;          // rooms this node left live, tombstoned now
    std::string error;
};

OpenedLedger open_room_ledger(const LedgerSettings& settings);

}  // namespace counsel
