// Delivers the media layer's events that carry a JSEP (the answer to a
// `publish`, the plugin's offers) on a thread of its own, in order. Janus's
// push_event with a JSEP may wait (for ICE candidates to be gathered, for a
// previous PeerConnection to be cleaned up); the room thread must not.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/json.hpp"
#include "core/serial_worker.hpp"

namespace counsel::media {

class Endpoint;

class EventSender {
public:
    // `done(delivered)` runs on the sender's thread after the attempt.
    using Done = std::function<void(bool delivered)>;

    EventSender();
    ~EventSender();
    EventSender(const EventSender&) = delete;
    EventSender& operator=(const EventSender&) = delete;

    void send(std::shared_ptr<Endpoint> to, std::string transaction, Json event, Json jsep, Done done = {});
    // Delivers what is queued, then ends the thread. Idempotent.
    void stop();

private:
    struct Job {
        std::shared_ptr<Endpoint> to;
        std::string transaction;
        Json event;
        Json jsep;
        Done done;
    };
    static void deliver(const Job& job);

    SerialWorker worker_;  // delivers what is queued at stop
};

}  // namespace counsel::media
