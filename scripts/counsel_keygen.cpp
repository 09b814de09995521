// counsel-keygen: prints a new practitioner key and its Argon2id hash.
//
//   counsel-keygen [--id ID]          key=<key>
//                                     key_hash=<hash>
//   counsel-keygen [--id ID] --json   {"key": "<key>", "key_hash": "<hash>"}
//
// The secret is 32 bytes from the OS CSPRNG written as URL-safe base64 without
// padding (43 characters); with --id the key is "<ID>.<secret>", so the plugin
// checks it against that practitioner's hash only (required when more than one
// practitioner is configured). The key goes to the practitioner and nowhere
// else. The hash (crypto_pwhash_str, Argon2id, interactive limits) of the whole
// key goes into janus.plugin.counsel.jcfg:
//   practitioners = ( { id = "dr-a"; key_hash = "<hash>"; } )
#include <sodium.h>

#include <array>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

namespace {

constexpr std::size_t kKeyBytes = 32;

int usage(std::FILE* out) {
    std::fputs("usage: counsel-keygen [--id ID] [--json]\n"
               "Prints a new practitioner key and its Argon2id hash for janus.plugin.counsel.jcfg.\n"
               "--id ID makes the key name its practitioner (ID.secret), as the plugin requires\n"
               "when more than one practitioner is configured. ID: 1-64 of [A-Za-z0-9._-].\n",
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

}  // namespace

int main(int argc, char** argv) {
    bool json = false;
    std::string id;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg(argv[i]);
        if (arg == "--json") {
            json = true;
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
    if (sodium_init() < 0) {
        std::fputs("counsel-keygen: libsodium could not be initialised\n", stderr);
        return 1;
    }

    std::array<unsigned char, kKeyBytes> raw{};
    std::array<char, sodium_base64_ENCODED_LEN(kKeyBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)> secret{};
    std::array<char, crypto_pwhash_STRBYTES> hash{};
    int status = 0;

    randombytes_buf(raw.data(), raw.size());
    sodium_bin2base64(secret.data(), secret.size(), raw.data(), raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw.data(), raw.size());
    // Reserved up front so no reallocation leaves a copy behind.
    std::string key;
    key.reserve(id.size() + 1 + secret.size());
    if (!id.empty()) key.append(id).append(1, '.');
    key.append(secret.data());
    sodium_memzero(secret.data(), secret.size());

    if (crypto_pwhash_str(hash.data(), key.c_str(), key.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        std::fputs("counsel-keygen: out of memory while hashing the key\n", stderr);
        status = 1;
    } else {
        // Nothing needs JSON escaping: the id, base64url and the crypt-style
        // hash use only [A-Za-z0-9$=,+/._-].
        const int written = json ? std::printf("{\"key\":\"%s\",\"key_hash\":\"%s\"}\n", key.c_str(), hash.data())
                                 : std::printf("key=%s\nkey_hash=%s\n", key.c_str(), hash.data());
        if (written < 0 || std::fflush(stdout) != 0) {
            std::fputs("counsel-keygen: could not write the output\n", stderr);
            status = 1;
        }
    }

    sodium_memzero(key.data(), key.size());
    sodium_memzero(hash.data(), hash.size());
    return status;
}
