#include "core/serial_worker.hpp"

#include <algorithm>
#include <memory>

namespace counsel {
namespace {

using Clock = std::chrono::steady_clock;

// When a timer threw: it is tried again after this (it named no delay).
constexpr auto kTimerRetry = std::chrono::seconds(1);

// Where a call() stands; the caller and the task meet here.
struct CallState {
    enum class Stage { Queued, Running, Done, Failed, Dropped, Abandoned };
    std::mutex mutex;
    std::condition_variable changed;
    Stage stage = Stage::Queued;

    void set(Stage to) {
        {
            std::lock_guard lock(mutex);
            stage = to;
        }
        changed.notify_all();
    }
};

// Held by the posted task alone: when the last copy of it goes unrun (a stop
// dropped it, or the post was refused), the caller hears so at once instead
// of at its deadline.
struct CallTicket {
    explicit CallTicket(std::shared_ptr<CallState> s) : state(std::move(s)) {}
    CallTicket(const CallTicket&) = delete;
    CallTicket& operator=(const CallTicket&) = delete;
    ~CallTicket() {
        {
            std::lock_guard lock(state->mutex);
            if (state->stage != CallState::Stage::Queued) return;
            state->stage = CallState::Stage::Dropped;
        }
        state->changed.notify_all();
    }
    const std::shared_ptr<CallState> state;
};

}  // namespace

SerialWorker::SerialWorker(SerialWorkerOptions options) : options_(std::move(options)) {
    if (options_.start) start();
}

SerialWorker::~SerialWorker() { stop(); }

void SerialWorker::start() {
    std::unique_lock lock(mutex_);
    if (thread_.joinable()) {
        if (!stopping_) return;  // running already
        // Stopped by one of its own tasks: let it finish its loop first.
        std::thread ending = std::move(thread_);
        lock.unlock();
        ending.join();
        lock.lock();
    }
    stopping_ = false;
    stop_flag_.store(false, std::memory_order_release);
    looping_ = true;
    thread_ = std::thread([this] { run(); });  // it waits for the lock we hold
}

bool SerialWorker::post(Task task) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return false;
        queue_.push_back(std::move(task));
    }
    wake_.notify_all();
    return true;
}

bool SerialWorker::call(Task task, Duration deadline) {
    if (on_worker()) return guarded(task);
    using Stage = CallState::Stage;
    auto state = std::make_shared<CallState>();
    post([state, ticket = std::make_shared<CallTicket>(state), task = std::move(task)] {
        {
            std::lock_guard lock(state->mutex);
            if (state->stage != Stage::Queued) return;  // the caller has given up on it
            state->stage = Stage::Running;
        }
        try {
            task();
        } catch (...) {
            state->set(Stage::Failed);
            throw;  // to on_error, like any task's
        }
        state->set(Stage::Done);
    });
    std::unique_lock lock(state->mutex);
    state->changed.wait_for(lock, deadline, [&] {
        return state->stage == Stage::Done || state->stage == Stage::Failed || state->stage == Stage::Dropped;
    });
    if (state->stage == Stage::Queued) state->stage = Stage::Abandoned;
    return state->stage == Stage::Done;
}

bool SerialWorker::wait_idle(Duration timeout) {
    std::unique_lock lock(mutex_);
    return idle_.wait_for(lock, timeout, [this] { return queue_.empty() && !running_; });
}

void SerialWorker::timer_now() {
    {
        std::lock_guard lock(mutex_);
        next_timer_ = std::min(next_timer_, Clock::now());
    }
    wake_.notify_all();
}

std::size_t SerialWorker::queued() const {
    std::lock_guard lock(mutex_);
    return queue_.size();
}

std::size_t SerialWorker::stop() {
    // A task stopping its own worker cannot join it: the thread ends after
    // that task, and a later stop() (the destructor's) joins it.
    const bool self = on_worker();
    std::thread ending;
    std::deque<Task> dropped;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        stop_flag_.store(true, std::memory_order_release);
        // No thread to run them (never started): dropped whatever at_stop says.
        if (options_.at_stop == AtStop::Drop || !looping_) dropped.swap(queue_);
        if (!self) ending = std::move(thread_);
    }
    wake_.notify_all();
    if (ending.joinable()) ending.join();
    idle_.notify_all();
    const std::size_t count = dropped.size();
    dropped.clear();  // outside the lock: a task's captures may do anything when destroyed
    return count;
}

bool SerialWorker::sleep_unless_stopped(Duration pause) {
    std::unique_lock lock(mutex_);
    return !wake_.wait_for(lock, pause, [this] { return stopping_; });
}

bool SerialWorker::guarded(const std::function<void()>& fn) {
    try {
        fn();
        return true;
    } catch (...) {
        if (options_.on_error) {
            try {
                options_.on_error(std::current_exception());
            } catch (...) {
            }
        }
        return false;
    }
}

void SerialWorker::run() {
    thread_id_.store(std::this_thread::get_id());
    std::unique_lock lock(mutex_);
    next_timer_ = Clock::now() + options_.timer_first;
    for (;;) {
        if (options_.timer && !stopping_ && Clock::now() >= next_timer_) {
            running_ = true;
            // Set before it runs: a timer_now() meanwhile is not lost.
            next_timer_ = Clock::time_point::max();
            lock.unlock();
            Duration delay = kTimerRetry;
            guarded([&] { delay = options_.timer(); });
            const Clock::time_point next = Clock::now() + delay;
            lock.lock();
            next_timer_ = std::min(next_timer_, next);
        } else if (!queue_.empty()) {
            Task task = std::move(queue_.front());
            queue_.pop_front();
            running_ = true;
            lock.unlock();
            guarded(task);
            task = nullptr;  // its captures go before the lock is taken again
            lock.lock();
        } else if (stopping_) {
            break;
        } else {
            const Clock::time_point due = next_timer_;
            auto more = [&] { return stopping_ || !queue_.empty() || next_timer_ < due; };
            if (options_.timer)
                wake_.wait_until(lock, due, more);
            else
                wake_.wait(lock, more);
            continue;
        }
        running_ = false;
        if (queue_.empty()) idle_.notify_all();
    }
    looping_ = false;
    thread_id_.store(std::thread::id());
}

}  // namespace counsel
