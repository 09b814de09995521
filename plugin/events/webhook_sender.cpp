#include "events/webhook_sender.hpp"

#include <curl/curl.h>
#include <sodium.h>

#include <chrono>
#include <ctime>
#include <memory>

namespace counsel::events {

namespace {

struct CurlDeleter {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

std::size_t discard_body(char*, std::size_t size, std::size_t n, void*) { return size * n; }

SerialWorkerOptions sender_options() {
    SerialWorkerOptions o;
    o.at_stop = AtStop::Drop;
    return o;
}

}  // namespace

WebhookSender::WebhookSender(WebhookSettings settings)
    : settings_(std::move(settings)), worker_(sender_options()) {}

WebhookSender::~WebhookSender() {
    stop();
    sodium_memzero(settings_.secret.data(), settings_.secret.size());
}

bool WebhookSender::valid(const WebhookSettings& s, std::string& reason) {
    const bool https = s.url.rfind("https://", 0) == 0;
    const bool http = s.url.rfind("http://", 0) == 0;
    if (!https && !http) {
        reason = "events_url must be an http:// or https:// URL";
        return false;
    }
    const std::string rest = s.url.substr(https ? 8 : 7);
    const std::string authority = rest.substr(0, rest.find('/'));
    if (authority.empty() || authority.find('@') != std::string::npos) {
        reason = "events_url needs a host and no user or password in it";
        return false;
    }
    if (s.secret.size() < 32) {
        reason = "events_secret must have at least 32 characters (the receiver checks the HMAC with it)";
        return false;
    }
    if (s.max_queue == 0 || s.attempts < 1) {
        reason = "webhook queue and attempts must be positive";
        return false;
    }
    return true;
}

std::string WebhookSender::signature(const std::string& secret, const std::string& timestamp, const std::string& body) {
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(timestamp.data()), timestamp.size());
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>("."), 1);
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(body.data()), body.size());
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_final(&st, mac);
    char hex[2 * crypto_auth_hmacsha256_BYTES + 1];
    sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
    sodium_memzero(&st, sizeof st);
    return std::string("sha256=") + hex;
}

void WebhookSender::post(std::string body) {
    {
        std::lock_guard lock(mutex_);
        if (worker_.stop_requested()) return;
        const bool full = queue_.size() >= settings_.max_queue;
        if (full) {
            queue_.pop_front();
            ++stats_.dropped;
        }
        queue_.push_back(std::move(body));
        // Full: the task queued for the oldest takes the newest instead.
        if (full) return;
    }
    // Refused by a stop meanwhile: the event stays in queue_ and stop() counts it.
    worker_.post([this] { send_next(); });
}

bool WebhookSender::wait_idle(int timeout_ms) { return worker_.wait_idle(std::chrono::milliseconds(timeout_ms)); }

WebhookStats WebhookSender::stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
}

void WebhookSender::stop() {
    // Ends a pause between tries at once; the try in flight finishes.
    worker_.stop();
    std::lock_guard lock(mutex_);
    stats_.dropped += queue_.size();
    queue_.clear();
}

void WebhookSender::send_next() {
    std::string body;
    {
        std::lock_guard lock(mutex_);
        if (queue_.empty()) return;
        body = std::move(queue_.front());
        queue_.pop_front();
    }
    int delay_ms = settings_.first_retry_delay_ms;
    bool delivered = false;
    bool retry = true;
    for (int attempt = 1; attempt <= settings_.attempts && retry; ++attempt) {
        if (attempt > 1) {
            {
                std::lock_guard lock(mutex_);
                ++stats_.retries;
            }
            if (!worker_.sleep_unless_stopped(std::chrono::milliseconds(delay_ms))) break;
            delay_ms *= 2;
        }
        delivered = deliver(body, retry);
        if (delivered) break;
    }
    std::lock_guard lock(mutex_);
    if (delivered) ++stats_.delivered;
    else ++stats_.failed;
}

bool WebhookSender::deliver(const std::string& body, bool& retry) {
    retry = false;
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl) {
        retry = true;
        return false;
    }
    const std::string timestamp = std::to_string(static_cast<long long>(std::time(nullptr)));
    curl_slist* raw = nullptr;
    raw = curl_slist_append(raw, "Content-Type: application/json");
    raw = curl_slist_append(raw, ("X-Counsel-Timestamp: " + timestamp).c_str());
    raw = curl_slist_append(raw, ("X-Counsel-Signature: " + signature(settings_.secret, timestamp, body)).c_str());
    raw = curl_slist_append(raw, "Expect:");
    std::unique_ptr<curl_slist, SlistDeleter> headers(raw);
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, settings_.url.c_str());
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_TIMEOUT, settings_.timeout_s);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard_body);
    const CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
        retry = true;  // no connection, timeout, TLS: the receiver may be back soon
        return false;
    }
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300) return true;
    retry = status >= 500 || status == 429;
    return false;
}

}  // namespace counsel::events
