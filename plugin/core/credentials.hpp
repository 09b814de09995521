// Random identifiers and credentials, and the keyed hashes the server keeps
// instead of them. All randomness comes from libsodium (the OS CSPRNG).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace counsel {

// A keyed BLAKE2b-256 of a credential. Only these are stored.
using Digest = std::array<unsigned char, 32>;

constexpr std::size_t kTokenChars = 22;     // 128 bits, URL-safe base64 without padding
constexpr std::size_t kPasswordChars = 12;  // 59 bits from a 31-letter alphabet

// A new room id or token: 128 random bits, URL-safe.
std::string random_token();
// A new room password: typable, no look-alike letters.
std::string random_password();
// A new participant id in [1, 2^53): safe as a JavaScript number.
std::uint64_t random_participant_id();

// Syntax checks (no secrets involved).
bool looks_like_token(std::string_view text);
bool looks_like_password(std::string_view text);

// Hashes credentials under a key drawn once per process: tokens never
// outlive the process, so nothing needs to verify them after a restart.
class CredentialHasher {
public:
    CredentialHasher();
    ~CredentialHasher();
    CredentialHasher(const CredentialHasher&) = delete;
    CredentialHasher& operator=(const CredentialHasher&) = delete;
    Digest hash(std::string_view credential) const;

private:
    std::array<unsigned char, 32> key_{};
};

// The durable name of a room: an unkeyed, domain-separated hash of its id,
// stable across restarts so tombstones outlive the process.
Digest room_digest(std::string_view room_id);
std::string hex(const Digest& digest, std::size_t bytes = 32);

// Constant-time equality.
bool digest_equal(const Digest& a, const Digest& b);

}  // namespace counsel
