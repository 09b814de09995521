#include "core/room_thread.hpp"

#include <chrono>
#include <exception>

namespace counsel {
namespace {

constexpr auto kTickEvery = std::chrono::milliseconds(250);

}  // namespace

RoomThread::RoomThread(Config config, Gateway& gateway, RoomLedger& ledger, const Clock& clock, MediaPort* media,
                       RecordingPort* recorder)
    : service_(std::move(config), gateway, ledger, clock, media, recorder),
      gateway_(gateway),
      worker_([this] {
          SerialWorkerOptions o;
          o.at_stop = AtStop::Run;  // queued requests are answered before the rooms end
          o.timer = [this] { return tick(); };
          o.timer_first = kTickEvery;
          // A failing request must not take the room thread (or Janus) down.
          o.on_error = [this](std::exception_ptr e) {
              try {
                  std::rethrow_exception(e);
              } catch (const std::exception&) {
                  gateway_.log(Gateway::Level::Error, "[counsel] a request failed inside the core (exception)");
              } catch (...) {
                  gateway_.log(Gateway::Level::Error, "[counsel] a request failed inside the core (unknown exception)");
              }
          };
          return o;
      }()) {
    // Read on this thread only in jobs, which post() hands over under the queue's lock.
    service_.check_argon2id_off_thread([this](std::function<void()> job) {
        post([job = std::move(job)](RoomService&) { job(); });
    });
}

RoomThread::~RoomThread() { stop(); }

void RoomThread::post(Job job) {
    worker_.post([this, job = std::move(job)] { job(service_); });
}

bool RoomThread::call(const Job& job, int timeout_ms) {
    // A copy: a job that started before the deadline runs on after the caller has gone.
    return worker_.call([this, job] { job(service_); }, std::chrono::milliseconds(timeout_ms));
}

void RoomThread::stop() {
    if (worker_.stop_requested()) return;
    // The last job: rooms end properly instead of waiting for the start-up sweep.
    post([](RoomService& service) { service.end_all(); });
    worker_.stop();
    // Before the queue and its lock go: the checker posts into them.
    service_.stop_background_work();
}

std::chrono::steady_clock::duration RoomThread::tick() {
    try {
        service_.tick();
    } catch (...) {
        gateway_.log(Gateway::Level::Error, "[counsel] a timer failed inside the core");
    }
    return kTickEvery;
}

}  // namespace counsel
