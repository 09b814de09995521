// counsel-keygen: prints a new practitioner key and its hash for the config.
//
//   counsel-keygen [--id ID]          key=<key>
//                                     key_hash=<hash>
//   counsel-keygen [--id ID] --json   {"key": "<key>", "key_hash": "<hash>"}
//   counsel-keygen --rehash [--json]  key_hash=<hash> of the key on stdin's first line
//
// The secret is 32 bytes from the OS CSPRNG written as URL-safe base64 without
// padding (43 characters); with --id the key is "<ID>.<secret>", so the plugin
// checks it against that practitioner's hash only (required when more than one
// practitioner is configured). The key goes to the practitioner and nowhere
// else. The hash of the whole key goes into janus.plugin.counsel.jcfg:
//   practitioners = ( { id = "dr-a"; key_hash = "<hash>"; } )
//
// The hash is "$blake2b$<salt>$<digest>" (plugin/core/key_hash.hpp): a key of
// 256 random bits cannot be guessed however fast a guess is checked, so the
// plugin checks it in a microsecond and a flood of wrong keys never delays it.
// Older versions printed an Argon2id hash ("$argon2id$..."), which the plugin
// still accepts but must rate-limit (~50 ms per check); --rehash turns a key
// this tool made into the fast form without handing out a new key.
#include <sodium.h>

#include <array>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "core/key_hash.hpp"

namespace {

constexpr std::size_t kKeyBytes = 32;
constexpr std::size_t kSecretChars = sodium_base64_ENCODED_LEN(kKeyBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING) - 1;
constexpr std::size_t kMaxKeyChars = 64 + 1 + kSecretChars;

int usage(std::FILE* out) {
    std::fputs("usage: counsel-keygen [--id ID] [--json]\n"
               "       counsel-keygen --rehash [--json]   (the key on stdin)\n"
               "Prints a new practitioner key and its $blake2b$ hash for janus.plugin.counsel.jcfg.\n"
               "--id ID makes the key name its practitioner (ID.secret), as the plugin requires\n"
               "when more than one practitioner is configured. ID: 1-64 of [A-Za-z0-9._-].\n"
               "--rehash prints the $blake2b$ hash of a key this tool made before (read from the\n"
               "first line of stdin, never from the command line), to replace its $argon2id$ hash.\n",
               out);
    return out == stdout ? 0 : 2;
}

// Printable without escaping in JSON and in the jcfg; the plugin splits at the last '.'.
bool valid_id(std::string_view id) {
    if (id.empty() || id.size() > 64) return false;
    for (char c : id)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) return false;
    return true;
}

// Whether `key` is one this tool makes: [ID.]<43 base64url characters> (256 bits).
// Only such a key may have a fast hash; a hand-made secret needs Argon2id.
bool made_by_keygen(std::string_view key) {
    const std::size_t dot = key.rfind('.');
    const std::string_view secret = dot == std::string_view::npos ? key : key.substr(dot + 1);
    if (dot != std::string_view::npos && !valid_id(key.substr(0, dot))) return false;
    std::array<unsigned char, kKeyBytes> raw{};
    std::size_t written = 0;
    const char* end = nullptr;
    const bool ok = secret.size() == kSecretChars &&
                    sodium_base642bin(raw.data(), raw.size(), secret.data(), secret.size(), nullptr, &written, &end,
                                      sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0 &&
                    written == kKeyBytes && end == secret.data() + secret.size();
    sodium_memzero(raw.data(), raw.size());
    return ok;
}

// The first line of stdin, without its newline; false if it is too long.
bool read_key(std::string& key) {
    key.reserve(kMaxKeyChars + 2);
    for (int c = std::getchar(); c != EOF && c != '\n'; c = std::getchar()) {
        if (key.size() > kMaxKeyChars) return false;
        key.push_back(static_cast<char>(c));
    }
    if (!key.empty() && key.back() == '\r') key.pop_back();
    return true;
}

std::string new_key(const std::string& id) {
    std::array<unsigned char, kKeyBytes> raw{};
    std::array<char, kSecretChars + 1> secret{};
    randombytes_buf(raw.data(), raw.size());
    sodium_bin2base64(secret.data(), secret.size(), raw.data(), raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw.data(), raw.size());
    // Reserved up front so no reallocation leaves a copy behind.
    std::string key;
    key.reserve(id.size() + 1 + secret.size());
    if (!id.empty()) key.append(id).append(1, '.');
    key.append(secret.data());
    sodium_memzero(secret.data(), secret.size());
    return key;
}

}  // namespace

int main(int argc, char** argv) {
    bool json = false;
    bool rehash = false;
    std::string id;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg(argv[i]);
        if (arg == "--json") {
            json = true;
        } else if (arg == "--rehash") {
            rehash = true;
        } else if (arg == "--id") {
            if (i + 1 >= argc || !valid_id(argv[i + 1])) {
                std::fputs("counsel-keygen: --id needs 1-64 characters of [A-Za-z0-9._-]\n", stderr);
                return 2;
            }
            id = argv[++i];
        } else if (arg == "-h" || arg == "--help") {
            return usage(stdout);
        } else {
            std::fprintf(stderr, "counsel-keygen: unknown argument\n");
            return usage(stderr);
        }
    }
    if (rehash && !id.empty()) {
        std::fputs("counsel-keygen: --rehash takes the id from the key itself, not from --id\n", stderr);
        return 2;
    }
    if (sodium_init() < 0) {
        std::fputs("counsel-keygen: libsodium could not be initialised\n", stderr);
        return 1;
    }

    std::string key;
    if (!rehash) {
        key = new_key(id);
    } else if (!read_key(key) || !made_by_keygen(key)) {
        sodium_memzero(key.data(), key.size());
        std::fputs("counsel-keygen: stdin holds no key made by counsel-keygen ([ID.]<43 base64url characters>);\n"
                   "a hand-made secret keeps its $argon2id$ hash\n",
                   stderr);
        return 1;
    }
    std::string hash = counsel::make_fast_key_hash(key);

    // Nothing needs JSON escaping: the id, base64url and the hash use only [A-Za-z0-9$._-].
    int written;
    if (rehash) written = json ? std::printf("{\"key_hash\":\"%s\"}\n", hash.c_str()) : std::printf("key_hash=%s\n", hash.c_str());
    else if (json) written = std::printf("{\"key\":\"%s\",\"key_hash\":\"%s\"}\n", key.c_str(), hash.c_str());
    else written = std::printf("key=%s\nkey_hash=%s\n", key.c_str(), hash.c_str());
    const int status = written < 0 || std::fflush(stdout) != 0 ? 1 : 0;
    if (status != 0) std::fputs("counsel-keygen: could not write the output\n", stderr);

    sodium_memzero(key.data(), key.size());
    sodium_memzero(hash.data(), hash.size());
    return status;
}
