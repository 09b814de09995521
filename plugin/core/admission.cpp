// Credentials and the limits on guessing them (see admission.hpp for the rule).
#include "core/admission.hpp"

namespace counsel {
namespace {

constexpr std::int64_t kSweepEveryMs = 10'000;
// Argon2id checks waiting or running at once: one costs ~50 ms, seconds on a
// loaded machine, so a longer queue would only answer later, not more.
constexpr std::size_t kMaxArgon2idInFlight = 2;
const std::string kGlobalKey = "global";

std::string handle_key(HandleId handle) { return std::to_string(handle); }

}  // namespace

Admission::Admission(const Config& config, Gateway& gateway, const Clock& clock)
    : gateway_(gateway),
      clock_(clock),
      practitioners_(config.practitioners),
      phone_service_key_(parse_fast_key_hash(config.phone_service_key_hash)),
      handle_attempts_({5, 10'000, 100'000}),
      room_attempts_({20, 3'000, SIZE_MAX}),
      unknown_room_attempts_({20, 3'000, 20'000}),
      key_attempts_({5, 10'000, 100'000}),
      argon2id_attempts_({5, 2'000, 10'000}),
      argon2id_global_({10, 1'000, 1}),
      create_refusals_(Gateway::Level::Warn, "create(s) refused (practitioner key)", kSweepEveryMs) {}

Admission::~Admission() { stop(); }

bool Admission::join_allowed(HandleId handle, const std::string& room_key, bool by_password, std::int64_t now_ms) {
    // Tokens carry 128 random bits: only the room password needs a limit per room.
    const bool allowed =
        handle_attempts_.allows(handle_key(handle), now_ms) &&
        (!by_password || (room_attempts_.allows(room_key, now_ms) && unknown_room_attempts_.allows(room_key, now_ms)));
    if (!allowed) ++counts_.join_limited;
    return allowed;
}

void Admission::join_failed(HandleId handle, const std::string& room_key, bool by_password, bool known_room,
                            std::int64_t now_ms) {
    ++counts_.join_refused;
    handle_attempts_.fail(handle_key(handle), now_ms);
    if (by_password) (known_room ? room_attempts_ : unknown_room_attempts_).fail(room_key, now_ms);
}

bool Admission::argon2id_allowed(const std::string& practitioner, std::int64_t now_ms) const {
    return argon2id_attempts_.allows(practitioner, now_ms) && argon2id_global_.allows(kGlobalKey, now_ms);
}

void Admission::judge_practitioner_key(HandleId handle, SecretString& key, KeyDone done) {
    const std::int64_t now_ms = clock_.monotonic_ms();
    const std::string who = handle_key(handle);
    // Only an Argon2id check waits for the limits (they bound its CPU time);
    // any other key is judged at once, so wrong keys cannot crowd out a right one.
    const std::optional<std::string> costly = practitioners_.argon2id_needed(key.view());
    if (!costly) {
        auto practitioner = practitioners_.verify(key.view());
        key.wipe();
        return done(settle(handle, std::move(practitioner), false));
    }
    if (!key_attempts_.allows(who, now_ms) || !argon2id_allowed(*costly, now_ms) ||
        argon2id_in_flight_ >= kMaxArgon2idInFlight) {
        key.wipe();
        ++counts_.create_limited;
        return done(KeyVerdict{std::nullopt, Refusal::Limited});
    }
    // Charged before the check, so that checks waiting for their turn count too.
    key_attempts_.fail(who, now_ms);
    argon2id_attempts_.fail(*costly, now_ms);
    argon2id_global_.fail(kGlobalKey, now_ms);
    if (!argon2id_checker_) {
        auto practitioner = practitioners_.verify(key.view());
        key.wipe();
        return done(settle(handle, std::move(practitioner), true));
    }
    auto check = std::make_shared<PractitionerDirectory::Argon2idCheck>(practitioners_.prepare_argon2id(key.view()));
    std::string hash = check->hash;
    ++argon2id_in_flight_;
    argon2id_checker_->check(std::move(hash), std::move(key),
                             [this, check, handle, done = std::move(done)](bool matched) {
                                 --argon2id_in_flight_;
                                 done(settle(handle, practitioners_.finish_argon2id(*check, matched), true));
                             });
}

Admission::KeyVerdict Admission::settle(HandleId handle, std::optional<std::string> practitioner, bool charged) {
    if (practitioner) return KeyVerdict{std::move(practitioner), Refusal::None};
    const std::int64_t now_ms = clock_.monotonic_ms();
    const std::string who = handle_key(handle);
    if (!charged) {
        if (!key_attempts_.allows(who, now_ms)) {
            ++counts_.create_limited;
            return KeyVerdict{std::nullopt, Refusal::Limited};
        }
        key_attempts_.fail(who, now_ms);
    }
    ++counts_.create_refused;
    create_refusals_.refused(gateway_, "[counsel] handle " + who + ": create refused (practitioner key)", now_ms);
    return KeyVerdict{std::nullopt, Refusal::Wrong};
}

Refusal Admission::judge_phone_service_key(HandleId handle, SecretString& key) {
    // A key from counsel-keygen ($blake2b$, 256 bits) is judged at once, right
    // or wrong; only a wrong one costs from its handle's bucket, as a wrong
    // practitioner key does.
    const bool right = phone_service_key_ && fast_key_matches(*phone_service_key_, key.view());
    key.wipe();
    if (right) return Refusal::None;
    const std::int64_t now_ms = clock_.monotonic_ms();
    const std::string who = handle_key(handle);
    if (!key_attempts_.allows(who, now_ms)) return Refusal::Limited;
    key_attempts_.fail(who, now_ms);
    return Refusal::Wrong;
}

void Admission::forget_handle(HandleId handle) {
    handle_attempts_.forget(handle_key(handle));
    key_attempts_.forget(handle_key(handle));
}

void Admission::forget_room(const std::string& room_key) { room_attempts_.forget(room_key); }

void Admission::tick(std::int64_t now_ms) {
    if (now_ms - last_sweep_ms_ >= kSweepEveryMs) {
        last_sweep_ms_ = now_ms;
        handle_attempts_.sweep(now_ms);
        room_attempts_.sweep(now_ms);
        unknown_room_attempts_.sweep(now_ms);
        key_attempts_.sweep(now_ms);
        argon2id_attempts_.sweep(now_ms);
        argon2id_global_.sweep(now_ms);
    }
    create_refusals_.flush(gateway_, now_ms);
}

void Admission::check_argon2id_off_thread(Argon2idChecker::Post post) {
    argon2id_checker_ = std::make_unique<Argon2idChecker>(std::move(post));
}

void Admission::stop() {
    if (argon2id_checker_) argon2id_checker_->stop();
}

AttemptCounts Admission::counts() const {
    AttemptCounts c = counts_;
    c.argon2id_checks = practitioners_.argon2_checks();
    return c;
}

}  // namespace counsel
