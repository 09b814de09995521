#include "core/argon2id_checker.hpp"

#include <sodium.h>

#include <memory>

namespace counsel {
namespace {

SerialWorkerOptions checker_options() {
    SerialWorkerOptions o;
    o.at_stop = AtStop::Drop;
    return o;
}

}  // namespace

Argon2idChecker::Argon2idChecker(Post post) : post_(std::move(post)), worker_(checker_options()) {}

Argon2idChecker::~Argon2idChecker() { stop(); }

void Argon2idChecker::check(std::string hash, SecretString key, std::function<void(bool)> done) {
    // Shared, not copied: a task is copyable, a key must exist once.
    auto check = std::make_shared<Check>(Check{std::move(hash), std::move(key), std::move(done)});
    worker_.post([this, check] { run(*check); });
}

void Argon2idChecker::stop() { worker_.stop(); }

void Argon2idChecker::run(Check& check) {
    // crypto_pwhash_str_verify wants a NUL-terminated password.
    std::string text(check.key.view());
    check.key.wipe();
    const bool ok = crypto_pwhash_str_verify(check.hash.c_str(), text.c_str(), text.size()) == 0;
    sodium_memzero(text.data(), text.size());
    if (worker_.stop_requested()) return;
    post_([done = std::move(check.done), ok] { done(ok); });
}

}  // namespace counsel
