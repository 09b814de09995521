// Config::problem: what stops the plugin at start. A practitioner's key_hash
// is parsed whole (a hash that can never verify would answer the right key
// with 482 forever), and `profile` must name a profile that exists.
#include <sodium.h>

#include <cstring>

#include "core/argon2id_string.hpp"
#include "core/key_hash.hpp"
#include "core/profile.hpp"
#include "support/scenario.hpp"

using namespace counsel;
using namespace counsel::testing;

namespace {

// A real crypto_pwhash_str hash (cheap limits: the format is what matters).
std::string real_hash() {
    static const std::string hash = [] {
        char out[crypto_pwhash_STRBYTES];
        if (sodium_init() < 0 || crypto_pwhash_str(out, "k", 1, crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN) != 0)
            std::abort();
        return std::string(out);
    }();
    return hash;
}

Config with_hash(const std::string& id, const std::string& hash) {
    Config c = test_config();
    c.practitioners = {{id, hash}};
    return c;
}

void a_hash_from_counsel_keygen_is_accepted(void**) {
    assert_false(argon2id_hash_problem(real_hash()).has_value());
    assert_false(key_hash_problem(real_hash()).has_value());
    assert_false(test_config().problem().has_value());  // interactive limits, as counsel-keygen makes them
    // The same shape with other valid parameters.
    assert_false(argon2id_hash_problem("$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA"
                                       "$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")
                     .has_value());
}

void malformed_argon2id_hashes_are_refused(void**) {
    const std::string good = real_hash();
    const std::size_t last_dollar = good.rfind('$');
    const std::string salt_and_hash = good.substr(good.find("$", std::strlen("$argon2id$v=19$m=")) + 1);
    const std::vector<std::string> bad = {
        "$argon2id$garbage",
        "$argon2id$",
        good.substr(0, good.size() - 1),                 // cut short by one character
        good.substr(0, good.size() - 4),                 // by four (still whole base64 quads)
        good.substr(0, last_dollar),                     // no hash
        good.substr(0, last_dollar + 1),                 // empty hash
        good + "A",                                      // one character too many
        good + "$x",                                     // a sixth field
        "$argon2id$v=16$m=8,t=1,p=1$" + salt_and_hash,   // another version
        "$argon2id$m=8,t=1,p=1$" + salt_and_hash,        // no version
        "$argon2id$v=19$m=8,t=1,p=2$" + salt_and_hash,   // two lanes: libsodium cannot check it
        "$argon2id$v=19$m=8,t=0,p=1$" + salt_and_hash,   // no pass
        "$argon2id$v=19$m=7,t=1,p=1$" + salt_and_hash,   // less memory than Argon2 allows
        "$argon2id$v=19$m=08,t=1,p=1$" + salt_and_hash,  // leading zero
        "$argon2id$v=19$m=99999999999,t=1,p=1$" + salt_and_hash,
        "$argon2id$v=19$m=4194304,t=1,p=1$" + salt_and_hash,  // 4 GiB per check on the room thread
        "$argon2id$v=19$t=1,m=8,p=1$" + salt_and_hash,   // parameters out of order
        "$argon2id$v=19$m=8,t=1$" + salt_and_hash,       // no p
        "$argon2id$v=19$m=+8,t=1,p=1$" + salt_and_hash,
        "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",  // padding
        "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",  // 8-byte salt
        "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdB$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",  // stray bits
        "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0c2Fsd_$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",  // url-safe char
        "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2",   // 31.x bytes
        " " + good,
        good + "\n",
        "$argon2i$v=19$m=8,t=1,p=1$" + salt_and_hash,    // Argon2i
        "$7$C6..../....SodiumChloride$kBGj9fHznVYFQMEn/qDCfrDevf9YDtcDdKvEqHJLV8D",  // scrypt
        "",
    };
    for (const std::string& hash : bad) {
        if (!key_hash_problem(hash)) fail_msg("accepted: [%s]", hash.c_str());
        const auto problem = with_hash("dr-a", hash).problem();
        if (!problem) fail_msg("Config accepted: [%s]", hash.c_str());
        // The line names the practitioner and the option, never the hash.
        assert_true(contains(*problem, "practitioner \"dr-a\""));
        assert_true(contains(*problem, "key_hash"));
        if (hash.size() > 12 && contains(*problem, hash)) fail_msg("the hash is quoted: %s", problem->c_str());
    }
}

void an_id_that_is_not_plain_text_is_named_by_its_place(void**) {
    Config c = test_config();
    c.practitioners.push_back({"dr\nb", "$argon2id$garbage"});
    const auto problem = c.problem();
    assert_true(problem.has_value());
    assert_true(contains(*problem, "practitioner #2"));
    assert_false(contains(*problem, "dr\nb"));
}

void profile_must_be_kbv_or_absent(void**) {
    Config c = test_config();
    assert_int_equal(static_cast<int>(c.profile_kind()), static_cast<int>(Profile::None));
    c.profile = "kbv";
    assert_false(c.problem().has_value());
    assert_int_equal(static_cast<int>(c.profile_kind()), static_cast<int>(Profile::Kbv));
    for (const char* wrong : {"KBV", "kbv ", "kvb", "none", "default", "hipaa"}) {
        c.profile = wrong;
        const auto problem = c.problem();
        if (!problem) fail_msg("accepted profile [%s]", wrong);
        assert_true(contains(*problem, "profile"));
    }
    assert_string_equal(profile_name(Profile::Kbv), "kbv");
    assert_true(profile_named("").has_value());
    assert_false(profile_named("x").has_value());
}

void reconnect_grace_s_is_0_to_600(void**) {
    assert_int_equal(Config{}.reconnect_grace_s, 60);
    for (std::int64_t ok : {0, 1, 60, 600}) {
        Config c = test_config();
        c.reconnect_grace_s = ok;
        assert_false(c.problem().has_value());
    }
    for (std::int64_t bad : {-1, 601, 86400}) {
        Config c = test_config();
        c.reconnect_grace_s = bad;
        assert_string_equal(c.problem().value_or("").c_str(), "reconnect_grace_s must be between 0 and 600");
    }
}

// The checks the plugin's C boundary made before: now all in problem().
void recording_and_media_values_are_checked_here(void**) {
    Config c = test_config();
    assert_int_equal(c.retention_days(), 7);
    c.rec_retention_days = 0;  // "the default", as an absent key
    assert_false(c.problem().has_value());
    assert_int_equal(c.retention_days(), 7);
    for (std::int64_t days : {1, 90}) {
        c.rec_retention_days = days;
        assert_false(c.problem().has_value());
        assert_int_equal(c.retention_days(), days);
    }
    for (std::int64_t days : {-1, 91}) {
        c.rec_retention_days = days;
        assert_true(contains(*c.problem(), "rec_retention_days must be 1 .. 90"));
    }
    c = test_config();
    for (std::int64_t s : {2, 300}) {
        c.offer_timeout_s = s;
        assert_false(c.problem().has_value());
    }
    for (std::int64_t s : {1, 301}) {
        c.offer_timeout_s = s;
        assert_true(contains(*c.problem(), "offer_timeout_s must be 2 .. 300"));
    }
    c = test_config();
    c.rec_dir = "rec";
    assert_true(contains(*c.problem(), "rec_dir must be an absolute path"));
    c = test_config();
    c.rec_webdav_url = "https://dav.example/rec/";
    c.rec_webdav_user = "practice";
    assert_true(contains(*c.problem(), "rec_webdav_user and rec_webdav_password go together"));
    c.rec_webdav_password = "pw";
    assert_false(c.problem().has_value());
    c.profile = "kbv";
    assert_true(contains(*c.problem(), "records nothing: remove rec_webdav_url"));
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_hash_from_counsel_keygen_is_accepted),
        cmocka_unit_test(malformed_argon2id_hashes_are_refused),
        cmocka_unit_test(an_id_that_is_not_plain_text_is_named_by_its_place),
        cmocka_unit_test(profile_must_be_kbv_or_absent),
        cmocka_unit_test(reconnect_grace_s_is_0_to_600),
        cmocka_unit_test(recording_and_media_values_are_checked_here),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
