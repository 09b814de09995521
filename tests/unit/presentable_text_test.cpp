// is_presentable_text: what may be shown to people as a display name, label
// or title. Counts code points, not bytes; refuses controls, bidi overrides,
// line separators, text with nothing visible in it and broken UTF-8.
#include "core/presentable_text.hpp"
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

// Seventeen kinds of text that show nothing: each alone, repeated, and mixed
// with the others. A moderator would see an entry without a name.
const std::pair<const char*, std::string> kInvisible[] = {
    {"zero-width space U+200B", "\u200b"},
    {"zero-width non-joiner U+200C", "\u200c"},
    {"zero-width joiner U+200D", "\u200d"},
    {"word joiner U+2060", "\u2060"},
    {"byte order mark U+FEFF", "\ufeff"},
    {"Hangul filler U+3164", "\u3164"},
    {"Hangul choseong/jungseong fillers U+115F U+1160", "\u115f\u1160"},
    {"halfwidth Hangul filler U+FFA0", "\uffa0"},
    {"Braille pattern blank U+2800", "\u2800"},
    {"em space U+2003", "\u2003"},
    {"other spaces (en quad, thin, hair, narrow no-break, medium math, ogham)", "\u2000\u2009\u200a\u202f\u205f\u1680"},
    {"soft hyphen U+00AD", "\u00ad"},
    {"LRM, RLM, ALM", "\u200e\u200f\u061c"},
    {"tag characters U+E0041 U+E007F", "\U000e0041\U000e007f"},
    {"lone combining marks U+0301 U+0308 U+20DD", "\u0301\u0308\u20dd"},
    {"Mongolian vowel separator U+180E", "\u180e"},
    {"variation selectors, combining grapheme joiner, invisible operators", "\ufe0f\U000e0100\u034f\u2062\u2064"},
};

void text_with_nothing_visible_is_refused(void**) {
    std::string all;
    for (const auto& [what, text] : kInvisible) {
        if (is_presentable_text(text, 64)) fail_msg("accepted as a name: %s", what);
        if (is_presentable_text(repeat(text, 3), 64)) fail_msg("accepted three times: %s", what);
        if (is_presentable_text(" " + text + " ", 64)) fail_msg("accepted between spaces: %s", what);
        all += text;
    }
    assert_false(is_presentable_text(all, 64));
    // One visible character among them is a name (the invisible ones count
    // towards the length, so they cannot pad a name past it unseen).
    assert_true(is_presentable_text(all + "x", 64));
    assert_true(is_presentable_text("\u200bAnna\u200b", 64));
}

void accented_cjk_and_emoji_names_stay_valid(void**) {
    for (const char* good : {
             "Zo\u00eb", "Zoe\u0308",                      // precomposed and combining diaeresis
             "Ana\u00efs Ren\u00e9e", "\u0141ukasz \u017b\u00f3\u0142w", "\u015eule \u00d6zt\u00fcrk",
             "\u5c71\u7530\u592a\u90ce",                  // 山田太郎
             "\ud55c\uc9c0\ubbfc",                         // 한지민 (Hangul syllables, not fillers)
             "\u0627\u0644\u0633\u0651\u064e\u0644\u0627\u0645",  // Arabic with harakat
             "\u0926\u0947\u0935\u0928\u093e\u0917\u0930\u0940",  // Devanagari with vowel signs
             "\u05e9\u05c1\u05b8\u05dc\u05d5\u05b9\u05dd",          // Hebrew with points
             "\U0001f600",                                  // an emoji alone
             "\U0001f469\u200d\U0001f469\u200d\U0001f467",  // family: a ZWJ sequence
             "\U0001f3f3\ufe0f\u200d\U0001f308",          // rainbow flag: VS16 + ZWJ
             "\U0001f44b\U0001f3fd",                         // waving hand, skin tone
             "\U0001f1e9\U0001f1ea",                         // regional indicators: DE
             "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",  // England: tag sequence
             "1\ufe0f\u20e3",                                // keycap one
             "\u2764\ufe0f",                                 // heart with VS16
             "O'Brien-Smith Jr.", "~", "\u00b7"}) {
        if (!is_presentable_text(good, 64)) fail_msg("refused: %s", good);
    }
}

void visible_bases_are_told_from_decoration(void**) {
    for (std::uint32_t code : {0x41u, 0x30u, 0xE9u, 0x5C71u, 0x1F600u, 0x1F1E9u, 0xE000u /* private use */})
        assert_true(is_visible_base(code));
    for (std::uint32_t code : {0x20u, 0xA0u, 0x3000u, 0x200Bu, 0x200Du, 0xFEFFu, 0x301u, 0x903u /* spacing mark */,
                               0x20DDu /* enclosing */, 0x3164u, 0x2800u, 0xE0067u, 0xFE0Fu, 0x180Eu, 0xADu})
        assert_false(is_visible_base(code));
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_length_limit_counts_code_points),
        cmocka_unit_test(empty_and_blank_text_is_refused),
        cmocka_unit_test(controls_and_bidi_overrides_are_refused),
        cmocka_unit_test(broken_utf8_is_refused),
        cmocka_unit_test(overlong_surrogate_and_out_of_range_utf8_is_refused),
        cmocka_unit_test(text_with_nothing_visible_is_refused),
        cmocka_unit_test(accented_cjk_and_emoji_names_stay_valid),
        cmocka_unit_test(visible_bases_are_told_from_decoration),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
