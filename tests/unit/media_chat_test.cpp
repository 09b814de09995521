// Chat over the data channel (plugin/media/chat_validation): what is relayed
// (strict UTF-8 text up to 4096 bytes) and the JSON the others get.
#include <string>

#include "media/chat_validation.hpp"
#include "support/scenario.hpp"

using namespace counsel::media;

namespace {

void text_up_to_4096_bytes_passes(void**) {
    assert_true(check_chat("Hallo", false) == ChatVerdict::Ok);
    assert_true(check_chat("Grüß Gott, 😀 – ça va?", false) == ChatVerdict::Ok);
    assert_true(check_chat(std::string(4096, 'x'), false) == ChatVerdict::Ok);
    // 4096 bytes of three-byte characters and one more: too large.
    std::string euros;
    while (euros.size() + 3 <= 4096) euros += "€";
    assert_true(check_chat(euros, false) == ChatVerdict::Ok);
    assert_true(check_chat(std::string(4097, 'x'), false) == ChatVerdict::TooLarge);
}

void binary_empty_and_broken_text_are_refused(void**) {
    assert_true(check_chat("hello", true) == ChatVerdict::Binary);
    assert_true(check_chat("", false) == ChatVerdict::Empty);
    const char* bad[] = {
        "\x80",              // continuation byte first
        "\xC0\xAF",          // overlong '/'
        "\xE0\x80\xAF",      // overlong, 3 bytes
        "\xF0\x80\x80\xAF",  // overlong, 4 bytes
        "\xED\xA0\x80",      // UTF-16 surrogate
        "\xF4\x90\x80\x80",  // above U+10FFFF
        "\xF5\x80\x80\x80",  // no such lead byte
        "abc\xE2\x82",       // truncated at the end
        "\xC3\x28",          // bad continuation
        "\xFF",
    };
    for (const char* b : bad) assert_true(check_chat(b, false) == ChatVerdict::NotUtf8);
    assert_true(is_strict_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF itself
    assert_true(is_strict_utf8("\xEF\xBF\xBD"));      // U+FFFD
    assert_true(is_strict_utf8(std::string("a\0b", 3)));
}

void relay_json_escapes_what_json_needs(void**) {
    assert_string_equal(chat_relay_json(42, "hi").c_str(), "{\"from\":42,\"text\":\"hi\"}");
    assert_string_equal(chat_relay_json(9007199254740991ULL, "\"q\" \\ /").c_str(),
                        "{\"from\":9007199254740991,\"text\":\"\\\"q\\\" \\\\ /\"}");
    assert_string_equal(chat_relay_json(1, "a\nb\tc\r\x01\x7f").c_str(),
                        "{\"from\":1,\"text\":\"a\\nb\\tc\\r\\u0001\\u007f\"}");
    assert_string_equal(chat_relay_json(1, "Grüße 😀").c_str(), "{\"from\":1,\"text\":\"Grüße 😀\"}");
    // What comes out parses back to the same text.
    const std::string text = "line 1\nline \"2\" \\ \x02 ünï 🙂";
    json_error_t err;
    json_t* parsed = json_loads(chat_relay_json(7, text).c_str(), 0, &err);
    assert_non_null(parsed);
    assert_string_equal(json_string_value(json_object_get(parsed, "text")), text.c_str());
    assert_int_equal(json_integer_value(json_object_get(parsed, "from")), 7);
    json_decref(parsed);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(text_up_to_4096_bytes_passes),
        cmocka_unit_test(binary_empty_and_broken_text_are_refused),
        cmocka_unit_test(relay_json_escapes_what_json_needs),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
