// The formats a practitioner's key_hash may have in the configuration,
// checked whole at start: a hash that can never verify would lock its
// practitioner out (482 for the right key) without a word.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace counsel {

// What is wrong with `key_hash`, or nullopt if it is one the plugin can check
// keys against. Never quotes the hash.
std::optional<std::string> key_hash_problem(std::string_view key_hash);

// The Argon2id PHC string crypto_pwhash_str (counsel-keygen) writes, parsed
// whole: "$argon2id$v=19$m=<KiB>,t=<passes>,p=1$<salt>$<hash>" with canonical
// numbers, a 16-byte salt and a 32-byte hash in unpadded standard base64.
std::optional<std::string> argon2id_hash_problem(std::string_view key_hash);

}  // namespace counsel
