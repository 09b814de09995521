// The PostgreSQL room ledger against a real server (tests/tools/pg_sandbox.sh
// starts one on 127.0.0.1 and passes COUNSEL_TEST_PG_CONNINFO): ids are
// single-use across nodes, a node's start-up sweep tombstones only its own
// live rooms, tombstones hold the digest and the state only, bad settings and
// an unreachable server fail closed without the password in any error, and
// the ledger works again once the server is back.
#include <libpq-fe.h>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "core/credentials.hpp"
#include "store/postgres_room_ledger.hpp"
#include "store/room_ledger_factory.hpp"
#include "support/scenario.hpp"

using namespace counsel;
using namespace counsel::testing;

namespace {

constexpr int kUnknown = static_cast<int>(LedgerState::Unknown);
constexpr int kLive = static_cast<int>(LedgerState::Live);
constexpr int kTombstoned = static_cast<int>(LedgerState::Tombstoned);

std::string conninfo() {
    const char* c = std::getenv("COUNSEL_TEST_PG_CONNINFO");
    if (!c || !*c) {
        std::fprintf(stderr, "COUNSEL_TEST_PG_CONNINFO is not set: run through tests/tools/pg_sandbox.sh\n");
        std::abort();
    }
    return c;
}

std::string password() {
    const std::string c = conninfo();
    const auto at = c.find("password=");
    return at == std::string::npos ? std::string() : c.substr(at + 9);
}

std::unique_ptr<PostgresRoomLedger> open_node(const std::string& node) {
    PostgresSettings s;
    s.conninfo = conninfo();
    s.node_id = node;
    std::string error;
    auto ledger = PostgresRoomLedger::open(s, error);
    if (!ledger) std::fprintf(stderr, "open node %s: %s\n", node.c_str(), error.c_str());
    assert_non_null(ledger.get());
    return ledger;
}

std::string fresh_node() { return "node-" + random_token().substr(0, 8); }

int state(RoomLedger& ledger, const std::string& room) { return static_cast<int>(ledger.state(room_digest(room))); }

// A direct query, for what the ledger's interface does not show.
std::string query_one(const std::string& sql) {
    PGconn* c = PQconnectdb(conninfo().c_str());
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    PGresult* r = PQexec(c, sql.c_str());
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    std::string out = PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
    PQclear(r);
    PQfinish(c);
    return out;
}

void sandbox(const char* verb) {
    const char* dir = std::getenv("COUNSEL_TEST_PG_DIR");
    assert_non_null(dir);
    const std::string cmd = std::string(COUNSEL_SOURCE_DIR) + "/tests/tools/pg_sandbox.sh " + verb + " " + dir;
    assert_int_equal(std::system(cmd.c_str()), 0);
}

void an_id_opens_once_on_any_node(void**) {
    auto a = open_node(fresh_node());
    auto b = open_node(fresh_node());
    const std::string room = random_token();
    assert_int_equal(state(*a, room), kUnknown);
    assert_true(a->open_room(room_digest(room)));
    assert_false(a->open_room(room_digest(room)));
    // Node B sees it live and can never open it.
    assert_int_equal(state(*b, room), kLive);
    assert_false(b->open_room(room_digest(room)));
    // Ended on A: a tombstone everywhere, and still never opened again.
    assert_true(a->tombstone(room_digest(room)));
    assert_true(a->tombstone(room_digest(room)));  // idempotent
    assert_int_equal(state(*b, room), kTombstoned);
    assert_false(b->open_room(room_digest(room)));
    assert_false(a->open_room(room_digest(room)));
    // A tombstone for an id nobody opened (a room whose open was lost).
    const std::string lost = random_token();
    assert_true(b->tombstone(room_digest(lost)));
    assert_int_equal(state(*a, lost), kTombstoned);
}

void a_start_sweeps_only_this_nodes_live_rooms(void**) {
    const std::string node_a = fresh_node(), node_b = fresh_node();
    const std::string of_a = random_token(), of_b = random_token();
    {
        auto a = open_node(node_a);
        auto b = open_node(node_b);
        assert_true(a->open_room(room_digest(of_a)));
        assert_true(b->open_room(room_digest(of_b)));
    }
    // B restarts (after a crash): its own room is tombstoned, A's stays live.
    auto b = open_node(node_b);
    assert_int_equal(b->tombstoned_at_open(), 1);
    assert_int_equal(state(*b, of_b), kTombstoned);
    assert_int_equal(state(*b, of_a), kLive);
    auto a = open_node(node_a);
    assert_int_equal(a->tombstoned_at_open(), 1);
    assert_int_equal(state(*b, of_a), kTombstoned);
}

void tombstones_hold_a_digest_and_a_state_only(void**) {
    auto a = open_node(fresh_node());
    const std::string room = random_token();
    assert_true(a->open_room(room_digest(room)));
    assert_true(a->tombstone(room_digest(room)));
    assert_string_equal(query_one("SELECT string_agg(column_name || ':' || data_type, ',' ORDER BY ordinal_position) "
                                  "FROM information_schema.columns WHERE table_name = 'counsel_rooms'")
                            .c_str(),
                        "digest:bytea,state:smallint,node:text");
    // Only the hash: not the id, and no node on a tombstone.
    assert_string_equal(query_one("SELECT count(*) FROM counsel_rooms WHERE state = 2 AND node IS NOT NULL").c_str(), "0");
    assert_string_equal(query_one("SELECT count(*) FROM counsel_rooms WHERE octet_length(digest) <> 32").c_str(), "0");
    assert_string_equal(
        query_one("SELECT count(*) FROM counsel_rooms WHERE position(convert_to('" + room + "', 'UTF8') in digest) > 0")
            .c_str(),
        "0");
}

void bad_settings_are_refused_with_a_sentence(void**) {
    std::string error;
    PostgresSettings s;
    s.node_id = "a";
    assert_null(PostgresRoomLedger::open(s, error).get());
    assert_non_null(std::strstr(error.c_str(), "postgres_conninfo"));
    s.conninfo = conninfo();
    for (const char* bad : {"", "has space", "semi;colon", "x'y"}) {
        s.node_id = bad;
        error.clear();
        assert_null(PostgresRoomLedger::open(s, error).get());
        assert_non_null(std::strstr(error.c_str(), "node_id"));
    }
    s.node_id = std::string(65, 'n');
    assert_null(PostgresRoomLedger::open(s, error).get());
    // The factory: unknown store kinds, and a conninfo left next to sqlite.
    LedgerSettings f;
    f.store = "mysql";
    assert_null(open_room_ledger(f).ledger.get());
    f.store = "sqlite";
    f.state_db = "/tmp/unused.db";
    f.postgres_conninfo = conninfo();
    OpenedLedger o = open_room_ledger(f);
    assert_null(o.ledger.get());
    assert_non_null(std::strstr(o.error.c_str(), "store"));
    assert_null(std::strstr(o.error.c_str(), password().c_str()));
}

void a_wrong_password_or_port_fails_without_echoing_it(void**) {
    const std::string pw = password();
    assert_true(pw.size() >= 16);
    PostgresSettings s;
    s.node_id = "n";
    s.conninfo = conninfo().substr(0, conninfo().find("password=")) + "password=Wrong" + pw;
    std::string error;
    assert_null(PostgresRoomLedger::open(s, error).get());
    assert_false(error.empty());
    assert_null(std::strstr(error.c_str(), pw.c_str()));
    s.conninfo = "host=127.0.0.1 port=1 dbname=postgres user=counsel password=" + pw;
    error.clear();
    assert_null(PostgresRoomLedger::open(s, error).get());
    assert_non_null(std::strstr(error.c_str(), "cannot connect"));
    assert_null(std::strstr(error.c_str(), pw.c_str()));
}

void an_outage_fails_closed_and_the_ledger_recovers(void**) {
    auto a = open_node(fresh_node());
    const std::string before = random_token(), during = random_token();
    assert_true(a->open_room(room_digest(before)));
    sandbox("pause");
    assert_false(a->open_room(room_digest(during)));
    assert_false(a->tombstone(room_digest(before)));
    assert_int_equal(state(*a, before), kUnknown);
    // Failing again at once costs no new connect (the pause after a failed one).
    const auto quick = std::chrono::steady_clock::now();
    assert_false(a->open_room(room_digest(during)));
    assert_true(std::chrono::steady_clock::now() - quick < std::chrono::milliseconds(100));
    sandbox("resume");
    // The same ledger reconnects once its pause is over (at most 10 s).
    int now_state = kUnknown;
    for (int i = 0; i < 150 && now_state == kUnknown; ++i) {
        now_state = state(*a, before);
        if (now_state == kUnknown) usleep(100 * 1000);
    }
    assert_int_equal(now_state, kLive);
    assert_true(a->open_room(room_digest(during)));
    assert_true(a->tombstone(room_digest(before)));
    assert_int_equal(state(*a, before), kTombstoned);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(an_id_opens_once_on_any_node),
        cmocka_unit_test(a_start_sweeps_only_this_nodes_live_rooms),
        cmocka_unit_test(tombstones_hold_a_digest_and_a_state_only),
        cmocka_unit_test(bad_settings_are_refused_with_a_sentence),
        cmocka_unit_test(a_wrong_password_or_port_fails_without_echoing_it),
        cmocka_unit_test(an_outage_fails_closed_and_the_ledger_recovers),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
