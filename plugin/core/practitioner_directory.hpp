// Who may create rooms: practitioners whose key matches an Argon2id hash from
// the configuration. Argon2id costs ~50 ms and 64 MiB per check by design, so
// a key that verified once is remembered by a keyed fast hash for the life of
// the process; failures are what the rate limits bound.
//
// A key names its practitioner ("<id>.<secret>", counsel-keygen --id), so a
// check costs at most one Argon2id however many practitioners a hoster has:
// the room thread must never spend N x 50 ms on one wrong key. A key without
// an id is accepted only when exactly one practitioner is configured.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "core/credentials.hpp"

namespace counsel {

class PractitionerDirectory {
public:
    explicit PractitionerDirectory(std::vector<PractitionerEntry> entries);

    // The practitioner id of a key that verified before (cheap: no Argon2id).
    std::optional<std::string> recall(std::string_view key) const;
    // The practitioner id the key belongs to, or nullopt (at most one Argon2id).
    std::optional<std::string> verify(std::string_view key);

    // Argon2id verifications run so far (admin stats; tests see the cost).
    std::size_t argon2_checks() const { return argon2_checks_; }

private:
    // The one entry a key may belong to, or nullptr.
    const PractitionerEntry* candidate(std::string_view key, std::size_t& index) const;

    struct Remembered {
        Digest key_digest;
        std::size_t index;
    };
    std::vector<PractitionerEntry> entries_;
    CredentialHasher hasher_;
    std::vector<Remembered> remembered_;
    std::size_t argon2_checks_ = 0;
};

}  // namespace counsel
