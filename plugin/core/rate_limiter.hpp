// Token buckets for failed attempts, keyed by whatever the caller chooses
// (a handle, a room id digest). Only failures cost a token; an empty bucket
// refuses without looking at the credential. Memory is bounded: when full,
// buckets that have refilled completely are dropped first, then the oldest.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace counsel {

struct BucketPolicy {
    int burst;                    // failures allowed back to back
    std::int64_t refill_ms;       // one more failure allowed per this interval
    std::size_t max_keys;         // memory bound
};

class RateLimiter {
public:
    explicit RateLimiter(BucketPolicy policy) : policy_(policy) {}

    // Whether a new attempt may be judged now.
    bool allows(const std::string& key, std::int64_t now_ms) const;
    // Records one failed attempt.
    void fail(const std::string& key, std::int64_t now_ms);
    // Drops the key's bucket (its subject is gone).
    void forget(const std::string& key) { buckets_.erase(key); }
    // Drops every bucket that has refilled completely.
    void sweep(std::int64_t now_ms);
    // Milliseconds until the key may try again (0 if it may now).
    std::int64_t retry_after_ms(const std::string& key, std::int64_t now_ms) const;
    std::size_t size() const { return buckets_.size(); }

private:
    struct Bucket {
        double tokens;
        std::int64_t updated_ms;
    };
    double tokens_now(const Bucket& bucket, std::int64_t now_ms) const;
    void make_room(std::int64_t now_ms);

    BucketPolicy policy_;
    std::map<std::string, Bucket> buckets_;
};

}  // namespace counsel
