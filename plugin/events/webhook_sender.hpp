// Room events to the practice's own systems: each event (JSON without any
// personal data, see docs/api.md "Events") is POSTed to `events_url` over libcurl
// from a worker thread of its own, signed with HMAC-SHA256 under
// `events_secret`:
//
//   X-Counsel-Timestamp: <unix seconds>
//   X-Counsel-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>
//
// post() never blocks and never waits for the network: the queue is bounded
// and, when full, drops its oldest event (counted). A failed delivery (no
// connection, timeout, 5xx, 429) is tried again with doubling pauses; any
// other answer ends it. The URL and the secret are never logged.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>

#include "core/serial_worker.hpp"

namespace counsel::events {

struct WebhookSettings {
    std::string url;                 // http(s)://..., no credentials in it
    std::string secret;              // >= 32 characters
    std::size_t max_queue = 1000;    // events waiting; the oldest goes first when full
    int attempts = 5;                // tries per event
    int first_retry_delay_ms = 1000; // doubled after every failed try
    long timeout_s = 10;
};

struct WebhookStats {
    std::uint64_t delivered = 0;
    std::uint64_t failed = 0;   // given up after all tries or refused (4xx)
    std::uint64_t dropped = 0;  // pushed out of a full queue
    std::uint64_t retries = 0;
};

class WebhookSender {
public:
    explicit WebhookSender(WebhookSettings settings);
    ~WebhookSender();
    WebhookSender(const WebhookSender&) = delete;
    WebhookSender& operator=(const WebhookSender&) = delete;

    // Whether the settings are usable (URL form, secret length); reason otherwise.
    static bool valid(const WebhookSettings& settings, std::string& reason);

    // Queues one event (its JSON text). Any thread; never blocks on the network.
    void post(std::string body);
    // Waits until the queue is empty and nothing is in flight; false on timeout (tests).
    bool wait_idle(int timeout_ms);
    WebhookStats stats() const;
    // Stops the worker; events still queued are dropped (counted). Idempotent.
    void stop();

    // The signature header's value for `body` sent at `timestamp` (tests, receivers).
    static std::string signature(const std::string& secret, const std::string& timestamp, const std::string& body);

private:
    // One worker task per queued event: takes the oldest and tries it.
    void send_next();
    bool deliver(const std::string& body, bool& retry);

    WebhookSettings settings_;
    mutable std::mutex mutex_;        // queue_, stats_
    std::deque<std::string> queue_;   // the events; the worker holds one task per entry
    WebhookStats stats_;
    SerialWorker worker_;             // drops its tasks at stop (queue_ counts them)
};

}  // namespace counsel::events
