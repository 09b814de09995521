#include "core/json_wipe.hpp"

#include <sodium.h>

namespace counsel {

void wipe_json_strings(json_t* value) {
    if (json_is_string(value)) {
        // Jansson owns the buffer; the value is about to be freed.
        sodium_memzero(const_cast<char*>(json_string_value(value)), json_string_length(value));
    } else if (json_is_object(value)) {
        const char* key;
        json_t* member;
        json_object_foreach(value, key, member) wipe_json_strings(member);
    } else if (json_is_array(value)) {
        std::size_t i;
        json_t* item;
        json_array_foreach(value, i, item) wipe_json_strings(item);
    }
}

}  // namespace counsel
