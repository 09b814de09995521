// The one thread that owns all room state. Janus's threads only enqueue work
// here and never wait for it (except the admin API, with a deadline); timers
// run on the same thread, so RoomService needs no locks.
#pragma once

#include <functional>

#include "core/room_service.hpp"
#include "core/serial_worker.hpp"

namespace counsel {

class RoomThread {
public:
    using Job = std::function<void(RoomService&)>;

    // Starts the thread; the service is built and used on it only. `media` (may
    // be null: no media layer) must outlive the thread; it is called on it only.
    // `recorder` (may be null: recording rooms answer `record` with 487) likewise.
    RoomThread(Config config, Gateway& gateway, RoomLedger& ledger, const Clock& clock, MediaPort* media = nullptr,
               RecordingPort* recorder = nullptr);
    ~RoomThread();
    RoomThread(const RoomThread&) = delete;
    RoomThread& operator=(const RoomThread&) = delete;

    void post(Job job);
    // Runs `job` on the room thread and waits for it, at most `timeout_ms`.
    // Returns false if it did not run in time (the job is then dropped).
    bool call(const Job& job, int timeout_ms);
    // Finishes queued work, ends every room, stops the thread. Idempotent.
    void stop();

private:
    std::chrono::steady_clock::duration tick();

    RoomService service_;
    Gateway& gateway_;
    SerialWorker worker_;  // after service_: started once the service is built
};

}  // namespace counsel
