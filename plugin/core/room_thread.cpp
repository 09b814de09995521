#include "core/room_thread.hpp"

#include <chrono>
#include <exception>
#include <future>

namespace counsel {
namespace {

constexpr auto kTickEvery = std::chrono::milliseconds(250);

}  // namespace

RoomThread::RoomThread(Config config, Gateway& gateway, RoomLedger& ledger, const Clock& clock, MediaPort* media,
                       RecordingPort* recorder)
    : service_(std::move(config), gateway, ledger, clock, media, recorder), gateway_(gateway), thread_([this] { run(); }) {
    // Read on this thread only in jobs, which post() hands over under the queue's lock.
    service_.check_argon2id_off_thread([this](std::function<void()> job) {
        post([job = std::move(job)](CounselService&) { job(); });
    });
}

RoomThread::~RoomThread() { stop(); }

void RoomThread::post(Job job) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        queue_.push_back(std::move(job));
    }
    wake_.notify_one();
}

bool RoomThread::call(const Job& job, int timeout_ms) {
    auto done = std::make_shared<std::promise<void>>();
    auto finished = done->get_future();
    auto cancelled = std::make_shared<std::atomic<bool>>(false);
    post([job, done, cancelled](CounselService& service) {
        if (!cancelled->load()) job(service);
        done->set_value();
    });
    if (finished.wait_for(std::chrono::milliseconds(timeout_ms)) == std::future_status::ready) return true;
    cancelled->store(true);
    return false;
}

void RoomThread::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        // The last job: rooms end properly instead of waiting for the start-up sweep.
        queue_.push_back([](CounselService& service) { service.end_all(); });
        stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
    // Before the queue and its lock go: the checker posts into them.
    service_.stop_background_work();
}

void RoomThread::run() {
    auto next_tick = std::chrono::steady_clock::now() + kTickEvery;
    for (;;) {
        std::deque<Job> jobs;
        {
            std::unique_lock lock(mutex_);
            wake_.wait_until(lock, next_tick, [this] { return stopping_ || !queue_.empty(); });
            jobs.swap(queue_);
            if (stopping_ && jobs.empty()) return;
        }
        for (Job& job : jobs) {
            // A failing request must not take the room thread (or Janus) down.
            try {
                job(service_);
            } catch (const std::exception&) {
                gateway_.log(Gateway::Level::Error, "[counsel] a request failed inside the core (exception)");
            } catch (...) {
                gateway_.log(Gateway::Level::Error, "[counsel] a request failed inside the core (unknown exception)");
            }
        }
        if (std::chrono::steady_clock::now() >= next_tick) {
            try {
                service_.tick();
            } catch (...) {
                gateway_.log(Gateway::Level::Error, "[counsel] a timer failed inside the core");
            }
            next_tick = std::chrono::steady_clock::now() + kTickEvery;
        }
    }
}

}  // namespace counsel
