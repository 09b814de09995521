#include "store/postgres_room_ledger.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <cstdlib>

namespace counsel {
namespace {

constexpr int kTombstoned = 2;

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS counsel_rooms ("
    " digest bytea PRIMARY KEY CHECK (octet_length(digest) = 32),"
    " state smallint NOT NULL CHECK (state IN (1, 2)),"
    " node text,"
    " CHECK ((state = 1) = (node IS NOT NULL)))";

}  // namespace

struct PostgresRoomLedger::Result {
    std::unique_ptr<PGresult, void (*)(PGresult*)> res{nullptr, PQclear};
    bool ok() const {
        const ExecStatusType s = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
        return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
    }
    // Rows a command changed (0 unless it succeeded).
    int changed() const { return ok() ? std::atoi(PQcmdTuples(res.get())) : 0; }
};

bool PostgresRoomLedger::valid_node_id(const std::string& id) {
    if (id.empty() || id.size() > 64) return false;
    for (char c : id)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-'))
            return false;
    return true;
}

bool PostgresRoomLedger::connect(std::string& error) {
    if (conn_) PQfinish(conn_);
    const std::string timeout = std::to_string(settings_.connect_timeout_s);
    // Every statement of ours is small: a stuck server must not hold the room
    // thread longer than this; writes are durable before the answer.
    const std::string options =
        "-c statement_timeout=" + std::to_string(settings_.statement_timeout_ms) + " -c synchronous_commit=on";
    // dbname first with expand_dbname: the admin's conninfo, then our settings on top.
    const char* keys[] = {"dbname", "connect_timeout", "options", "application_name", nullptr};
    const char* values[] = {settings_.conninfo.c_str(), timeout.c_str(), options.c_str(), "janus-counsel", nullptr};
    conn_ = PQconnectdbParams(keys, values, 1);
    if (conn_ && PQstatus(conn_) == CONNECTION_OK) return true;
    // libpq's sentence names host, port and user at most, never the password.
    error = "cannot connect to PostgreSQL: " + std::string(conn_ ? PQerrorMessage(conn_) : "out of memory");
    while (!error.empty() && (error.back() == '\n' || error.back() == ' ')) error.pop_back();
    return false;
}

PostgresRoomLedger::Result PostgresRoomLedger::run(const char* sql, const Digest* digest, const std::string* text) {
    const char* values[2] = {nullptr, nullptr};
    int lengths[2] = {0, 0};
    int formats[2] = {1, 0};  // the digest as binary, the node id as text
    int count = 0;
    if (digest) {
        values[count] = reinterpret_cast<const char*>(digest->data());
        lengths[count] = static_cast<int>(digest->size());
        formats[count] = 1;
        ++count;
    }
    if (text) {
        values[count] = text->c_str();
        lengths[count] = 0;
        formats[count] = 0;
        ++count;
    }
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
            const auto now = std::chrono::steady_clock::now();
            if (now < retry_after_) return Result{};
            std::string ignored;
            if (!connect(ignored)) {
                using std::chrono::milliseconds;
                backoff_ = std::min(backoff_.count() == 0 ? milliseconds(1000) : backoff_ * 2, milliseconds(10000));
                retry_after_ = now + backoff_;
                return Result{};
            }
            backoff_ = std::chrono::milliseconds(0);
        }
        Result result;
        result.res.reset(PQexecParams(conn_, sql, count, nullptr, values, lengths, formats, 0));
        // An error on a live connection (a constraint, a timeout) is the answer;
        // only a lost connection is worth one more try.
        if (result.ok() || PQstatus(conn_) == CONNECTION_OK) return result;
    }
    return Result{};
}

std::unique_ptr<PostgresRoomLedger> PostgresRoomLedger::open(const PostgresSettings& settings, std::string& error) {
    if (settings.conninfo.empty()) {
        error = "postgres_conninfo must be set when store = \"postgres\"";
        return nullptr;
    }
    if (!valid_node_id(settings.node_id)) {
        error = "node_id must be 1..64 of A-Z a-z 0-9 . _ - when store = \"postgres\" (each node its own)";
        return nullptr;
    }
    auto ledger = std::make_unique<PostgresRoomLedger>(Passkey{}, settings);
    if (!ledger->connect(error)) return nullptr;
    // Two nodes starting at once may race on CREATE TABLE IF NOT EXISTS: the loser's
    // error is harmless when the table is there afterwards.
    if (!ledger->run(kSchema, nullptr, nullptr).ok() &&
        !ledger->run("SELECT 1 FROM counsel_rooms LIMIT 1", nullptr, nullptr).ok()) {
        error = "cannot create the table counsel_rooms: " + std::string(PQerrorMessage(ledger->conn_));
        return nullptr;
    }
    const Result swept = ledger->run("UPDATE counsel_rooms SET state = 2, node = NULL WHERE state = 1 AND node = $1",
                                     nullptr, &settings.node_id);
    if (!swept.ok()) {
        error = "cannot tombstone rooms this node left live: " + std::string(PQerrorMessage(ledger->conn_));
        return nullptr;
    }
    ledger->tombstoned_at_open_ = swept.changed();
    return ledger;
}

PostgresRoomLedger::~PostgresRoomLedger() {
    if (conn_) PQfinish(conn_);
}

bool PostgresRoomLedger::open_room(const Digest& room) {
    // A conflict (the id was ever used, on any node) inserts nothing.
    return run("INSERT INTO counsel_rooms (digest, state, node) VALUES ($1, 1, $2) ON CONFLICT (digest) DO NOTHING",
               &room, &settings_.node_id)
               .changed() == 1;
}

bool PostgresRoomLedger::tombstone(const Digest& room) {
    return run("INSERT INTO counsel_rooms (digest, state, node) VALUES ($1, 2, NULL) "
               "ON CONFLICT (digest) DO UPDATE SET state = 2, node = NULL",
               &room, nullptr)
               .changed() == 1;
}

LedgerState PostgresRoomLedger::state(const Digest& room) {
    const Result result = run("SELECT state FROM counsel_rooms WHERE digest = $1", &room, nullptr);
    if (!result.ok() || PQntuples(result.res.get()) != 1) return LedgerState::Unknown;
    return std::atoi(PQgetvalue(result.res.get(), 0, 0)) == kTombstoned ? LedgerState::Tombstoned : LedgerState::Live;
}

}  // namespace counsel
