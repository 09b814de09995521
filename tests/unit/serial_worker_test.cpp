// The one work queue every thread of the plugin is built on: tasks run one at
// a time on one thread, in order per poster; call() waits for its task up to
// a deadline (and a task it gave up on never runs); wait_idle; stop runs or
// drops what is queued (and a dropped call returns at once); an exception in
// a task is reported and the worker goes on; the timer fires under load, can
// be brought forward, and does not fire after a stop. No timing is asserted: where a test waits, it waits for
// an event with a generous deadline. Also run under ThreadSanitizer
// (scripts/harden tsan).
#include <atomic>
#include <future>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/serial_worker.hpp"
#include "cmocka_cpp.hpp"

using namespace counsel;
using namespace std::chrono_literals;

namespace {

constexpr auto kPatience = 30s;  // a loaded machine; never reached when all is well

SerialWorkerOptions dropping() {
    SerialWorkerOptions o;
    o.at_stop = AtStop::Drop;
    return o;
}

// Holds the worker inside a task until release().
struct Gate {
    std::promise<void> opened;
    std::shared_future<void> open = opened.get_future().share();
    std::promise<void> entered_promise;
    std::future<void> entered = entered_promise.get_future();

    SerialWorker::Task task() {
        return [this] {
            entered_promise.set_value();
            open.wait();
        };
    }
    void wait_entered() { assert_true(entered.wait_for(kPatience) == std::future_status::ready); }
    void release() { opened.set_value(); }
};

// Counts how many copies of a task's captures are still alive.
struct Tracked {
    explicit Tracked(std::shared_ptr<std::atomic<int>> n) : alive(std::move(n)) { ++*alive; }
    Tracked(const Tracked& o) : alive(o.alive) { ++*alive; }
    ~Tracked() { --*alive; }
    std::shared_ptr<std::atomic<int>> alive;
};

void tasks_from_many_threads_run_one_at_a_time_in_order(void**) {
    SerialWorker worker{SerialWorkerOptions{}};
    constexpr int kPosters = 6, kTasks = 300;
    // Touched by tasks only: two tasks at once would be a race TSan reports.
    std::map<int, std::vector<int>> seen;
    std::set<std::thread::id> runners;
    std::atomic<int> ready{0}, refused{0};
    std::vector<std::thread> posters;
    for (int p = 0; p < kPosters; ++p)
        posters.emplace_back([&, p] {
            ready.fetch_add(1);
            while (ready.load() < kPosters) std::this_thread::yield();
            for (int t = 0; t < kTasks; ++t)
                refused += !worker.post([&, p, t] {
                    seen[p].push_back(t);
                    runners.insert(std::this_thread::get_id());
                });
        });
    for (auto& poster : posters) poster.join();
    assert_true(worker.wait_idle(kPatience));
    worker.stop();
    assert_int_equal(refused.load(), 0);
    assert_int_equal(runners.size(), 1);
    assert_true(*runners.begin() != std::this_thread::get_id());
    for (int p = 0; p < kPosters; ++p) {
        assert_int_equal(seen[p].size(), kTasks);
        for (int t = 0; t < kTasks; ++t) assert_int_equal(seen[p][t], t);
    }
}

void call_waits_for_its_task_and_gives_up_at_the_deadline(void**) {
    SerialWorker worker{SerialWorkerOptions{}};
    std::thread::id ran_on;
    assert_true(worker.call([&] { ran_on = std::this_thread::get_id(); }, kPatience));
    assert_true(ran_on != std::thread::id() && ran_on != std::this_thread::get_id());

    // A task ahead of it holds the worker: the call's deadline passes first,
    // and its task is dropped, not run late.
    Gate gate;
    worker.post(gate.task());
    gate.wait_entered();
    auto late = std::make_shared<std::atomic<bool>>(false);
    assert_false(worker.call([late] { late->store(true); }, 20ms));
    gate.release();
    assert_true(worker.call([] {}, kPatience));  // everything before it has run
    assert_false(late->load());

    // Called on the worker itself, the task runs at once (no wait for itself).
    bool inner = false;
    assert_true(worker.call([&] { inner = worker.call([] {}, 1ms); }, kPatience));
    assert_true(inner);
}

void wait_idle_waits_for_the_running_task_too(void**) {
    SerialWorker worker{SerialWorkerOptions{}};
    Gate gate;
    int done = 0;
    worker.post(gate.task());
    for (int i = 0; i < 10; ++i) worker.post([&] { ++done; });
    gate.wait_entered();
    assert_false(worker.wait_idle(10ms));  // the gate still holds it
    gate.release();
    assert_true(worker.wait_idle(kPatience));
    assert_int_equal(done, 10);  // read after idle: the tasks are done with it
    assert_true(worker.wait_idle(0ms));
}

void stop_runs_what_is_queued_when_asked_to(void**) {
    SerialWorker worker{SerialWorkerOptions{}};  // AtStop::Run
    Gate gate;
    std::vector<int> order;
    worker.post(gate.task());
    gate.wait_entered();
    for (int i = 0; i < 5; ++i) worker.post([&, i] { order.push_back(i); });
    std::size_t dropped = 99;
    std::thread stopper([&] { dropped = worker.stop(); });
    // Once stopping, nothing new is taken, but the queue still runs.
    while (!worker.stop_requested()) std::this_thread::yield();
    assert_false(worker.post([&] { order.push_back(99); }));
    assert_false(worker.call([&] { order.push_back(98); }, kPatience));  // refused at once
    gate.release();
    stopper.join();
    assert_int_equal(dropped, 0);
    assert_int_equal(order.size(), 5);
    for (int i = 0; i < 5; ++i) assert_int_equal(order[i], i);
    assert_int_equal(worker.stop(), 0);  // idempotent
}

void stop_drops_what_is_queued_when_asked_to(void**) {
    SerialWorker worker{dropping()};
    Gate gate;
    auto alive = std::make_shared<std::atomic<int>>(0);
    std::atomic<int> ran{0};
    worker.post(gate.task());
    gate.wait_entered();
    for (int i = 0; i < 4; ++i) worker.post([&ran, t = Tracked(alive)] { ++ran; });
    assert_int_equal(alive->load(), 4);
    // A call queued behind them hears of the drop at once, not at its deadline.
    std::atomic<bool> call_ran{false}, call_answered{true};
    std::thread caller([&] { call_answered = worker.call([&] { call_ran = true; }, 1h); });
    while (worker.queued() < 5) std::this_thread::yield();
    std::thread stopper([&] { worker.stop(); });
    while (!worker.stop_requested()) std::this_thread::yield();
    gate.release();  // the running task finishes; the rest never runs
    stopper.join();
    caller.join();
    assert_int_equal(ran.load(), 0);
    assert_false(call_answered.load());
    assert_false(call_ran.load());
    assert_int_equal(alive->load(), 0);  // their captures are gone with them
}

void a_dropped_stop_counts_what_it_dropped(void**) {
    SerialWorker worker{dropping()};
    Gate gate;
    worker.post(gate.task());
    gate.wait_entered();
    for (int i = 0; i < 3; ++i) worker.post([] {});
    std::size_t dropped = 99;
    std::thread stopper([&] { dropped = worker.stop(); });
    while (!worker.stop_requested()) std::this_thread::yield();
    gate.release();
    stopper.join();
    assert_int_equal(dropped, 3);
}

void a_throwing_task_is_reported_and_the_worker_goes_on(void**) {
    std::vector<std::string> errors;  // written on the worker, read after wait_idle
    SerialWorkerOptions o;
    o.on_error = [&](std::exception_ptr e) {
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& x) {
            errors.push_back(x.what());
        } catch (...) {
            errors.push_back("unknown");
        }
    };
    SerialWorker worker{o};
    int after = 0;
    worker.post([] { throw std::runtime_error("boom"); });
    worker.post([] { throw 7; });
    worker.post([&] { ++after; });
    // A call whose task throws answers false at once (and the error is told too).
    assert_false(worker.call([] { throw std::logic_error("in a call"); }, 1h));
    assert_true(worker.wait_idle(kPatience));
    assert_int_equal(after, 1);
    assert_int_equal(errors.size(), 3);
    assert_string_equal(errors[0].c_str(), "boom");
    assert_string_equal(errors[1].c_str(), "unknown");
    assert_string_equal(errors[2].c_str(), "in a call");
    // Without on_error an exception is swallowed just as well.
    SerialWorker quiet{SerialWorkerOptions{}};
    quiet.post([] { throw std::runtime_error("unheard"); });
    assert_true(quiet.call([] {}, kPatience));
}

