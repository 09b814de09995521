#include "core/key_hash.hpp"

#include <sodium.h>

#include "core/argon2id_string.hpp"

namespace counsel {
namespace {

constexpr std::string_view kBlake2bPrefix = "$blake2b$";
constexpr std::string_view kArgon2idPrefix = "$argon2id$";
// Binds the digest to its purpose: the same key hashed for anything else differs.
constexpr std::string_view kDomain = "janus-counsel/practitioner-key/v1";
constexpr int kBase64 = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

template <std::size_t N>
bool decode_exact(std::string_view text, std::array<unsigned char, N>& out) {
    if (text.size() != sodium_base64_ENCODED_LEN(N, kBase64) - 1) return false;
    std::size_t written = 0;
    const char* end = nullptr;
    return sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &written, &end, kBase64) == 0 &&
           written == N && end == text.data() + text.size();
}

template <std::size_t N>
std::string encode(const std::array<unsigned char, N>& bytes) {
    char text[sodium_base64_ENCODED_LEN(N, kBase64)];
    sodium_bin2base64(text, sizeof text, bytes.data(), bytes.size(), kBase64);
    return text;
}

std::array<unsigned char, 32> digest_of(const std::array<unsigned char, 16>& salt, std::string_view key) {
    std::array<unsigned char, 32> out{};
    crypto_generichash_state state;
    crypto_generichash_init(&state, salt.data(), salt.size(), out.size());
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(kDomain.data()), kDomain.size());
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
    crypto_generichash_final(&state, out.data(), out.size());
    sodium_memzero(&state, sizeof state);
    return out;
}

}  // namespace

std::optional<KeyHashForm> key_hash_form(std::string_view hash) {
    if (hash.starts_with(kBlake2bPrefix)) return KeyHashForm::Blake2b;
    if (hash.starts_with(kArgon2idPrefix)) return KeyHashForm::Argon2id;
    return std::nullopt;
}

std::optional<std::string> key_hash_problem(std::string_view hash) {
    const auto form = key_hash_form(hash);
    if (!form) return "is not from counsel-keygen (it must start with $blake2b$ or $argon2id$)";
    if (*form == KeyHashForm::Argon2id) {
        if (auto why = argon2id_hash_problem(hash)) return "is a malformed $argon2id$ hash: " + *why;
        return std::nullopt;
    }
    if (!parse_fast_key_hash(hash))
        return "is a malformed $blake2b$ hash (expected $blake2b$<22-character salt>$<43-character digest>)";
    return std::nullopt;
}

std::optional<FastKeyHash> parse_fast_key_hash(std::string_view hash) {
    if (!hash.starts_with(kBlake2bPrefix)) return std::nullopt;
    const std::string_view rest = hash.substr(kBlake2bPrefix.size());
    const std::size_t dollar = rest.find('$');
    if (dollar == std::string_view::npos) return std::nullopt;
    FastKeyHash out;
    if (!decode_exact(rest.substr(0, dollar), out.salt) || !decode_exact(rest.substr(dollar + 1), out.digest))
        return std::nullopt;
    return out;
}

std::string make_fast_key_hash(std::string_view key) {
    std::array<unsigned char, 16> salt{};
    randombytes_buf(salt.data(), salt.size());
    return std::string(kBlake2bPrefix) + encode(salt) + "$" + encode(digest_of(salt, key));
}

bool fast_key_matches(const FastKeyHash& hash, std::string_view key) {
    std::array<unsigned char, 32> presented = digest_of(hash.salt, key);
    const bool same = sodium_memcmp(presented.data(), hash.digest.data(), presented.size()) == 0;
    sodium_memzero(presented.data(), presented.size());
    return same;
}

}  // namespace counsel
