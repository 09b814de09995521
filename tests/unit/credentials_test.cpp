// Random identifiers and the hashes kept instead of them: formats, uniqueness,
// syntax checks, per-process hash keys, and the stable room digest that
// tombstones rely on across restarts.
#include <sodium.h>

#include <array>
#include <set>

#include "core/credentials.hpp"
#include "support/scenario.hpp"

using namespace counsel;
using namespace counsel::testing;

namespace {

bool url_safe(char c) { return isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; }

void random_tokens_are_22_url_safe_chars_and_unique(void**) {
    std::set<std::string> seen;
    std::array<int, 256> used{};
    for (int i = 0; i < 10'000; ++i) {
        const std::string t = random_token();
        assert_int_equal(t.size(), kTokenChars);
        assert_int_equal(t.size(), 22);
        for (char c : t) {
            assert_true(url_safe(c));
            ++used[static_cast<unsigned char>(c)];
        }
        assert_true(looks_like_token(t));
        assert_true(seen.insert(t).second);
    }
    // All 64 symbols of the alphabet show up: 128 bits really are spread over it.
    int symbols = 0;
    for (int n : used) symbols += n > 0;
    assert_int_equal(symbols, 64);
}

void random_passwords_are_12_typable_chars(void**) {
    std::set<std::string> seen;
    for (int i = 0; i < 10'000; ++i) {
        const std::string p = random_password();
        assert_int_equal(p.size(), kPasswordChars);
        assert_int_equal(p.size(), 12);
        for (char c : p) {
            assert_true((c >= 'a' && c <= 'z') || (c >= '2' && c <= '9'));
            assert_true(c != 'i' && c != 'l' && c != 'o');
        }
        assert_true(looks_like_password(p));
        assert_true(seen.insert(p).second);
    }
}

void participant_ids_fit_a_javascript_number(void**) {
    std::set<std::uint64_t> seen;
    for (int i = 0; i < 10'000; ++i) {
        const std::uint64_t id = random_participant_id();
        assert_true(id >= 1);
        assert_true(id < (std::uint64_t{1} << 53));
        assert_true(seen.insert(id).second);
    }
}

void looks_like_token_accepts_exactly_the_format(void**) {
    assert_true(looks_like_token("AAAAAAAAAAAAAAAAAAAAAA"));
    assert_true(looks_like_token("abcdefghijklmnopqrstuv"));
    assert_true(looks_like_token("0123456789-_ABCDEFGHIJ"));
    assert_false(looks_like_token(""));
    assert_false(looks_like_token("AAAAAAAAAAAAAAAAAAAAA"));    // 21
    assert_false(looks_like_token("AAAAAAAAAAAAAAAAAAAAAAA"));  // 23
    assert_false(looks_like_token("AAAAAAAAAAAAAAAAAAAAA+"));   // standard base64
    assert_false(looks_like_token("AAAAAAAAAAAAAAAAAAAAA/"));
    assert_false(looks_like_token("AAAAAAAAAAAAAAAAAAAA=="));   // padding
    assert_false(looks_like_token("AAAAAAAAAAAAAAAAAAAAA "));
    assert_false(looks_like_token("AAAAAAAAAAAAAAAAAAAAA."));
    assert_false(looks_like_token(std::string_view("AAAAAAAAAAAAAAAAAAAAA\0", 22)));
    assert_false(looks_like_token("AAAAAAAAAAAAAAAAAAAA\xc3\xa4"));  // 22 bytes, one non-ASCII letter
}

void looks_like_password_accepts_exactly_the_format(void**) {
    assert_true(looks_like_password("abcdefghjkmn"));
    assert_true(looks_like_password("pqrstuvwxyz2"));
    assert_true(looks_like_password("345678923456"));
    assert_false(looks_like_password(""));
    assert_false(looks_like_password("abcdefghjkm"));    // 11
    assert_false(looks_like_password("abcdefghjkmnp"));  // 13
    assert_false(looks_like_password("ABCDEFGHJKMN"));   // upper case
    for (char excluded : {'i', 'l', 'o', '0', '1', '-', '_', ' '}) {
        std::string p = "abcdefghjkmn";
        p[5] = excluded;
        assert_false(looks_like_password(p));
    }
    assert_false(looks_like_password("AAAAAAAAAAAAAAAAAAAAAA"));  // a token is not a password
}

void hashes_are_keyed_per_instance(void**) {
    CredentialHasher first, second;
    const std::string token = random_token();
    const Digest a1 = first.hash(token), a2 = first.hash(token), b = second.hash(token);
    assert_true(digest_equal(a1, a2));
    assert_false(digest_equal(a1, b));
    assert_false(digest_equal(first.hash(token), first.hash(random_token())));
    // A keyed hash is not the room digest of the same text.
    assert_false(digest_equal(first.hash(token), room_digest(token)));
    // The digest does not contain the credential.
    const std::string bytes(reinterpret_cast<const char*>(a1.data()), a1.size());
    assert_false(contains(bytes, token.substr(0, 8)));
}

void room_digests_are_stable(void**) {
    const std::string room = "AAAAAAAAAAAAAAAAAAAAAA";
    assert_true(digest_equal(room_digest(room), room_digest(room)));
    assert_false(digest_equal(room_digest(room), room_digest("AAAAAAAAAAAAAAAAAAAAAB")));
    // Fixed forever: BLAKE2b-256 of "janus-counsel/room-tombstone/v1" || id (computed
    // independently with Python's hashlib). A change would unburn every tombstone.
    assert_string_equal(hex(room_digest(room)).c_str(),
                        "4b303591e8120c649d6c83cf851e43c80e2387d5bf0f9a1ff79135f805e4183a");
    assert_string_equal(hex(room_digest(room), 8).c_str(), "4b303591e8120c64");
    assert_int_equal(hex(room_digest(room)).size(), 64);
}

void digest_equal_compares_every_byte(void**) {
    Digest a{}, b{};
    assert_true(digest_equal(a, b));
    for (std::size_t i = 0; i < a.size(); ++i) {
        b = a;
        b[i] ^= 1;
        assert_false(digest_equal(a, b));
    }
}

}  // namespace

int main() {
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_tokens_are_22_url_safe_chars_and_unique),
        cmocka_unit_test(random_passwords_are_12_typable_chars),
        cmocka_unit_test(participant_ids_fit_a_javascript_number),
        cmocka_unit_test(looks_like_token_accepts_exactly_the_format),
        cmocka_unit_test(looks_like_password_accepts_exactly_the_format),
        cmocka_unit_test(hashes_are_keyed_per_instance),
        cmocka_unit_test(room_digests_are_stable),
        cmocka_unit_test(digest_equal_compares_every_byte),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