void the_timer_fires_under_load_and_not_after_stop(void**) {
    std::atomic<int> fired{0};
    std::atomic<bool> fired_on_worker{true};
    SerialWorker* self = nullptr;
    SerialWorkerOptions o;
    o.timer_first = 0ms;
    o.timer = [&] {
        fired_on_worker = fired_on_worker && self && self->on_worker();
        ++fired;
        return std::chrono::steady_clock::duration(1ms);
    };
    o.start = false;
    SerialWorker worker{o};
    self = &worker;
    // A task that always posts another keeps the queue from ever being empty.
    std::atomic<bool> busy{true};
    std::function<void()> again = [&] {
        if (busy) worker.post(again);
    };
    worker.post(again);
    worker.start();
    for (auto until = std::chrono::steady_clock::now() + kPatience;
         fired.load() < 3 && std::chrono::steady_clock::now() < until;)
        std::this_thread::sleep_for(1ms);
    assert_true(fired.load() >= 3);
    assert_true(fired_on_worker.load());
    busy = false;
    // Stopping with work queued: the queue drains, the timer (due by then) does not fire.
    Gate gate;
    worker.post(gate.task());
    gate.wait_entered();
    const int before_stop = fired.load();  // the worker is held: the timer cannot fire now
    int drained = 0;
    for (int i = 0; i < 3; ++i) worker.post([&] { ++drained; });
    std::thread stopper([&] { worker.stop(); });
    while (!worker.stop_requested()) std::this_thread::yield();
    std::this_thread::sleep_for(2ms);  // let the timer fall due
    gate.release();
    stopper.join();
    assert_int_equal(drained, 3);
    assert_int_equal(fired.load(), before_stop);
}

