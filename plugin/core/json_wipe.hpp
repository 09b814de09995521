// Zeroes the text of every string in a JSON value, in place. For request
// bodies once handled: Jansson frees strings without clearing them, and a
// body carries display names, labels, titles and credentials.
#pragma once
#include <jansson.h>

namespace counsel {

// Every string value (not the keys) inside `value`, however deep, becomes
// zero bytes of the same length. Nothing may read the strings afterwards.
void wipe_json_strings(json_t* value);

}  // namespace counsel
