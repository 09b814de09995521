// The practitioner directory and the key_hash forms: a key "<id>.<secret>" is
// checked against its own practitioner's hash only, a key without an id only
// when a single practitioner is configured. A "$blake2b$" hash (what
// counsel-keygen prints) costs no Argon2id; an "$argon2id$" hash (the older
// form, still accepted) costs one check, and a key that verified once is
// remembered. argon2id_needed says beforehand which checks would cost.
#include <sodium.h>

#include <stdexcept>

#include "core/config.hpp"
#include "core/key_hash.hpp"
#include "core/practitioner_directory.hpp"
#include "support/scenario.hpp"

using namespace counsel;
using namespace counsel::testing;

namespace {

PractitionerDirectory three_practices() {
    return PractitionerDirectory({{"dr-a", argon2id_hash("dr-a.secretA")},
                                  {"dr-b", argon2id_hash("dr-b.secretB")},
                                  {"praxis.nord", argon2id_hash("praxis.nord.secretN")}});
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
    const std::vector<std::string> keys = {"dr-z.secretA", "secretA", ".secretA", "", std::string(257, 'k')};
    for (const std::string& key : keys) {
        assert_false(dir.argon2id_needed(key).has_value());
        assert_false(dir.verify(key).has_value());
    }
    assert_int_equal(dir.argon2_checks(), 0);
}

void an_unnamed_key_works_with_a_single_practitioner(void**) {
    PractitionerDirectory dir({{"practice", argon2id_hash("plainsecret")}});
    assert_true(dir.verify("plainsecret") == std::optional<std::string>("practice"));
    assert_false(dir.verify("othersecret").has_value());
    assert_int_equal(dir.argon2_checks(), 2);
}

void a_verified_argon2id_key_is_remembered(void**) {
    PractitionerDirectory dir = three_practices();
    assert_true(dir.argon2id_needed("dr-a.secretA") == std::optional<std::string>("dr-a"));
    assert_true(dir.verify("dr-a.secretA").has_value());
    // Remembered: checking it again costs nothing, so no limit needs to hold it up.
    assert_false(dir.argon2id_needed("dr-a.secretA").has_value());
    assert_true(dir.verify("dr-a.secretA") == std::optional<std::string>("dr-a"));
    assert_int_equal(dir.argon2_checks(), 1);
    // A failed key is not remembered; every wrong secret for dr-a still costs.
    assert_false(dir.verify("dr-a.wrong").has_value());
    assert_true(dir.argon2id_needed("dr-a.wrong") == std::optional<std::string>("dr-a"));
    assert_int_equal(dir.argon2_checks(), 2);
}

void fast_hashes_cost_no_argon2id_right_or_wrong(void**) {
    const std::string key = "dr-f." + std::string(43, 'Q');
    PractitionerDirectory dir({{"dr-f", make_fast_key_hash(key)}, {"dr-a", argon2id_hash("dr-a.secretA")}});
    assert_false(dir.argon2id_needed(key).has_value());
    assert_false(dir.argon2id_needed("dr-f.wrong").has_value());
    assert_true(dir.verify(key) == std::optional<std::string>("dr-f"));
    for (int i = 0; i < 1000; ++i) assert_false(dir.verify("dr-f.wrong-" + std::to_string(i)).has_value());
    assert_false(dir.verify(key + "x").has_value());
    assert_false(dir.verify("dr-a." + std::string(43, 'Q')).has_value());  // right secret, wrong practitioner
    assert_int_equal(dir.argon2_checks(), 1);
    // The other form beside it still works.
    assert_true(dir.verify("dr-a.secretA") == std::optional<std::string>("dr-a"));
}

void a_fast_hash_is_salted_and_bound_to_its_key(void**) {
    const std::string key = "dr-f.secret";
    const std::string one = make_fast_key_hash(key), two = make_fast_key_hash(key);
    assert_true(one != two);  // a fresh salt each time
    assert_true(one.starts_with("$blake2b$"));
    assert_int_equal(one.size(), 9 + 22 + 1 + 43);
    auto parsed = parse_fast_key_hash(one);
    assert_true(parsed.has_value());
    assert_true(fast_key_matches(*parsed, key));
    assert_true(fast_key_matches(*parse_fast_key_hash(two), key));
    assert_false(fast_key_matches(*parsed, "dr-f.secreT"));
    assert_false(fast_key_matches(*parsed, ""));
}

void malformed_fast_hashes_are_refused_at_start(void**) {
    const std::string good = make_fast_key_hash("k");
    const std::string salt = good.substr(9, 22), digest = good.substr(32);
    assert_false(key_hash_problem(good).has_value());
    assert_true(key_hash_problem("$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA").has_value());  // salt and hash cut short
    const std::vector<std::string> bads = {std::string("$blake2b$"), "$blake2b$" + salt, "$blake2b$" + salt + "$",
                                  "$blake2b$" + salt + "$" + digest.substr(1), "$blake2b$" + salt + "$" + digest + "A",
                                  "$blake2b$" + salt + "$" + digest + "$", "$blake2b$" + salt + "=" + "$" + digest,
                                  "$blake2b$" + salt + "$" + digest.substr(0, 42) + "+",
                                  "$blake2b$$" + digest, "blake2b$" + salt + "$" + digest,
                                  "$BLAKE2B$" + salt + "$" + digest, "", "plain-text-key"};
    for (const std::string& bad : bads) {
        assert_true(key_hash_problem(bad).has_value());
        assert_false(parse_fast_key_hash(bad).has_value());
    }
    // Config::problem names the entry and the key, never the hash.
    Config c;
    c.practitioners = {{"dr-a", good}, {"dr-b", "$blake2b$" + salt + "$" + digest.substr(1)}};
    const auto why = c.problem();
    assert_true(why.has_value());
    assert_true(contains(*why, "practitioner \"dr-b\""));
    assert_true(contains(*why, "key_hash"));
    assert_false(contains(*why, salt));
    c.practitioners.pop_back();
    assert_false(c.problem().has_value());
}

}  // namespace

int main() {
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_named_key_costs_one_check_against_its_own_entry),
        cmocka_unit_test(ids_may_contain_dots),
        cmocka_unit_test(unknown_ids_and_unnamed_keys_cost_nothing_with_several_practitioners),
        cmocka_unit_test(an_unnamed_key_works_with_a_single_practitioner),
        cmocka_unit_test(a_verified_argon2id_key_is_remembered),
        cmocka_unit_test(fast_hashes_cost_no_argon2id_right_or_wrong),
        cmocka_unit_test(a_fast_hash_is_salted_and_bound_to_its_key),
        cmocka_unit_test(malformed_fast_hashes_are_refused_at_start),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
