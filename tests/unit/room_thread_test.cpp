// The room thread: jobs posted from many threads run one at a time on one
// thread, in order per poster; `call` waits for its job (or gives up and drops
// it); stop() and the destructor end every room with reason "shutdown".
// The fakes are not thread-safe: only jobs on the room thread touch them
// while it runs, and the test reads them inside `call` or after stop().
#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "core/credentials.hpp"
#include "core/room_thread.hpp"
#include "support/scenario.hpp"

using namespace counsel;
using namespace counsel::testing;

namespace {

Json parse(const std::string& text) { return Json::adopt(json_loads(text.c_str(), 0, nullptr)); }

struct Rig {
    RecordingGateway gateway;
    ManualClock clock;
    MemoryLedger ledger;
    RoomThread thread{test_config(), gateway, ledger, clock};
    int txn = 0;

    // Sends a request on the room thread and returns (a deep copy of) its answer.
    Json ask(HandleId handle, const std::string& body) {
        const std::string id = "call" + std::to_string(++txn);
        Json answer;
        const bool ran = thread.call(
            [&](RoomService& service) {
                service.handle(handle, id, parse(body), Json());
                for (const auto& p : gateway.pushed)
                    if (p.transaction == id) answer = Json::adopt(json_deep_copy(p.event.get()));
            },
            5000);
        assert_true(ran);
        return answer;
    }
    Session open_room() {
        Json created = ask(kPractitioner, create_body("\"invitees\":[{\"label\":\"A\"},{\"label\":\"B\"}]"));
        expect_kind(created, "created");
        return session_from(created);
    }
    Json join(HandleId handle, const std::string& room, const std::string& token, const std::string& display) {
        return ask(handle, "{\"request\":\"join\",\"room\":\"" + room + "\",\"token\":\"" + token + "\",\"display\":\"" +
                               display + "\"}");
    }
};

void posts_from_many_threads_run_one_at_a_time_in_order(void**) {
    Rig rig;
    constexpr int kPosters = 8, kJobs = 250;
    // Touched only by jobs: if two jobs ever ran at once, TSan would see it and
    // the count would come out short.
    long counter = 0;
    std::set<std::thread::id> runners;
    std::atomic<int> ready{0};
    std::vector<std::thread> posters;
    for (int t = 0; t < kPosters; ++t) {
        posters.emplace_back([&, t] {
            ready.fetch_add(1);
            while (ready.load() < kPosters) std::this_thread::yield();  // start together
            for (int j = 0; j < kJobs; ++j) {
                const HandleId handle = 1000 + static_cast<HandleId>(t);
                const std::string txn = std::to_string(t) + ":" + std::to_string(j);
                rig.thread.post([&, handle, txn](RoomService& service) {
                    ++counter;
                    runners.insert(std::this_thread::get_id());
                    service.handle(handle, txn, parse("{\"request\":\"leave\"}"), Json());
                });
            }
        });
    }
    for (auto& poster : posters) poster.join();

    long seen_counter = -1;
    std::set<std::thread::id> seen_runners;
    std::map<int, int> next_per_poster;
    bool in_order = true, all_487 = true;
    std::size_t answers = 0;
    const bool ran = rig.thread.call(
        [&](RoomService&) {
            seen_counter = counter;
            seen_runners = runners;
            for (const auto& p : rig.gateway.pushed) {
                ++answers;
                const auto colon = p.transaction.find(':');
                const int poster = std::stoi(p.transaction.substr(0, colon));
                const int job = std::stoi(p.transaction.substr(colon + 1));
                in_order = in_order && job == next_per_poster[poster]++;
                in_order = in_order && p.handle == 1000 + static_cast<HandleId>(poster);
                all_487 = all_487 && error_code(p.event) == 487;
            }
        },
        10'000);
    assert_true(ran);
    assert_int_equal(seen_counter, kPosters * kJobs);
    assert_int_equal(answers, kPosters * kJobs);
    assert_true(in_order);
    assert_true(all_487);
    assert_int_equal(seen_runners.size(), 1);
    assert_true(*seen_runners.begin() != std::this_thread::get_id());
    for (int t = 0; t < kPosters; ++t) assert_int_equal(next_per_poster[t], kJobs);
}

void concurrent_joins_are_serialised_by_the_room_thread(void**) {
    Rig rig;
    Session s = rig.open_room();
    expect_kind(rig.join(kModerator, s.room, s.moderator_token, "M"), "joined");
    // Four threads race for the same personal link: exactly one may hold it.
    std::vector<std::thread> racers;
    for (int t = 0; t < 4; ++t)
        racers.emplace_back([&, t] {
            rig.thread.post([&, t](RoomService& service) {
                service.handle(2000 + t, "race", parse("{\"request\":\"join\",\"room\":\"" + s.room + "\",\"token\":\"" +
                                                       s.tokens[0] + "\",\"display\":\"R\"}"), Json());
            });
        });
    for (auto& racer : racers) racer.join();
    int waiting = 0, in_use = 0, lobby = -1;
    assert_true(rig.thread.call(
        [&](RoomService& service) {
            for (const auto& p : rig.gateway.pushed) {
                if (p.transaction != "race") continue;
                waiting += counsel_kind(p.event) == "waiting";
                in_use += error_code(p.event) == 490;
            }
            lobby = static_cast<int>(service.stats().lobby);
        },
        5000));
    assert_int_equal(waiting, 1);
    assert_int_equal(in_use, 3);
    assert_int_equal(lobby, 1);
}

void call_waits_for_its_job_or_drops_it(void**) {
    Rig rig;
    std::thread::id ran_on;
    assert_true(rig.thread.call([&](RoomService&) { ran_on = std::this_thread::get_id(); }, 5000));
    assert_true(ran_on != std::thread::id() && ran_on != std::this_thread::get_id());

    // A slow job ahead in the queue: the call times out and its job never runs.
    std::atomic<bool> release{false}, late_job_ran{false};
    rig.thread.post([&](RoomService&) {
        while (!release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    });
    assert_false(rig.thread.call([&](RoomService&) { late_job_ran.store(true); }, 50));
    release.store(true);
    assert_true(rig.thread.call([](RoomService&) {}, 5000));  // the queue has drained past it
    assert_false(late_job_ran.load());
}

void a_throwing_job_does_not_stop_the_thread(void**) {
    Rig rig;
    rig.thread.post([](RoomService&) { throw std::runtime_error("boom"); });
    Session s = rig.open_room();  // still served
    assert_false(s.room.empty());
    std::size_t errors = 0;
    assert_true(rig.thread.call(
        [&](RoomService&) {
            for (const auto& line : rig.gateway.logs) errors += contains(line, "exception");
        },
        5000));
    assert_int_equal(errors, 1);
}

void stop_ends_every_room_with_shutdown(void**) {
    Rig rig;
    Session first = rig.open_room();
    Session second = rig.open_room();
    expect_kind(rig.join(kModerator, first.room, first.moderator_token, "M"), "joined");
    expect_kind(rig.join(kGuestA, first.room, first.tokens[0], "Anna"), "waiting");
    expect_kind(rig.join(kGuestB, second.room, second.tokens[0], "Bert"), "waiting");
    rig.thread.stop();
    // The thread is gone: the fakes are ours to read.
    for (HandleId handle : {kModerator, kGuestA, kGuestB}) {
        Json ended = rig.gateway.last(handle, "ended");
        assert_non_null(ended.get());
        assert_string_equal(str(ended, "reason").c_str(), "shutdown");
        assert_int_equal(closed_count(rig.gateway, handle), 1);
    }
    for (const Session* s : {&first, &second})
        assert_int_equal(static_cast<int>(rig.ledger.state(room_digest(s->room))), static_cast<int>(LedgerState::Tombstoned));
    assert_int_equal(notified_count(rig.gateway, "ended"), 2);
    // Idempotent; afterwards nothing runs any more.
    rig.thread.stop();
    const std::size_t pushed = rig.gateway.pushed.size();
    bool ran = false;
    rig.thread.post([&](RoomService&) { ran = true; });
    assert_false(rig.thread.call([&](RoomService&) { ran = true; }, 50));
    assert_false(ran);
    assert_int_equal(rig.gateway.pushed.size(), pushed);
}

void the_destructor_ends_rooms_too(void**) {
    RecordingGateway gateway;
    ManualClock clock;
    MemoryLedger ledger;
    std::string room;
    {
        RoomThread thread(test_config(), gateway, ledger, clock);
        Json created;
        assert_true(thread.call(
            [&](RoomService& service) {
                service.handle(kPractitioner, "c", parse(create_body("\"invitees\":[{\"label\":\"A\"}]")), Json());
                created = Json::adopt(json_deep_copy(gateway.pushed.at(0).event.get()));
            },
            5000));
        room = str(created, "room");
        const std::string token = str(item(created, "invites", 0), "token");
        thread.post([&, token](RoomService& service) {
            service.handle(kGuestA, "j", parse("{\"request\":\"join\",\"room\":\"" + room + "\",\"token\":\"" + token +
                                               "\",\"display\":\"Anna\"}"), Json());
        });
    }  // queued work finishes, then every room ends
    expect_kind(gateway.last(kGuestA, "waiting"), "waiting");
    assert_string_equal(str(gateway.last(kGuestA, "ended"), "reason").c_str(), "shutdown");
    assert_int_equal(static_cast<int>(ledger.state(room_digest(room))), static_cast<int>(LedgerState::Tombstoned));
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(posts_from_many_threads_run_one_at_a_time_in_order),
        cmocka_unit_test(concurrent_joins_are_serialised_by_the_room_thread),
        cmocka_unit_test(call_waits_for_its_job_or_drops_it),
        cmocka_unit_test(a_throwing_job_does_not_stop_the_thread),
        cmocka_unit_test(stop_ends_every_room_with_shutdown),
        cmocka_unit_test(the_destructor_ends_rooms_too),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
