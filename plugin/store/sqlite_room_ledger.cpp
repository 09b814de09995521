#include "store/sqlite_room_ledger.hpp"

#include <sqlite3.h>
#include <sys/stat.h>

namespace counsel {
namespace {

constexpr int kLive = 1;
constexpr int kTombstoned = 2;

// A prepared statement that finalizes itself.
class Statement {
public:
    Statement(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
    ~Statement() { sqlite3_finalize(stmt_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    bool ok() const { return stmt_ != nullptr; }
    void bind(int index, const Digest& digest) {
        sqlite3_bind_blob(stmt_, index, digest.data(), static_cast<int>(digest.size()), SQLITE_TRANSIENT);
    }
    void bind(int index, int value) { sqlite3_bind_int(stmt_, index, value); }
    int step() { return sqlite3_step(stmt_); }
    int column_int(int index) { return sqlite3_column_int(stmt_, index); }

private:
    sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace

std::unique_ptr<SqliteRoomLedger> SqliteRoomLedger::open(const std::string& path, std::string& error) {
    // The folder and the file hold no personal data, but nobody else needs them.
    if (auto slash = path.rfind('/'); slash != std::string::npos && slash > 0) {
        const std::string folder = path.substr(0, slash);
        struct stat st;
        if (stat(folder.c_str(), &st) != 0 && mkdir(folder.c_str(), 0700) != 0) {
            error = "cannot create the folder of state_db";
            return nullptr;
        }
    }
    sqlite3* db = nullptr;
    // The file holds no personal data, but nobody else needs to read it either.
    const mode_t old_mask = umask(077);
    const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                                   nullptr);
    umask(old_mask);
    if (rc != SQLITE_OK) {
        error = "cannot open state_db: " + std::string(db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return nullptr;
    }
    auto ledger = std::make_unique<SqliteRoomLedger>(Passkey{}, db);
    sqlite3_busy_timeout(db, 2000);
    if (!ledger->exec("PRAGMA journal_mode=WAL") || !ledger->exec("PRAGMA synchronous=FULL") ||
        !ledger->exec("CREATE TABLE IF NOT EXISTS rooms (digest BLOB PRIMARY KEY, state INTEGER NOT NULL) WITHOUT ROWID")) {
        error = "cannot initialise state_db: " + std::string(sqlite3_errmsg(db));
        return nullptr;
    }
    Statement sweep(db, "UPDATE rooms SET state = ?1 WHERE state = ?2");
    sweep.bind(1, kTombstoned);
    sweep.bind(2, kLive);
    if (!sweep.ok() || sweep.step() != SQLITE_DONE) {
        error = "cannot tombstone rooms left live by a crash: " + std::string(sqlite3_errmsg(db));
        return nullptr;
    }
    ledger->tombstoned_at_open_ = sqlite3_changes(db);
    return ledger;
}

SqliteRoomLedger::~SqliteRoomLedger() { sqlite3_close(db_); }

bool SqliteRoomLedger::exec(const char* sql) { return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) == SQLITE_OK; }

bool SqliteRoomLedger::open_room(const Digest& room) {
    Statement insert(db_, "INSERT INTO rooms (digest, state) VALUES (?1, ?2)");
    if (!insert.ok()) return false;
    insert.bind(1, room);
    insert.bind(2, kLive);
    return insert.step() == SQLITE_DONE;  // a constraint failure means the id was used before
}

bool SqliteRoomLedger::tombstone(const Digest& room) {
    Statement upsert(db_,
                     "INSERT INTO rooms (digest, state) VALUES (?1, ?2) "
                     "ON CONFLICT(digest) DO UPDATE SET state = excluded.state");
    if (!upsert.ok()) return false;
    upsert.bind(1, room);
    upsert.bind(2, kTombstoned);
    return upsert.step() == SQLITE_DONE;
}

LedgerState SqliteRoomLedger::state(const Digest& room) {
    Statement query(db_, "SELECT state FROM rooms WHERE digest = ?1");
    if (!query.ok()) return LedgerState::Unknown;
    query.bind(1, room);
    if (query.step() != SQLITE_ROW) return LedgerState::Unknown;
    return query.column_int(0) == kTombstoned ? LedgerState::Tombstoned : LedgerState::Live;
}

}  // namespace counsel
