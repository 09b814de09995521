// libFuzzer target: data-channel chat messages (plugin/media/chat_validation).
//
// Input: first byte's low bit says whether the message came as binary; the
// rest is the message. Checks, against Jansson as an independent UTF-8
// validator: is_strict_utf8 agrees with it, an accepted message is non-empty,
// text, within the size limit, and the relayed JSON parses back to the very
// same text and sender.
#include <jansson.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "core/json.hpp"
#include "media/chat_validation.hpp"

using namespace counsel;
using namespace counsel::media;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const bool binary = data[0] & 1;
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

    // Jansson refuses invalid UTF-8 (overlong forms, surrogates, > U+10FFFF).
    const bool jansson_utf8 = Json::adopt(json_stringn(text.data(), text.size())).get() != nullptr;
    if (is_strict_utf8(text) != jansson_utf8) std::abort();

    const ChatVerdict verdict = check_chat(text, binary);
    if (verdict_name(verdict) == nullptr) std::abort();
    if (verdict != ChatVerdict::Ok) return 0;
    if (binary || text.empty() || text.size() > kMaxChatBytes || !jansson_utf8) std::abort();

    const std::uint64_t from = size * 2654435761u;
    const std::string relay = chat_relay_json(from, text);
    json_error_t err;
    Json parsed = Json::adopt(json_loadb(relay.data(), relay.size(), JSON_ALLOW_NUL, &err));
    if (!parsed) std::abort();
    json_t* got_text = json_object_get(parsed.get(), "text");
    json_t* got_from = json_object_get(parsed.get(), "from");
    if (!json_is_string(got_text) || !json_is_integer(got_from)) std::abort();
    if (json_string_length(got_text) != text.size() ||
        std::memcmp(json_string_value(got_text), text.data(), text.size()) != 0)
        std::abort();
    if (static_cast<std::uint64_t>(json_integer_value(got_from)) != from) std::abort();
    return 0;
}
