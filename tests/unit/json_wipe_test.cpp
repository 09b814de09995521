// wipe_json_strings: every string value of a request body, however deep,
// becomes zeros in place (the buffers Jansson will free); keys, numbers and
// the shape stay.
#include <cstring>
#include <string>

#include "core/json.hpp"
#include "core/json_wipe.hpp"
#include "support/scenario.hpp"

using namespace counsel;

namespace {

bool all_zero(const char* text, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        if (text[i] != '\0') return false;
    return true;
}

void nested_strings_become_zeros_in_place(void**) {
    json_error_t err;
    Json body = Json::adopt(json_loads(
        R"({"request":"create","title":"Fallbesprechung X","invitees":[{"label":"Mutter X"},{"label":"Lehrer X"}],)"
        R"("deep":[["Anna X",{"display":"Bernd X"}]],"n":7,"yes":true})",
        0, &err));
    assert_non_null(body.get());
    json_t* label = json_object_get(json_array_get(json_object_get(body.get(), "invitees"), 1), "label");
    json_t* display = json_object_get(json_array_get(json_array_get(json_object_get(body.get(), "deep"), 0), 1), "display");
    json_t* title = json_object_get(body.get(), "title");
    const char* label_text = json_string_value(label);
    const char* display_text = json_string_value(display);
    const char* title_text = json_string_value(title);

    wipe_json_strings(body.get());

    // Same buffers (nothing reallocated), same lengths, only zeros.
    assert_ptr_equal(json_string_value(label), label_text);
    assert_int_equal(json_string_length(label), std::strlen("Lehrer X"));
    assert_true(all_zero(label_text, std::strlen("Lehrer X")));
    assert_true(all_zero(display_text, std::strlen("Bernd X")));
    assert_true(all_zero(title_text, std::strlen("Fallbesprechung X")));
    assert_true(all_zero(json_string_value(json_object_get(body.get(), "request")), std::strlen("create")));
    // Keys and non-strings are untouched.
    assert_int_equal(json_integer_value(json_object_get(body.get(), "n")), 7);
    assert_true(json_is_true(json_object_get(body.get(), "yes")));
    assert_int_equal(json_array_size(json_object_get(body.get(), "invitees")), 2);
}

void null_and_scalars_are_fine(void**) {
    wipe_json_strings(nullptr);
    Json n = Json::adopt(json_integer(3));
    wipe_json_strings(n.get());
    assert_int_equal(json_integer_value(n.get()), 3);
    Json s = Json::adopt(json_string("Anna X"));
    wipe_json_strings(s.get());
    assert_true(all_zero(json_string_value(s.get()), 6));
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nested_strings_become_zeros_in_place),
        cmocka_unit_test(null_and_scalars_are_fine),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
