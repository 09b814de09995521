// Who may create rooms: practitioners whose key matches their key_hash from
// the configuration (core/key_hash.hpp). A "$blake2b$" hash costs ~1 µs per
// check, so checking one is free and needs no limit. An "$argon2id$" hash
// costs ~50 ms and 64 MiB per check by design; a key that verified against one
// is remembered by a keyed fast hash for the life of the process, and the
// rate limits bound the checks of the others (argon2id_needed says which).
//
// A key names its practitioner ("<id>.<secret>", counsel-keygen --id), so a
// check costs at most one hash of one entry however many practitioners a
// hoster has. A key without an id is accepted only when exactly one
// practitioner is configured.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "core/credentials.hpp"
#include "core/key_hash.hpp"

namespace counsel {

class PractitionerDirectory {
public:
    // `entries` must have passed Config::problem().
    explicit PractitionerDirectory(std::vector<PractitionerEntry> entries);

    // The practitioner whose Argon2id hash checking `key` would cost, or
    // nullopt when checking it is free (fast hash, no such practitioner, or
    // a key that verified before).
    std::optional<std::string> argon2id_needed(std::string_view key) const;
    // The practitioner id the key belongs to, or nullopt (at most one hash;
    // an Argon2id check runs right here).
    std::optional<std::string> verify(std::string_view key);

    // The same check in two halves, for an Argon2id check run elsewhere
    // (Argon2idChecker): what to check a key that argon2id_needed names
    // against, and the practitioner id once the check said whether it matched.
    struct Argon2idCheck {
        std::size_t entry;
        Digest key_digest;  // to remember the key by if it matches
        std::string hash;
    };
    Argon2idCheck prepare_argon2id(std::string_view key);
    std::optional<std::string> finish_argon2id(const Argon2idCheck& check, bool matched);

    // Argon2id verifications run so far (admin stats; tests see the cost).
    std::size_t argon2_checks() const { return argon2_checks_; }

private:
    struct Entry {
        std::string id;
        std::string argon2id;             // the "$argon2id$" string, or empty
        std::optional<FastKeyHash> fast;  // the parsed "$blake2b$" hash
    };
    // The index of the one entry a key may belong to.
    std::optional<std::size_t> candidate(std::string_view key) const;
    // A key that verified against an Argon2id hash before.
    bool remembered(std::string_view key, std::size_t entry) const;

    struct Remembered {
        Digest key_digest;
        std::size_t entry;
    };
    std::vector<Entry> entries_;
    CredentialHasher hasher_;
    std::vector<Remembered> remembered_;
    std::size_t argon2_checks_ = 0;
};

}  // namespace counsel
