// counsel-phone's side of the Janus API, over Janus's HTTP transport with
// libcurl (why HTTP: libcurl is already a dependency of this project, the
// transport is in Debian's janus package, and a long poll needs nothing
// beyond plain HTTP; Debian's libcurl has no WebSocket support and Debian has
// no libwebsockets-dev for a client of our own). One Janus session for the
// process, one handle per call:
//   a worker thread sends requests (POST; answers to `message` come as events)
//   a poller thread long-polls the session (GET ?maxev=) and hands every
//     event to `on_event`; when the session is gone it calls `on_lost` and
//     makes a new one (`on_ready` once it exists again).
// Callbacks run on those threads; the service posts them to its loop.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/json.hpp"

namespace counsel::phone {

struct JanusSettings {
    std::string url;            // e.g. http://127.0.0.1:8088/janus
    std::string token_secret;   // Janus's token_auth_secret; empty: no token
    std::string plugin = "janus.plugin.counsel";
};

class JanusClient {
public:
    using EventFn = std::function<void(Json event)>;
    using StateFn = std::function<void()>;

    JanusClient(JanusSettings settings, EventFn on_event, StateFn on_ready, StateFn on_lost);
    ~JanusClient();
    JanusClient(const JanusClient&) = delete;
    JanusClient& operator=(const JanusClient&) = delete;

    // Starts both threads; the first session is made by the poller (on_ready).
    void start();
    void stop();
    bool ready() const { return session_.load() != 0; }

    // A new handle on the plugin; `done` gets its id, or nullopt (on the worker thread).
    void attach(std::function<void(std::optional<std::uint64_t>)> done);
    // A plugin request on a handle; the answer arrives as an event with
    // `transaction`. `body` is wiped once sent (it may hold a PIN).
    // `failed` runs (worker thread) when Janus did not take it.
    void message(std::uint64_t handle, const std::string& transaction, Json body, std::function<void()> failed);
    void detach(std::uint64_t handle);

    // The signed token Janus checks (README "Install (admins)", token_auth), for `plugin`; exposed for tests.
    static std::string mint_token(const std::string& secret, const std::string& plugin, std::int64_t now_s,
                                  std::int64_t ttl_s);

private:
    struct Job {
        std::function<void()> run;
    };
    void worker();
    void poller();
    bool create_session();
    // POSTs `body` (adds transaction and token) to `path` under the base URL; the answer or a null Json.
    Json post(void* curl, const std::string& path, Json body);
    std::string token() const;
    void enqueue(std::function<void()> job);

    JanusSettings settings_;
    EventFn on_event_;
    StateFn on_ready_;
    StateFn on_lost_;
    std::atomic<std::uint64_t> session_{0};
    std::atomic<bool> stopping_{false};
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> jobs_;
    void* post_curl_ = nullptr;  // the worker's (only the worker uses it)
    std::thread worker_;
    std::thread poller_;
    std::atomic<std::uint64_t> transactions_{0};
};

}  // namespace counsel::phone
