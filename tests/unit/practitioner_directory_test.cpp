// The practitioner directory: a key "<id>.<secret>" is checked against its own
// practitioner's Argon2id hash only, a key without an id only when a single
// practitioner is configured, and a key that verified once is remembered.
#include <sodium.h>

#include <cstring>
#include <stdexcept>

#include "core/practitioner_directory.hpp"
#include "support/scenario.hpp"

using namespace counsel;

namespace {

// The cheapest Argon2id parameters: these tests count checks, not seconds.
std::string argon2(const std::string& key) {
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, key.c_str(), key.size(), crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN) != 0)
        throw std::runtime_error("crypto_pwhash_str failed");
    return out;
}

PractitionerDirectory three_practices() {
    return PractitionerDirectory({{"dr-a", argon2("dr-a.secretA")},
                                  {"dr-b", argon2("dr-b.secretB")},
                                  {"praxis.nord", argon2("praxis.nord.secretN")}});
}

void a_named_key_costs_one_check_against_its_own_entry(void**) {
    PractitionerDirectory dir = three_practices();
    assert_true(dir.verify("dr-b.secretB") == std::optional<std::string>("dr-b"));
    assert_int_equal(dir.argon2_checks(), 1);
    // Another practitioner's secret under this id fails, with one check.
    assert_false(dir.verify("dr-b.secretA").has_value());
    assert_int_equal(dir.argon2_checks(), 2);
}

void ids_may_contain_dots(void**) {
    PractitionerDirectory dir = three_practices();
    assert_true(dir.verify("praxis.nord.secretN") == std::optional<std::string>("praxis.nord"));
    assert_false(dir.verify("praxis.secretN").has_value());
    assert_int_equal(dir.argon2_checks(), 1);  // "praxis" names nobody: no check
}

void unknown_ids_and_unnamed_keys_cost_nothing_with_several_practitioners(void**) {
    PractitionerDirectory dir = three_practices();
    assert_false(dir.verify("dr-z.secretA").has_value());
    assert_false(dir.verify("secretA").has_value());
    assert_false(dir.verify(".secretA").has_value());
    assert_false(dir.verify("").has_value());
    assert_false(dir.verify(std::string(257, 'k')).has_value());
    assert_int_equal(dir.argon2_checks(), 0);
}

void an_unnamed_key_works_with_a_single_practitioner(void**) {
    PractitionerDirectory dir({{"practice", argon2("plainsecret")}});
    assert_true(dir.verify("plainsecret") == std::optional<std::string>("practice"));
    assert_false(dir.verify("othersecret").has_value());
    assert_int_equal(dir.argon2_checks(), 2);
}

void a_verified_key_is_recalled_without_argon2(void**) {
    PractitionerDirectory dir = three_practices();
    assert_false(dir.recall("dr-a.secretA").has_value());
    assert_true(dir.verify("dr-a.secretA").has_value());
    assert_true(dir.recall("dr-a.secretA") == std::optional<std::string>("dr-a"));
    assert_true(dir.verify("dr-a.secretA") == std::optional<std::string>("dr-a"));
    assert_int_equal(dir.argon2_checks(), 1);
    // A failed key is not remembered.
    assert_false(dir.verify("dr-a.wrong").has_value());
    assert_false(dir.recall("dr-a.wrong").has_value());
}

}  // namespace

int main() {
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_named_key_costs_one_check_against_its_own_entry),
        cmocka_unit_test(ids_may_contain_dots),
        cmocka_unit_test(unknown_ids_and_unnamed_keys_cost_nothing_with_several_practitioners),
        cmocka_unit_test(an_unnamed_key_works_with_a_single_practitioner),
        cmocka_unit_test(a_verified_key_is_recalled_without_argon2),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
