// Argon2id checks off the room thread: while one runs, the service answers
// everything else; the create goes on when the result is posted back, with
// its own transaction; a practitioner who left meanwhile gets no room; stop
// drops what waits and posts nothing more.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/argon2id_checker.hpp"
#include "core/key_hash.hpp"
#include "support/scenario.hpp"

using namespace counsel;
using namespace counsel::testing;

namespace {

// What the checker posts, kept until the test runs it on its own thread (the
// "room thread" here).
struct PostBox {
    std::mutex mutex;
    std::condition_variable arrived;
    std::vector<std::function<void()>> jobs;

    Argon2idChecker::Post poster() {
        return [this](std::function<void()> job) {
            std::lock_guard lock(mutex);
            jobs.push_back(std::move(job));
            arrived.notify_all();
        };
    }
    // Waits (up to 30 s: Argon2id on a loaded machine) for `n` posted jobs and runs them.
    bool run(std::size_t n) {
        std::vector<std::function<void()>> ready;
        {
            std::unique_lock lock(mutex);
            if (!arrived.wait_for(lock, std::chrono::seconds(30), [&] { return jobs.size() >= n; })) return false;
            ready.swap(jobs);
        }
        for (auto& job : ready) job();
        return true;
    }
};

// One practitioner with an Argon2id hash (the older form), one with $blake2b$.
Config mixed_config() {
    Config c = test_config();
    c.practitioners = {{"old", argon2id_hash("old.secret")}, {"new", make_fast_key_hash("new.secret")}};
    return c;
}

std::string create_with_key(const std::string& key) {
    return "{\"request\":\"create\",\"practitioner_key\":\"" + key + "\",\"invitees\":[{\"label\":\"A\"}]}";
}

// Sends a request and returns its transaction (the answer may come later).
std::string send(Harness& h, HandleId handle, const std::string& body) {
    const std::string txn = "async-" + std::to_string(++h.txn_counter);
    json_error_t err;
    h.service.handle(handle, txn, Json::adopt(json_loads(body.c_str(), 0, &err)), Json());
    return txn;
}

Json answer_to(const Harness& h, const std::string& txn) {
    for (const auto& p : h.gateway.pushed)
        if (p.transaction == txn) return p.event;
    return Json();
}

void the_create_waits_for_its_check_and_everything_else_goes_on(void**) {
    PostBox box;  // outlives the service and its checker thread
    Harness h(mixed_config());
    h.service.check_argon2id_off_thread(box.poster());
    h.service.attach(kPractitioner);
    const std::string txn = send(h, kPractitioner, create_with_key("old.secret"));
    assert_null(answer_to(h, txn).get());
    // Meanwhile the service answers at once: another practitioner creates, a moderator joins.
    Json created = h.request(kGuestA, create_with_key("new.secret"));
    expect_kind(created, "created");
    expect_kind(h.join(kModerator, str(created, "room"), str(created, "moderator_token"), "M"), "joined");
    // The check's result arrives: the create goes on, answered with its own transaction.
    assert_true(box.run(1));
    expect_kind(answer_to(h, txn), "created");
    assert_int_equal(h.service.stats().rooms, 2);
    // Verified once, remembered: the next create needs no check at all.
    expect_kind(h.request(kPractitioner, create_with_key("old.secret")), "created");
    assert_int_equal(h.service.stats().attempts.argon2id_checks, 1);
    assert_int_equal(box.jobs.size(), 0);
}

void a_wrong_key_is_refused_when_its_check_returns(void**) {
    PostBox box;  // outlives the service and its checker thread
    Harness h(mixed_config());
    h.service.check_argon2id_off_thread(box.poster());
    const std::string txn = send(h, kStranger, create_with_key("old.wrong"));
    assert_null(answer_to(h, txn).get());
    assert_true(box.run(1));
    expect_error(answer_to(h, txn), 482);
    assert_int_equal(h.service.stats().attempts.create_refused, 1);
    assert_int_equal(h.service.stats().rooms, 0);
}

void at_most_two_checks_wait_at_once(void**) {
    PostBox box;  // outlives the service and its checker thread
    Harness h(mixed_config());
    h.service.check_argon2id_off_thread(box.poster());
    const std::string first = send(h, 100, create_with_key("old.wrong"));
    const std::string second = send(h, 101, create_with_key("old.wrong"));
    // A third is refused at once, unchecked, while the two wait for their results.
    expect_error(h.request(102, create_with_key("old.wrong")), 486);
    expect_error(h.request(kPractitioner, create_with_key("old.secret")), 486);
    expect_kind(h.request(kGuestA, create_with_key("new.secret")), "created");  // free checks go on
    assert_true(box.run(2));
    expect_error(answer_to(h, first), 482);
    expect_error(answer_to(h, second), 482);
    // Room again: the right key is checked now.
    const std::string right = send(h, kPractitioner, create_with_key("old.secret"));
    assert_true(box.run(1));
    expect_kind(answer_to(h, right), "created");
    assert_int_equal(h.service.stats().attempts.argon2id_checks, 3);
}

void a_practitioner_who_left_meanwhile_gets_no_room(void**) {
    PostBox box;  // outlives the service and its checker thread
    Harness h(mixed_config());
    h.service.check_argon2id_off_thread(box.poster());
    h.service.attach(kPractitioner);
    const std::string txn = send(h, kPractitioner, create_with_key("old.secret"));
    h.service.detach(kPractitioner);
    assert_true(box.run(1));
    assert_null(answer_to(h, txn).get());
    assert_int_equal(h.service.stats().rooms, 0);
    assert_int_equal(h.ledger.rows.size(), 0);
}

void a_stopped_checker_posts_nothing(void**) {
    PostBox box;
    Argon2idChecker checker(box.poster());
    checker.check(argon2id_hash("k"), SecretString("k"), [](bool) {});
    assert_true(box.run(1));
    checker.stop();
    checker.check(argon2id_hash("k"), SecretString("k"), [](bool) { std::abort(); });
    checker.stop();  // idempotent
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::lock_guard lock(box.mutex);
    assert_int_equal(box.jobs.size(), 0);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_create_waits_for_its_check_and_everything_else_goes_on),
        cmocka_unit_test(a_wrong_key_is_refused_when_its_check_returns),
        cmocka_unit_test(at_most_two_checks_wait_at_once),
        cmocka_unit_test(a_practitioner_who_left_meanwhile_gets_no_room),
        cmocka_unit_test(a_stopped_checker_posts_nothing),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
