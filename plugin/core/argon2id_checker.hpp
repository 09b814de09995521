// Argon2id verifications off the room thread. One costs ~50 ms and 64 MiB by
// design, and seconds on a loaded machine; on the room thread it would hold
// up every request of every room while a flood of wrong keys names an
// Argon2id practitioner. Here the checks run one at a time on a thread of
// their own and each result comes back as a job for the room thread. The
// rate limits (charged before a check is queued) bound how many wait.
#pragma once

#include <functional>
#include <string>

#include "core/secret_string.hpp"
#include "core/serial_worker.hpp"

namespace counsel {

class Argon2idChecker {
public:
    // Runs a job on the room thread (RoomThread::post).
    using Post = std::function<void(std::function<void()>)>;

    explicit Argon2idChecker(Post post);
    ~Argon2idChecker();
    Argon2idChecker(const Argon2idChecker&) = delete;
    Argon2idChecker& operator=(const Argon2idChecker&) = delete;

    // Checks `key` against the crypt-style `hash`; `done(matches)` is posted
    // once the check has run. `key` is wiped after the check.
    void check(std::string hash, SecretString key, std::function<void(bool)> done);
    // Lets the check in progress finish, drops the queued ones; posts nothing
    // afterwards. Idempotent; the destructor calls it.
    void stop();

private:
    struct Check {
        std::string hash;
        SecretString key;
        std::function<void(bool)> done;
    };
    void run(Check& check);

    Post post_;
    SerialWorker worker_;  // drops queued checks at stop (their keys are wiped)
};

}  // namespace counsel
