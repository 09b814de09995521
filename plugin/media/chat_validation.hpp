// What a chat message over the data channel must be to be relayed, and the
// text the other people get. Pure: testable without Janus. The text is never
// stored and never logged; only the verdict is counted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace counsel::media {

constexpr std::size_t kMaxChatBytes = 4096;

enum class ChatVerdict { Ok, Empty, TooLarge, Binary, NotUtf8 };

const char* verdict_name(ChatVerdict verdict);

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above
// U+10FFFF, no truncated sequences.
bool is_strict_utf8(std::string_view bytes);

ChatVerdict check_chat(std::string_view bytes, bool binary);

// {"from":<id>,"text":"..."}: `text` must have passed check_chat. Control
// characters, quotes and backslashes are escaped; everything else is copied.
std::string chat_relay_json(std::uint64_t from, std::string_view text);

}  // namespace counsel::media
