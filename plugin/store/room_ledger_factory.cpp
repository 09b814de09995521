#include "store/room_ledger_factory.hpp"

#include "store/postgres_room_ledger.hpp"
#include "store/sqlite_room_ledger.hpp"

namespace counsel {

OpenedLedger open_room_ledger(const LedgerSettings& settings) {
    OpenedLedger out;
    if (settings.store == "sqlite") {
        if (!settings.postgres_conninfo.empty())
            out.error = "postgres_conninfo is set but store is \"sqlite\": set store = \"postgres\" or remove it";
        else if (auto sqlite = SqliteRoomLedger::open(settings.state_db, out.error)) {
            out.tombstoned_at_open = sqlite->tombstoned_at_open();
            out.ledger = std::move(sqlite);
        }
    } else if (settings.store == "postgres") {
        PostgresSettings pg;
        pg.conninfo = settings.postgres_conninfo;
        pg.node_id = settings.node_id;
        if (auto postgres = PostgresRoomLedger::open(pg, out.error)) {
            out.tombstoned_at_open = postgres->tombstoned_at_open();
            out.ledger = std::move(postgres);
        }
    } else {
        out.error = "store must be \"sqlite\" or \"postgres\"";
    }
    return out;
}

}  // namespace counsel
