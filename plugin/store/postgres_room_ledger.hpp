// RoomLedger on PostgreSQL, for several Janus nodes sharing one store: the
// primary key on the digest makes a room id single-use across every node, and
// a node's crash sweep touches only the rooms that node left live.
//
// Table counsel_rooms (digest bytea primary key, state smallint, node text):
// a live room names its node; a tombstone is the digest and the state only.
// Every write commits synchronously before the call returns. A lost connection
// is retried once per call; while PostgreSQL is unreachable every call fails
// closed (false / Unknown), and connect_timeout + statement_timeout bound how
// long the room thread can wait; after a failed connect the next attempt waits
// (1 s, doubling to 10 s), so an outage costs the room thread at most one
// connect_timeout per pause instead of one per call.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/ports/room_ledger.hpp"

struct pg_conn;

namespace counsel {

struct PostgresSettings {
    std::string conninfo;  // libpq connection string; never logged (it may hold a password)
    std::string node_id;   // this node's name in the shared store
    int connect_timeout_s = 2;
    int statement_timeout_ms = 5000;
};

class PostgresRoomLedger final : public RoomLedger {
public:
    // Connects, creates the table if needed and tombstones the rooms this node
    // left live. nullptr with `error` set when the store cannot be used.
    static std::unique_ptr<PostgresRoomLedger> open(const PostgresSettings& settings, std::string& error);
    ~PostgresRoomLedger() override;

    bool open_room(const Digest& room) override;
    bool tombstone(const Digest& room) override;
    LedgerState state(const Digest& room) override;

    int tombstoned_at_open() const { return tombstoned_at_open_; }
    // A node id the store accepts: 1..64 of [A-Za-z0-9._-].
    static bool valid_node_id(const std::string& id);

    struct Passkey {
        explicit Passkey() = default;
    };
    PostgresRoomLedger(Passkey, PostgresSettings settings) : settings_(std::move(settings)) {}

private:
    struct Result;
    // Runs a statement with binary digest parameter $1 (and text $2 when given);
    // reconnects and retries once when the connection was lost.
    Result run(const char* sql, const Digest* digest, const std::string* text);
    bool connect(std::string& error);
    PostgresSettings settings_;
    pg_conn* conn_ = nullptr;
    int tombstoned_at_open_ = 0;
    std::chrono::steady_clock::time_point retry_after_{};
    std::chrono::milliseconds backoff_{0};
};

}  // namespace counsel
