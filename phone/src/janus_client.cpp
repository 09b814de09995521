#include "janus_client.hpp"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <sodium.h>

#include <chrono>

#include "core/json_wipe.hpp"

namespace counsel::phone {
namespace {

constexpr long kPostTimeoutMs = 5'000;
constexpr long kPollTimeoutMs = 70'000;  // Janus answers an idle long poll after 30 s
constexpr std::int64_t kTokenTtlS = 3600;
constexpr std::size_t kMaxAnswer = 1 << 20;
constexpr auto kKeepalive = std::chrono::seconds(25);  // Janus's session_timeout is 60 s
constexpr auto kRetry = std::chrono::seconds(1);

std::size_t collect(char* data, std::size_t size, std::size_t count, void* out) {
    auto* text = static_cast<std::string*>(out);
    if (text->size() + size * count > kMaxAnswer) return 0;
    text->append(data, size * count);
    return size * count;
}

int abort_when_stopping(void* flag, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<std::atomic<bool>*>(flag)->load() ? 1 : 0;
}

// One HTTP exchange; the body of a 2xx answer, or nullopt.
std::optional<std::string> exchange(CURL* curl, const std::string& url, const std::string* post, long timeout_ms,
                                    std::atomic<bool>* stopping) {
    std::string answer;
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, abort_when_stopping);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, stopping);
    curl_slist* headers = nullptr;
    if (post) {
        headers = curl_slist_append(headers, "Content-Type: application/json");
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post->c_str());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(post->size()));
    }
    const CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    // The request body may hold a PIN: libcurl sent it from our buffer, which the caller wipes.
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, nullptr);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
    if (headers) curl_slist_free_all(headers);
    if (rc != CURLE_OK || status < 200 || status >= 300) return std::nullopt;
    return answer;
}

Json parse(const std::string& text) {
    json_error_t error;
    return Json::adopt(json_loadb(text.data(), text.size(), 0, &error));
}

}  // namespace

JanusClient::JanusClient(JanusSettings settings, EventFn on_event, StateFn on_ready, StateFn on_lost)
    : settings_(std::move(settings)), on_event_(std::move(on_event)), on_ready_(std::move(on_ready)),
      on_lost_(std::move(on_lost)) {}

JanusClient::~JanusClient() { stop(); }

void JanusClient::start() {
    post_curl_ = curl_easy_init();
    worker_ = std::thread([this] { worker(); });
    poller_ = std::thread([this] { poller(); });
}

void JanusClient::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_.exchange(true)) return;
    }
    wake_.notify_all();
    if (worker_.joinable()) worker_.join();
    if (poller_.joinable()) poller_.join();
    if (post_curl_) curl_easy_cleanup(static_cast<CURL*>(post_curl_));
    post_curl_ = nullptr;
}

std::string JanusClient::mint_token(const std::string& secret, const std::string& plugin, std::int64_t now_s,
                                    std::int64_t ttl_s) {
    const std::string data = std::to_string(now_s + ttl_s) + ",janus," + plugin;
    unsigned char mac[EVP_MAX_MD_SIZE];
    size_t mac_len = 0;
    if (!EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA1", nullptr, secret.data(), secret.size(),
                   reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, sizeof(mac), &mac_len))
        return {};
    char b64[sodium_base64_ENCODED_LEN(EVP_MAX_MD_SIZE, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(b64, sizeof(b64), mac, mac_len, sodium_base64_VARIANT_ORIGINAL);
    return data + ":" + b64;
}

std::string JanusClient::token() const {
    if (settings_.token_secret.empty()) return {};
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    return mint_token(settings_.token_secret, settings_.plugin, now, kTokenTtlS);
}

Json JanusClient::post(void* curl, const std::string& path, Json body) {
    body.set("transaction", "p" + std::to_string(++transactions_));
    if (const std::string t = token(); !t.empty()) body.set("token", t);
    std::string text = body.dump();
    auto answer = exchange(static_cast<CURL*>(curl), settings_.url + path, &text, kPostTimeoutMs, &stopping_);
    sodium_memzero(text.data(), text.size());
    wipe_json_strings(body.get());
    return answer ? parse(*answer) : Json();
}

void JanusClient::enqueue(std::function<void()> job) {
    {
        std::lock_guard lock(mutex_);
        jobs_.push_back(std::move(job));
    }
    wake_.notify_one();
}

void JanusClient::worker() {
    auto last = std::chrono::steady_clock::now();
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock lock(mutex_);
            wake_.wait_until(lock, last + kKeepalive, [this] { return stopping_.load() || !jobs_.empty(); });
            if (stopping_) return;
            if (!jobs_.empty()) {
                job = std::move(jobs_.front());
                jobs_.pop_front();
            }
        }
        if (job) {
            job();
        } else if (const std::uint64_t s = session_.load()) {
            post(post_curl_, "/" + std::to_string(s), Json::object().set("janus", "keepalive"));
        }
        last = std::chrono::steady_clock::now();
    }
}

