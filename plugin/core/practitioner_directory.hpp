// Who may create rooms: practitioners whose key matches an Argon2id hash from
// the configuration. Argon2id costs ~50 ms and 64 MiB per check by design, so
// a key that verified once is remembered by a keyed fast hash for the life of
// the process; failures are what the rate limits bound.
#pragma once

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
    // The practitioner id the key belongs to, or nullopt (Argon2id per entry).
    std::optional<std::string> verify(std::string_view key);

private:
    struct Remembered {
        Digest key_digest;
        std::size_t index;
    };
    std::vector<PractitionerEntry> entries_;
    CredentialHasher hasher_;
    std::vector<Remembered> remembered_;
};

}  // namespace counsel
