#include "core/argon2id_checker.hpp"

#include <sodium.h>

namespace counsel {

Argon2idChecker::Argon2idChecker(Post post) : post_(std::move(post)), thread_([this] { run(); }) {}

Argon2idChecker::~Argon2idChecker() { stop(); }

void Argon2idChecker::check(std::string hash, SecretString key, std::function<void(bool)> done) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        queue_.push_back(Check{std::move(hash), std::move(key), std::move(done)});
    }
    wake_.notify_one();
}

void Argon2idChecker::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && !thread_.joinable()) return;
        stopping_ = true;
        queue_.clear();  // SecretString wipes each key
    }
    wake_.notify_one();
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void Argon2idChecker::run() {
    for (;;) {
        Check next;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            next = std::move(queue_.front());
            queue_.pop_front();
        }
        // crypto_pwhash_str_verify wants a NUL-terminated password.
        std::string text(next.key.view());
        next.key.wipe();
        const bool ok = crypto_pwhash_str_verify(next.hash.c_str(), text.c_str(), text.size()) == 0;
        sodium_memzero(text.data(), text.size());
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        post_([done = std::move(next.done), ok] { done(ok); });
    }
}

}  // namespace counsel