void JanusClient::attach(std::function<void(std::optional<std::uint64_t>)> done) {
    enqueue([this, done = std::move(done)] {
        const std::uint64_t s = session_.load();
        if (!s) return done(std::nullopt);
        Json answer = post(post_curl_, "/" + std::to_string(s),
                           Json::object().set("janus", "attach").set("plugin", settings_.plugin));
        json_t* id = json_object_get(answer.field("data"), "id");
        if (answer.string_at("janus") != std::string("success") || !json_is_integer(id)) return done(std::nullopt);
        done(static_cast<std::uint64_t>(json_integer_value(id)));
    });
}

void JanusClient::message(std::uint64_t handle, const std::string& transaction, Json body,
                          std::function<void()> failed) {
    enqueue([this, handle, transaction, body = std::move(body), failed = std::move(failed)]() mutable {
        const std::uint64_t s = session_.load();
        Json request = Json::object().set("janus", "message").set("body", body);
        Json answer;
        if (s) {
            // The transaction of the answer event is ours, not the one post() would add.
            request.set("transaction", transaction);
            if (const std::string t = token(); !t.empty()) request.set("token", t);
            std::string text = request.dump();
            auto raw = exchange(static_cast<CURL*>(post_curl_),
                                settings_.url + "/" + std::to_string(s) + "/" + std::to_string(handle), &text,
                                kPostTimeoutMs, &stopping_);
            sodium_memzero(text.data(), text.size());
            if (raw) answer = parse(*raw);
        }
        wipe_json_strings(request.get());
        if (answer.string_at("janus") != std::string("ack") && answer.string_at("janus") != std::string("success") &&
            failed)
            failed();
    });
}

void JanusClient::detach(std::uint64_t handle) {
    enqueue([this, handle] {
        if (const std::uint64_t s = session_.load())
            post(post_curl_, "/" + std::to_string(s) + "/" + std::to_string(handle),
                 Json::object().set("janus", "detach"));
    });
}

bool JanusClient::create_session() {
    CURL* curl = curl_easy_init();
    if (!curl) return false;
    Json answer = post(curl, "", Json::object().set("janus", "create"));
    curl_easy_cleanup(curl);
    json_t* id = json_object_get(answer.field("data"), "id");
    if (answer.string_at("janus") != std::string("success") || !json_is_integer(id)) return false;
    session_.store(static_cast<std::uint64_t>(json_integer_value(id)));
    return true;
}

void JanusClient::poller() {
    CURL* curl = curl_easy_init();
    std::uint64_t rid = 0;
    while (!stopping_) {
        if (!session_.load()) {
            if (!create_session()) {
                std::this_thread::sleep_for(kRetry);
                continue;
            }
            if (on_ready_) on_ready_();
        }
        const std::uint64_t s = session_.load();
        std::string url = settings_.url + "/" + std::to_string(s) + "?maxev=10&rid=" + std::to_string(++rid);
        if (const std::string t = token(); !t.empty()) {
            char* escaped = curl_easy_escape(curl, t.c_str(), static_cast<int>(t.size()));
            url += std::string("&token=") + (escaped ? escaped : "");
            curl_free(escaped);
        }
        auto raw = curl ? exchange(curl, url, nullptr, kPollTimeoutMs, &stopping_) : std::nullopt;
        if (stopping_) break;
        Json answer = raw ? parse(*raw) : Json();
        bool lost = !answer;
        auto deliver = [&](json_t* event) {
            const char* kind = json_string_value(json_object_get(event, "janus"));
            if (!kind) return;
            const std::string k = kind;
            if (k == "keepalive") return;
            // 458: no such session (Janus restarted, or the session timed out).
            if (k == "timeout" || (k == "error" && json_integer_value(json_object_get(json_object_get(event, "error"), "code")) == 458)) {
                lost = true;
                return;
            }
            on_event_(Json::borrow(event));
        };
        if (json_is_array(answer.get())) {
            std::size_t i;
            json_t* event;
            json_array_foreach(answer.get(), i, event) deliver(event);
        } else if (answer) {
            deliver(answer.get());
        }
        if (lost) {
            session_.store(0);
            if (on_lost_) on_lost_();
            std::this_thread::sleep_for(kRetry);
        }
    }
    if (curl) curl_easy_cleanup(curl);
}

}  // namespace counsel::phone
