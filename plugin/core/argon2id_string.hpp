// An "$argon2id$" key_hash checked whole at start: a hash that can never
// verify would lock its practitioner out (482 for the right key) without a
// word. key_hash_problem (key_hash.hpp) calls it for that form.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace counsel {

// The Argon2id PHC string crypto_pwhash_str (counsel-keygen) writes, parsed
// whole: "$argon2id$v=19$m=<KiB>,t=<passes>,p=1$<salt>$<hash>" with canonical
// numbers, a 16-byte salt and a 32-byte hash in unpadded standard base64.
std::optional<std::string> argon2id_hash_problem(std::string_view key_hash);

}  // namespace counsel
