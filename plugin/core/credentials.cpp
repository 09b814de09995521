#include "core/credentials.hpp"

#include <sodium.h>

namespace counsel {
namespace {

// Lower-case letters and digits without the look-alikes i, l, o, 0, 1.
constexpr std::string_view kPasswordAlphabet = "abcdefghjkmnpqrstuvwxyz23456789";
constexpr std::string_view kTombstoneDomain = "janus-counsel/room-tombstone/v1";

bool is_url_safe(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

}  // namespace

std::string random_token() {
    unsigned char raw[16];
    randombytes_buf(raw, sizeof raw);
    char text[sodium_base64_ENCODED_LEN(sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    sodium_bin2base64(text, sizeof text, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
    std::string out(text);
    sodium_memzero(text, sizeof text);
    return out;
}

std::string random_password() {
    std::string out(kPasswordChars, '\0');
    for (auto& c : out) c = kPasswordAlphabet[randombytes_uniform(kPasswordAlphabet.size())];
    return out;
}

std::uint64_t random_participant_id() {
    std::uint64_t id = 0;
    while (id == 0) {
        randombytes_buf(&id, sizeof id);
        id &= (std::uint64_t{1} << 53) - 1;
    }
    return id;
}

bool looks_like_token(std::string_view text) {
    if (text.size() != kTokenChars) return false;
    for (char c : text)
        if (!is_url_safe(c)) return false;
    return true;
}

bool looks_like_password(std::string_view text) {
    if (text.size() != kPasswordChars) return false;
    for (char c : text)
        if (kPasswordAlphabet.find(c) == std::string_view::npos) return false;
    return true;
}

CredentialHasher::CredentialHasher() { crypto_generichash_keygen(key_.data()); }

CredentialHasher::~CredentialHasher() { sodium_memzero(key_.data(), key_.size()); }

Digest CredentialHasher::hash(std::string_view credential) const {
    Digest out{};
    crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(credential.data()),
                       credential.size(), key_.data(), key_.size());
    return out;
}

Digest room_digest(std::string_view room_id) {
    Digest out{};
    crypto_generichash_state state;
    crypto_generichash_init(&state, nullptr, 0, out.size());
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(kTombstoneDomain.data()),
                              kTombstoneDomain.size());
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(room_id.data()), room_id.size());
    crypto_generichash_final(&state, out.data(), out.size());
    return out;
}

std::string hex(const Digest& digest, std::size_t bytes) {
    if (bytes > digest.size()) bytes = digest.size();
    std::string out(bytes * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), digest.data(), bytes);
    out.pop_back();
    return out;
}

bool digest_equal(const Digest& a, const Digest& b) { return sodium_memcmp(a.data(), b.data(), a.size()) == 0; }

}  // namespace counsel
