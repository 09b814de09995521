#include "core/argon2id_string.hpp"

#include <sodium.h>

#include <cstdint>

namespace counsel {
namespace {

constexpr std::string_view kArgon2idPrefix = "$argon2id$";
// What crypto_pwhash_str writes (libsodium's argon2 encoder).
constexpr std::size_t kSaltBytes = crypto_pwhash_SALTBYTES;  // 16
constexpr std::size_t kHashBytes = 32;
// Checks run one at a time on their own thread: a hash asking for more than
// libsodium's "sensitive" limits (1 GiB, 4 passes; seconds per check) would
// hold up every practitioner's create behind it.
constexpr std::uint64_t kMaxMemoryKiB = crypto_pwhash_MEMLIMIT_SENSITIVE / 1024;
constexpr std::uint64_t kMaxPasses = crypto_pwhash_OPSLIMIT_SENSITIVE;

// Consumes `literal` from the front of `text`.
bool take(std::string_view& text, std::string_view literal) {
    if (text.substr(0, literal.size()) != literal) return false;
    text.remove_prefix(literal.size());
    return true;
}

// A decimal number without sign or leading zeros, at most 10 digits.
std::optional<std::uint64_t> take_number(std::string_view& text) {
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
    if (digits == 0 || digits > 10 || (digits > 1 && text[0] == '0')) return std::nullopt;
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < digits; ++i) value = value * 10 + static_cast<std::uint64_t>(text[i] - '0');
    text.remove_prefix(digits);
    return value;
}

// Whether `text` is exactly `bytes` bytes in unpadded standard base64 (the
// unused low bits of the last character zero, as an encoder leaves them).
bool is_base64_of(std::string_view text, std::size_t bytes) {
    if (text.size() != sodium_base64_encoded_len(bytes, sodium_base64_VARIANT_ORIGINAL_NO_PADDING) - 1) return false;
    unsigned char out[64];
    std::size_t decoded = 0;
    const char* end = nullptr;
    if (sodium_base642bin(out, sizeof out, text.data(), text.size(), nullptr, &decoded, &end,
                          sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0)
        return false;
    sodium_memzero(out, sizeof out);
    return decoded == bytes && end == text.data() + text.size();
}

}  // namespace

std::optional<std::string> argon2id_hash_problem(std::string_view hash) {
    std::string_view rest = hash;
    if (!take(rest, kArgon2idPrefix)) return "it does not start with $argon2id$";
    if (!take(rest, "v=")) return "the version (v=19) is missing";
    const auto version = take_number(rest);
    if (!version || *version != 19 || !take(rest, "$")) return "only version 19 (v=19$) is supported";
    std::optional<std::uint64_t> memory, passes, lanes;
    if (!take(rest, "m=") || !(memory = take_number(rest)) || !take(rest, ",t=") || !(passes = take_number(rest)) ||
        !take(rest, ",p=") || !(lanes = take_number(rest)) || !take(rest, "$"))
        return "its parameters must read m=<KiB>,t=<passes>,p=1$";
    if (*lanes != 1) return "p must be 1 (libsodium checks single-lane hashes only)";
    if (*memory < 8 || *memory > kMaxMemoryKiB) return "m must be 8 .. " + std::to_string(kMaxMemoryKiB) + " KiB";
    if (*passes < 1 || *passes > kMaxPasses) return "t must be 1 .. " + std::to_string(kMaxPasses);
    const std::size_t dollar = rest.find('$');
    if (dollar == std::string_view::npos) return "the salt or the hash is missing";
    if (!is_base64_of(rest.substr(0, dollar), kSaltBytes))
        return "the salt must be " + std::to_string(kSaltBytes) + " bytes of unpadded base64";
    if (!is_base64_of(rest.substr(dollar + 1), kHashBytes))
        return "the hash must be " + std::to_string(kHashBytes) + " bytes of unpadded base64 (cut short?)";
    return std::nullopt;
}


}  // namespace counsel
