// One thread that runs tasks one at a time, in the order they were posted.
// Every thread of the plugin's own is one of these: the room thread, the
// Argon2id checker, the media layer's event sender, the webhook sender and
// the recorder's jobs. Written once, so stopping, deadlines and exceptions
// behave the same everywhere and the sanitizer tests cover one loop.
//
// The worker's one lock is a leaf: it is never held while a task, the timer
// or anything else runs, so a task may post more tasks and an owner may post
// while holding a lock of its own. start() and stop() are not to race each
// other (stop() may race itself).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace counsel {

// What happens to the tasks still queued when stop() is called.
enum class AtStop {
    Run,   // they run, then the thread ends (the room thread ends every room; queued media events go out)
    Drop,  // they are destroyed unrun (their owner redoes or counts them: checks, webhooks, recording jobs)
};

struct SerialWorkerOptions {
    using Duration = std::chrono::steady_clock::duration;

    AtStop at_stop = AtStop::Run;
    // Optional: runs on the worker, between tasks or while it waits for one,
    // each time the delay it returned last has passed; the first time
    // `timer_first` after the start. Not run any more once stop() was called.
    std::function<Duration()> timer;
    Duration timer_first{};
    // Optional: told (on the worker) of an exception a task or the timer let
    // escape; the worker goes on with the next task. Without it they are dropped.
    std::function<void(std::exception_ptr)> on_error;
    // false: the thread starts with start(); tasks posted before wait for it.
    bool start = true;
};

class SerialWorker {
public:
    using Task = std::function<void()>;
    using Duration = SerialWorkerOptions::Duration;

    explicit SerialWorker(SerialWorkerOptions options);
    // stop(). Never from one of its own tasks.
    ~SerialWorker();
    SerialWorker(const SerialWorker&) = delete;
    SerialWorker& operator=(const SerialWorker&) = delete;

    // Starts the thread (once more after stop(): a fresh start, the stop flag lowered).
    void start();
    // Queues `task`. False once stop() was called: the task is destroyed unrun.
    bool post(Task task);
    // Runs `task` on the worker and waits for it, at most `deadline`. True if
    // it ran to its end. False if it threw (told to on_error), was dropped
    // (stop), or had not finished in time: a task that had not started by
    // then never runs; one that had started runs to its end after the caller
    // has gone, so it must own (capture by value) what it writes to. Called
    // on the worker itself, it runs `task` at once.
    bool call(Task task, Duration deadline);
    // Waits until nothing is queued or running (a task or the timer); false on timeout.
    bool wait_idle(Duration timeout);
    // Stops taking tasks; what is queued runs or is dropped (AtStop), the task
    // running finishes, then the thread ends and is joined (not when called
    // from a task: the thread then ends after it). Idempotent. Returns how many
    // tasks were dropped.
    std::size_t stop();

    // Runs the timer at the next chance, without waiting out its delay: its
    // owner's deadlines changed (e.g. a task set a nearer one).
    void timer_now();
    // Tasks waiting (not counting the one running).
    std::size_t queued() const;
    // Whether stop() was called: long tasks look at it to end early.
    bool stop_requested() const { return stop_flag_.load(std::memory_order_acquire); }
    // The same flag, for code that takes an atomic (the finalizer's cancel).
    const std::atomic<bool>& stop_flag() const { return stop_flag_; }
    // For a task: waits `pause` unless stop() comes first; false if it did.
    bool sleep_unless_stopped(Duration pause);
    bool on_worker() const { return std::this_thread::get_id() == thread_id_.load(); }

private:
    void run();
    // Runs `fn`, reporting what it throws; false if it threw.
    bool guarded(const std::function<void()>& fn);

    const SerialWorkerOptions options_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;  // a task, a stop
    std::condition_variable idle_;  // nothing queued or running
    std::deque<Task> queue_;
    bool running_ = false;   // a task or the timer runs now
    bool looping_ = false;   // the thread is in its loop (from start() until it ends)
    bool stopping_ = false;  // no more posts; the thread ends when its queue is done
    std::chrono::steady_clock::time_point next_timer_;
    std::atomic<bool> stop_flag_{false};
    std::thread thread_;  // under mutex_; a stop() moves it out to join it
    std::atomic<std::thread::id> thread_id_{};
};

}  // namespace counsel
