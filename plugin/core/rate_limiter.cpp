#include "core/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace counsel {

double RateLimiter::tokens_now(const Bucket& bucket, std::int64_t now_ms) const {
    const double elapsed = static_cast<double>(std::max<std::int64_t>(0, now_ms - bucket.updated_ms));
    return std::min<double>(policy_.burst, bucket.tokens + elapsed / static_cast<double>(policy_.refill_ms));
}

bool RateLimiter::allows(const std::string& key, std::int64_t now_ms) const {
    auto it = buckets_.find(key);
    return it == buckets_.end() || tokens_now(it->second, now_ms) >= 1.0;
}

std::int64_t RateLimiter::retry_after_ms(const std::string& key, std::int64_t now_ms) const {
    auto it = buckets_.find(key);
    if (it == buckets_.end()) return 0;
    const double missing = 1.0 - tokens_now(it->second, now_ms);
    if (missing <= 0) return 0;
    return static_cast<std::int64_t>(std::ceil(missing * static_cast<double>(policy_.refill_ms)));
}

void RateLimiter::fail(const std::string& key, std::int64_t now_ms) {
    auto it = buckets_.find(key);
    if (it == buckets_.end()) {
        make_room(now_ms);
        it = buckets_.emplace(key, Bucket{static_cast<double>(policy_.burst), now_ms}).first;
    }
    Bucket& bucket = it->second;
    bucket.tokens = std::max(0.0, tokens_now(bucket, now_ms) - 1.0);
    bucket.updated_ms = now_ms;
}

void RateLimiter::sweep(std::int64_t now_ms) {
    std::erase_if(buckets_, [&](const auto& entry) { return tokens_now(entry.second, now_ms) >= policy_.burst; });
}

void RateLimiter::make_room(std::int64_t now_ms) {
    if (buckets_.size() < policy_.max_keys) return;
    sweep(now_ms);
    if (buckets_.size() < policy_.max_keys) return;
    // Still full of active buckets: forget the one touched longest ago.
    auto oldest = std::min_element(buckets_.begin(), buckets_.end(), [](const auto& a, const auto& b) {
        return a.second.updated_ms < b.second.updated_ms;
    });
    buckets_.erase(oldest);
}

}  // namespace counsel
