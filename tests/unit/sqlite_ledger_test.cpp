// The SQLite room ledger on a real file in a fresh temporary folder: ids are
// single-use, tombstones are durable, a reopen tombstones rooms left live, the
// files are private to the owner and hold digests only.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>

#include "core/credentials.hpp"
#include "store/sqlite_room_ledger.hpp"
#include "support/scenario.hpp"

using namespace counsel;
using namespace counsel::testing;

namespace {

struct TempDir {
    std::string path;
    TempDir() {
        char name[] = "/tmp/counsel-ledger-XXXXXX";
        if (!mkdtemp(name)) std::abort();
        path = name;
    }
    ~TempDir() {
        if (DIR* dir = opendir(path.c_str())) {
            while (dirent* entry = readdir(dir)) {
                const std::string name = entry->d_name;
                if (name != "." && name != "..") unlink((path + "/" + name).c_str());
            }
            closedir(dir);
        }
        rmdir(path.c_str());
    }
    std::vector<std::string> files() const {
        std::vector<std::string> out;
        if (DIR* dir = opendir(path.c_str())) {
            while (dirent* entry = readdir(dir)) {
                const std::string name = entry->d_name;
                if (name != "." && name != "..") out.push_back(path + "/" + name);
            }
            closedir(dir);
        }
        return out;
    }
    // Every byte of every file in the folder (db, -wal, -shm).
    std::string all_bytes() const {
        std::string out;
        for (const auto& file : files()) {
            std::ifstream in(file, std::ios::binary);
            out.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        }
        return out;
    }
};

std::unique_ptr<SqliteRoomLedger> open_ledger(const std::string& path) {
    std::string error;
    auto ledger = SqliteRoomLedger::open(path, error);
    if (!ledger) std::fprintf(stderr, "open %s: %s\n", path.c_str(), error.c_str());
    assert_non_null(ledger.get());
    assert_true(error.empty());
    return ledger;
}

int state(SqliteRoomLedger& ledger, const std::string& room) { return static_cast<int>(ledger.state(room_digest(room))); }

constexpr int kUnknown = static_cast<int>(LedgerState::Unknown);
constexpr int kLive = static_cast<int>(LedgerState::Live);
constexpr int kTombstoned = static_cast<int>(LedgerState::Tombstoned);

void an_id_opens_once(void**) {
    TempDir dir;
    auto ledger = open_ledger(dir.path + "/state.db");
    const std::string room = random_token();
    assert_int_equal(state(*ledger, room), kUnknown);
    assert_true(ledger->open_room(room_digest(room)));
    assert_int_equal(state(*ledger, room), kLive);
    assert_false(ledger->open_room(room_digest(room)));
    assert_int_equal(state(*ledger, room), kLive);
    // A tombstoned id cannot be opened again either.
    assert_true(ledger->tombstone(room_digest(room)));
    assert_false(ledger->open_room(room_digest(room)));
    assert_int_equal(state(*ledger, room), kTombstoned);
    // Other ids are unaffected.
    const std::string other = random_token();
    assert_int_equal(state(*ledger, other), kUnknown);
    assert_true(ledger->open_room(room_digest(other)));
}

void tombstones_are_kept(void**) {
    TempDir dir;
    const std::string path = dir.path + "/state.db";
    const std::string room = random_token(), never_opened = random_token();
    {
        auto ledger = open_ledger(path);
        assert_true(ledger->open_room(room_digest(room)));
        assert_true(ledger->tombstone(room_digest(room)));
        assert_true(ledger->tombstone(room_digest(room)));  // idempotent
        // A tombstone for an id the ledger never saw (a room whose open was lost).
        assert_true(ledger->tombstone(room_digest(never_opened)));
        assert_int_equal(state(*ledger, never_opened), kTombstoned);
    }
    auto reopened = open_ledger(path);
    assert_int_equal(reopened->tombstoned_at_open(), 0);
    assert_int_equal(state(*reopened, room), kTombstoned);
    assert_int_equal(state(*reopened, never_opened), kTombstoned);
}

void reopening_tombstones_rooms_left_live(void**) {
    TempDir dir;
    const std::string path = dir.path + "/state.db";
    const std::string live1 = random_token(), live2 = random_token(), ended = random_token();
    {
        auto ledger = open_ledger(path);
        assert_int_equal(ledger->tombstoned_at_open(), 0);
        for (const auto& room : {live1, live2, ended}) assert_true(ledger->open_room(room_digest(room)));
        assert_true(ledger->tombstone(room_digest(ended)));
    }  // the process "dies" with two rooms live
    auto reopened = open_ledger(path);
    assert_int_equal(reopened->tombstoned_at_open(), 2);
    assert_int_equal(state(*reopened, live1), kTombstoned);
    assert_int_equal(state(*reopened, live2), kTombstoned);
    assert_int_equal(state(*reopened, ended), kTombstoned);
    assert_false(reopened->open_room(room_digest(live1)));
    reopened.reset();
    assert_int_equal(open_ledger(path)->tombstoned_at_open(), 0);
}

void a_service_on_the_ledger_refuses_old_rooms_after_a_restart(void**) {
    TempDir dir;
    const std::string path = dir.path + "/state.db";
    Session s;
    {
        auto ledger = open_ledger(path);
        RecordingGateway gateway;
        ManualClock clock;
        RoomService service(test_config(), gateway, *ledger, clock);
        service.handle(kPractitioner, "c", Json::adopt(json_loads(create_body("\"invitees\":[{\"label\":\"A\"}]").c_str(), 0, nullptr)), Json());
        s = session_from(gateway.pushed.at(0).event);
        assert_int_equal(state(*ledger, s.room), kLive);
    }
    auto ledger = open_ledger(path);
    RecordingGateway gateway;
    ManualClock clock;
    RoomService service(test_config(), gateway, *ledger, clock);
    service.handle(kGuestA, "j", Json::adopt(json_loads(("{\"request\":\"join\",\"room\":\"" + s.room + "\",\"token\":\"" +
                                                         s.tokens[0] + "\",\"display\":\"Anna\"}").c_str(), 0, nullptr)), Json());
    expect_error(gateway.pushed.at(0).event, 483);
}

void the_files_are_private_to_the_owner(void**) {
    TempDir dir;
    const mode_t old_mask = umask(0);  // a careless environment
    {
        auto ledger = open_ledger(dir.path + "/state.db");
        assert_true(ledger->open_room(room_digest(random_token())));
        assert_true(ledger->tombstone(room_digest(random_token())));
        const std::vector<std::string> files = dir.files();
        assert_true(files.size() >= 2);  // state.db and its -wal (and -shm)
        for (const auto& file : files) {
            struct stat st;
            assert_int_equal(stat(file.c_str(), &st), 0);
            if (st.st_mode & 077) std::fprintf(stderr, "%s has mode %o\n", file.c_str(), st.st_mode & 0777);
            assert_int_equal(st.st_mode & 077, 0);
        }
    }
    // A missing folder is created private too.
    const std::string nested = dir.path + "/sub";
    {
        auto ledger = open_ledger(nested + "/state.db");
        assert_true(ledger->open_room(room_digest(random_token())));
        struct stat st;
        assert_int_equal(stat(nested.c_str(), &st), 0);
        assert_int_equal(st.st_mode & 077, 0);
        assert_int_equal(stat((nested + "/state.db").c_str(), &st), 0);
        assert_int_equal(st.st_mode & 077, 0);
    }
    umask(old_mask);
    unlink((nested + "/state.db").c_str());
    unlink((nested + "/state.db-wal").c_str());
    unlink((nested + "/state.db-shm").c_str());
    rmdir(nested.c_str());
}

void an_unusable_path_is_an_error(void**) {
    std::string error;
    auto ledger = SqliteRoomLedger::open("/proc/counsel-no-such-dir/state.db", error);
    assert_null(ledger.get());
    assert_false(error.empty());
}

void the_file_holds_digests_only(void**) {
    TempDir dir;
    const std::string path = dir.path + "/state.db";
    auto ledger = open_ledger(path);
    RecordingGateway gateway;
    ManualClock clock;
    RoomService service(test_config(), gateway, *ledger, clock);
    int txn = 0;
    auto send = [&](HandleId handle, const std::string& text) {
        const std::string id = "s" + std::to_string(++txn);
        service.handle(handle, id, Json::adopt(json_loads(text.c_str(), 0, nullptr)), Json());
        for (const auto& p : gateway.pushed)
            if (p.transaction == id) return p.event;
        return Json();
    };
    Session s = session_from(send(kPractitioner, create_body("\"invitees\":[{\"label\":\"ZqxLabelMarker\"}],"
                                                             "\"title\":\"ZqxTitleMarker\",\"password\":true")));
    expect_kind(send(kModerator, "{\"request\":\"join\",\"room\":\"" + s.room + "\",\"token\":\"" + s.moderator_token +
                                     "\",\"display\":\"ZqxModeratorMarker\"}"),
                "joined");
    expect_kind(send(kGuestA, "{\"request\":\"join\",\"room\":\"" + s.room + "\",\"token\":\"" + s.tokens[0] +
                                  "\",\"display\":\"ZqxGuestMarker\"}"),
                "waiting");
    expect_kind(send(kModerator, "{\"request\":\"end\"}"), "ended");
    Session live = session_from(send(kPractitioner, create_body("\"invitees\":[{\"label\":\"ZqxLabelMarker\"}]")));

    const std::string bytes = dir.all_bytes();
    assert_true(bytes.size() > 0);
    // The digests are there (so the search below looks at the right bytes)...
    const Digest digest = room_digest(s.room);
    assert_true(contains(bytes, std::string(reinterpret_cast<const char*>(digest.data()), digest.size())));
    // ...and nothing else of the sessions.
    for (const std::string& secret : {s.room, live.room, s.moderator_token, s.tokens[0], s.password, live.tokens[0],
                                      std::string("Zqx"), hex(digest)})
        assert_false(contains(bytes, secret));
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(an_id_opens_once),
        cmocka_unit_test(tombstones_are_kept),
        cmocka_unit_test(reopening_tombstones_rooms_left_live),
        cmocka_unit_test(a_service_on_the_ledger_refuses_old_rooms_after_a_restart),
        cmocka_unit_test(the_files_are_private_to_the_owner),
        cmocka_unit_test(an_unusable_path_is_an_error),
        cmocka_unit_test(the_file_holds_digests_only),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