void timer_now_brings_a_far_timer_forward(void**) {
    std::atomic<int> fired{0};
    SerialWorkerOptions o;
    o.timer = [&] {
        ++fired;
        return std::chrono::steady_clock::duration(1h);
    };
    SerialWorker worker{o};
    auto wait_for = [&](int n) {
        for (auto until = std::chrono::steady_clock::now() + kPatience;
             fired.load() < n && std::chrono::steady_clock::now() < until;)
            std::this_thread::sleep_for(1ms);
        return fired.load() >= n;
    };
    assert_true(wait_for(1));  // timer_first 0: at once
    worker.post([&] { worker.timer_now(); });  // a task set a nearer deadline
    assert_true(wait_for(2));
    worker.timer_now();  // from elsewhere, while the worker sleeps
    assert_true(wait_for(3));
}

void a_sleeping_task_wakes_at_stop(void**) {
    SerialWorker worker{dropping()};
    std::promise<void> asleep;
    std::atomic<int> woke_early{-1};
    worker.post([&] {
        asleep.set_value();
        woke_early = worker.sleep_unless_stopped(1h) ? 0 : 1;
    });
    asleep.get_future().wait();
    worker.stop();  // would hang for an hour if the pause did not end
    assert_int_equal(woke_early.load(), 1);
    // Not stopped: the pause is slept through.
    SerialWorker other{SerialWorkerOptions{}};
    bool slept = false;
    assert_true(other.call([&] { slept = other.sleep_unless_stopped(1ms); }, kPatience));
    assert_true(slept);
}

void tasks_wait_for_a_late_start_and_a_stopped_worker_starts_afresh(void**) {
    SerialWorkerOptions o;
    o.start = false;
    SerialWorker worker{o};
    std::vector<int> order;
    worker.post([&] { order.push_back(1); });
    worker.post([&] { order.push_back(2); });
    assert_false(worker.wait_idle(1ms));  // queued, nobody runs them yet
    worker.start();
    assert_true(worker.wait_idle(kPatience));
    assert_int_equal(order.size(), 2);
    worker.stop();
    assert_true(worker.stop_requested());
    worker.start();
    assert_false(worker.stop_requested());
    assert_true(worker.call([&] { order.push_back(3); }, kPatience));
    assert_int_equal(order.size(), 3);

    // Never started: a stop drops what waited, whatever at_stop says.
    SerialWorker idle{o};
    bool ran = false;
    idle.post([&] { ran = true; });
    assert_int_equal(idle.stop(), 1);
    assert_false(ran);
}

void a_task_may_stop_its_own_worker(void**) {
    SerialWorker worker{SerialWorkerOptions{}};
    std::atomic<int> after{0};
    assert_true(worker.call([&] { worker.stop(); }, kPatience));
    assert_false(worker.post([&] { ++after; }));
    worker.start();  // a fresh thread once the old one has left its loop
    assert_true(worker.call([&] { ++after; }, kPatience));
    worker.stop();
    assert_int_equal(after.load(), 1);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tasks_from_many_threads_run_one_at_a_time_in_order),
        cmocka_unit_test(call_waits_for_its_task_and_gives_up_at_the_deadline),
        cmocka_unit_test(wait_idle_waits_for_the_running_task_too),
        cmocka_unit_test(stop_runs_what_is_queued_when_asked_to),
        cmocka_unit_test(stop_drops_what_is_queued_when_asked_to),
        cmocka_unit_test(a_dropped_stop_counts_what_it_dropped),
        cmocka_unit_test(a_throwing_task_is_reported_and_the_worker_goes_on),
        cmocka_unit_test(the_timer_fires_under_load_and_not_after_stop),
        cmocka_unit_test(timer_now_brings_a_far_timer_forward),
        cmocka_unit_test(a_sleeping_task_wakes_at_stop),
        cmocka_unit_test(tasks_wait_for_a_late_start_and_a_stopped_worker_starts_afresh),
        cmocka_unit_test(a_task_may_stop_its_own_worker),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
