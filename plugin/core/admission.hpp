// What stands between a credential and a room: the practitioner directory,
// the keyed hash of tokens, passwords and PINs, and the limits on guessing.
//
// The limits bound what guessing can achieve and what checking costs, never
// who may get in: a credential that is right and cheap to check (a token, a
// practitioner key with a $blake2b$ hash or one that verified before) is
// judged whatever the limits say. Only what a guess could find (the 60-bit room
// password) or what costs CPU (an Argon2id check) waits for a limit.
//
// Owned by RoomService and used on the room thread only; Argon2id checks may
// run on a thread of their own, their verdicts come back through `post`.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/argon2id_checker.hpp"
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/credentials.hpp"
#include "core/key_hash.hpp"
#include "core/ports/gateway.hpp"
#include "core/practitioner_directory.hpp"
#include "core/rate_limiter.hpp"
#include "core/refusal_log.hpp"
#include "core/secret_string.hpp"

namespace counsel {

// Wrong credentials: judged and refused (482), or refused unjudged (486).
struct AttemptCounts {
    std::uint64_t create_refused = 0;
    std::uint64_t create_limited = 0;
    std::uint64_t join_refused = 0;
    std::uint64_t join_limited = 0;
    std::uint64_t argon2id_checks = 0;
};

// A judged credential that is not let in: refused (482) or not judged for the limits (486).
enum class Refusal { None, Wrong, Limited };

class Admission {
public:
    Admission(const Config& config, Gateway& gateway, const Clock& clock);
    ~Admission();

    // A token, password or PIN as rooms keep it.
    Digest hash(std::string_view credential) const { return hasher_.hash(credential); }

    // Tokens, passwords and PINs. `room_key` names the room (hex of its digest).
    // Whether this attempt may be judged at all (counts the refusal when not).
    bool join_allowed(HandleId handle, const std::string& room_key, bool by_password, std::int64_t now_ms);
    // A wrong one: charged to the handle, and for a password to the room.
    void join_failed(HandleId handle, const std::string& room_key, bool by_password, bool known_room,
                     std::int64_t now_ms);

    // A practitioner key, judged now or (an Argon2id hash, off the room
    // thread) later; `done` gets the practitioner's id or why not.
    struct KeyVerdict {
        std::optional<std::string> practitioner;
        Refusal refusal = Refusal::None;
    };
    using KeyDone = std::function<void(const KeyVerdict&)>;
    void judge_practitioner_key(HandleId handle, SecretString& key, KeyDone done);

    // counsel-phone's service key ($blake2b$ only: judged at once).
    Refusal judge_phone_service_key(HandleId handle, SecretString& key);

    // Janus never reuses a handle id: its buckets can limit nothing any more.
    void forget_handle(HandleId handle);
    // An ended room's password bucket.
    void forget_room(const std::string& room_key);
    // Drops idle buckets and writes the refusal summary; call from the room tick.
    void tick(std::int64_t now_ms);

    // From now on Argon2id checks run on a thread of their own (see RoomService).
    void check_argon2id_off_thread(Argon2idChecker::Post post);
    void stop();

    AttemptCounts counts() const;

private:
    bool argon2id_allowed(const std::string& practitioner, std::int64_t now_ms) const;
    // The verdict on a key once it was checked (`charged`: its attempt already counted).
    KeyVerdict settle(HandleId handle, std::optional<std::string> practitioner, bool charged);

    Gateway& gateway_;
    const Clock& clock_;
    PractitionerDirectory practitioners_;
    CredentialHasher hasher_;
    std::optional<FastKeyHash> phone_service_key_;  // when phone is configured

    RateLimiter handle_attempts_;        // wrong tokens, passwords and PINs per handle
    RateLimiter room_attempts_;          // wrong passwords per room that exists; dropped with the room
    RateLimiter unknown_room_attempts_;  // the same for ids that do not: bounded memory
    RateLimiter key_attempts_;           // wrong practitioner and service keys per handle
    RateLimiter argon2id_attempts_;      // Argon2id checks per practitioner (one flood, one practitioner)
    RateLimiter argon2id_global_;        // caps Argon2id work
    RefusalLog create_refusals_;
    std::int64_t last_sweep_ms_ = 0;
    std::size_t argon2id_in_flight_ = 0;  // sent to the checker, verdict not back yet
    AttemptCounts counts_;
    // Last: destroyed (its thread joined) before anything its results use.
    std::unique_ptr<Argon2idChecker> argon2id_checker_;
};

}  // namespace counsel
