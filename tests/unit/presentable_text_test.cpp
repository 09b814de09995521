// is_presentable_text: what may be shown to people as a display name, label
// or title. Counts code points, not bytes; refuses controls, bidi overrides,
// line separators, blank-only text and broken UTF-8.
#include "core/requests.hpp"
#include "support/scenario.hpp"

using namespace counsel;

namespace {

std::string repeat(const std::string& unit, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += unit;
    return out;
}

void the_length_limit_counts_code_points(void**) {
    assert_true(is_presentable_text(repeat("a", 64), 64));
    assert_false(is_presentable_text(repeat("a", 65), 64));
    assert_true(is_presentable_text("a", 1));
    assert_false(is_presentable_text("ab", 1));
    // Two-, three- and four-byte characters count once each.
    for (const char* unit : {"\xc3\xa4", "\xe2\x82\xac", "\xf0\x9f\x98\x80"}) {
        assert_true(is_presentable_text(repeat(unit, 64), 64));
        assert_false(is_presentable_text(repeat(unit, 65), 64));
    }
    assert_true(is_presentable_text(repeat("\xe7\x94\xb0", 80), 80));  // CJK title of 80
    assert_true(is_presentable_text("Frau M\xc3\xbcller-\xc3\x96zt\xc3\xbcrk", 64));
}

void empty_and_blank_text_is_refused(void**) {
    assert_false(is_presentable_text("", 64));
    assert_false(is_presentable_text(" ", 64));
    assert_false(is_presentable_text(repeat(" ", 10), 64));
    assert_false(is_presentable_text("\xc2\xa0\xc2\xa0", 64));  // no-break spaces
    assert_false(is_presentable_text("\xe3\x80\x80", 64));      // ideographic space
    assert_true(is_presentable_text(" a ", 64));
}

void controls_and_bidi_overrides_are_refused(void**) {
    for (const char* bad : {"a\tb", "a\nb", "a\rb", "a\x01", "\x1b[31mred", "a\x7f", "a\xc2\x80", "a\xc2\x85", "a\xc2\x9f",
                            "a\xe2\x80\xa8", "a\xe2\x80\xa9",                  // line / paragraph separator
                            "\xe2\x80\xaa" "a", "\xe2\x80\xab" "a", "\xe2\x80\xac" "a", "\xe2\x80\xad" "a",
                            "\xe2\x80\xae" "gpj.exe",                         // U+202E RIGHT-TO-LEFT OVERRIDE
                            "a\xe2\x81\xa6", "a\xe2\x81\xa7", "a\xe2\x81\xa8", "a\xe2\x81\xa9"})  // isolates
        assert_false(is_presentable_text(bad, 64));
    assert_false(is_presentable_text(std::string("a\0b", 3), 64));
    // Neighbours of the refused ranges are fine.
    assert_true(is_presentable_text("a\xc2\xa1", 64));       // U+00A1
    assert_true(is_presentable_text("a\xe2\x80\xa7", 64));   // U+2027
    assert_true(is_presentable_text("a\xe2\x80\xaf", 64));   // U+202F
    assert_true(is_presentable_text("a\xe2\x81\xaa", 64));   // U+206A
    assert_true(is_presentable_text("~", 64));
}

void broken_utf8_is_refused(void**) {
    for (const std::string& bad : {std::string("\x80"), std::string("a\xbf"), std::string("\xc3"), std::string("a\xe2\x82"),
                                  std::string("\xf0\x9f\x98"), std::string("\xff"), std::string("\xfe"),
                                  std::string("\xf8\x88\x80\x80\x80"), std::string("\xc3\x28"), std::string("\xe2\x28\xa1")})
        assert_false(is_presentable_text(bad, 64));
}

// Overlong forms, UTF-16 surrogates and code points past U+10FFFF are invalid
// UTF-8 too (RFC 3629). Through the API Jansson refuses them before the core
// sees them, but the function is the core's own check and says "valid UTF-8".
void overlong_surrogate_and_out_of_range_utf8_is_refused(void**) {
    for (const std::string& bad : {std::string("\xc1\x81"),            // overlong 'A'
                                  std::string("\xe0\x81\x81"),        // overlong 'A'
                                  std::string("\xc0\xaf"),             // overlong '/'
                                  std::string("\xed\xa0\x80"),        // U+D800 (surrogate)
                                  std::string("\xf4\x90\x80\x80")})  // U+110000
        assert_false(is_presentable_text("a" + bad, 64));
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_length_limit_counts_code_points),
        cmocka_unit_test(empty_and_blank_text_is_refused),
        cmocka_unit_test(controls_and_bidi_overrides_are_refused),
        cmocka_unit_test(broken_utf8_is_refused),
        cmocka_unit_test(overlong_surrogate_and_out_of_range_utf8_is_refused),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
