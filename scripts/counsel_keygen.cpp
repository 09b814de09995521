// counsel-keygen: prints a new practitioner key and its Argon2id hash.
//
//   counsel-keygen          key=<key>
//                           key_hash=<hash>
//   counsel-keygen --json   {"key": "<key>", "key_hash": "<hash>"}
//
// The key is 32 bytes from the OS CSPRNG written as URL-safe base64 without
// padding (43 characters); it goes to the practitioner and nowhere else. The
// hash (crypto_pwhash_str, Argon2id, interactive limits) of that text goes
// into janus.plugin.counsel.jcfg:
//   practitioners = ( { id = "dr-a"; key_hash = "<hash>"; } )
#include <sodium.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <string_view>

namespace {

constexpr std::size_t kKeyBytes = 32;

int usage(std::FILE* out) {
    std::fputs("usage: counsel-keygen [--json]\n"
               "Prints a new practitioner key and its Argon2id hash for janus.plugin.counsel.jcfg.\n",
               out);
    return out == stdout ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
    bool json = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg(argv[i]);
        if (arg == "--json") {
            json = true;
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
    std::array<char, sodium_base64_ENCODED_LEN(kKeyBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)> key{};
    std::array<char, crypto_pwhash_STRBYTES> hash{};
    int status = 0;

    randombytes_buf(raw.data(), raw.size());
    sodium_bin2base64(key.data(), key.size(), raw.data(), raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw.data(), raw.size());

    if (crypto_pwhash_str(hash.data(), key.data(), std::strlen(key.data()), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        std::fputs("counsel-keygen: out of memory while hashing the key\n", stderr);
        status = 1;
    } else {
        // Neither string needs JSON escaping: base64url and the crypt-style
        // hash use only [A-Za-z0-9$=,+/._-].
        const int written = json ? std::printf("{\"key\":\"%s\",\"key_hash\":\"%s\"}\n", key.data(), hash.data())
                                 : std::printf("key=%s\nkey_hash=%s\n", key.data(), hash.data());
        if (written < 0 || std::fflush(stdout) != 0) {
            std::fputs("counsel-keygen: could not write the output\n", stderr);
            status = 1;
        }
    }

    sodium_memzero(key.data(), key.size());
    sodium_memzero(hash.data(), hash.size());
    return status;
}
