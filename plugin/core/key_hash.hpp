// The forms a practitioner's `key_hash` may take in the configuration.
//
// "$blake2b$<salt>$<digest>" (what counsel-keygen prints): a salted BLAKE2b-256
// of the whole key, salt 16 and digest 32 bytes as base64url without padding.
// counsel-keygen's keys carry 256 random bits, so nobody can guess one however
// fast a guess is checked: a check costs ~1 µs and needs no CPU limit, and a
// flood of wrong keys can never crowd out the right one.
//
// "$argon2id$..." (crypto_pwhash_str; what counsel-keygen printed before and
// what a hand-made, low-entropy secret needs): still accepted. It costs ~50 ms
// and 64 MiB per check by design, so its checks are rate-limited (README
// "Rate limits").
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace counsel {

enum class KeyHashForm { Blake2b, Argon2id };

// A parsed "$blake2b$" hash.
struct FastKeyHash {
    std::array<unsigned char, 16> salt{};
    std::array<unsigned char, 32> digest{};
};

// Which form `hash` has, judged by its prefix; nullopt for neither.
std::optional<KeyHashForm> key_hash_form(std::string_view hash);
// Why `hash` cannot be used, or nullopt. Both forms are parsed whole (an
// "$argon2id$" one by argon2id_hash_problem); the text never quotes the hash.
std::optional<std::string> key_hash_problem(std::string_view hash);
// The parsed form of a well-formed "$blake2b$" hash.
std::optional<FastKeyHash> parse_fast_key_hash(std::string_view hash);

// A new "$blake2b$" hash of `key` with a fresh random salt.
std::string make_fast_key_hash(std::string_view key);
// Whether `key` matches; constant time in the digest comparison.
bool fast_key_matches(const FastKeyHash& hash, std::string_view key);

}  // namespace counsel
