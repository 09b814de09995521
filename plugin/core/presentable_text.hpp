// What may be shown to people as a display name, label, title or lobby
// message: text a moderator can actually see and tell apart.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace counsel {

// Whether `text` is fit to show people: valid UTF-8, 1..max_chars code points,
// no control characters, line separators or bidi overrides/isolates, and at
// least one visible character (see is_visible_base). Accents, CJK, emoji and
// emoji sequences (ZWJ, variation selectors, skin tones, tag flags) are fine.
bool is_presentable_text(std::string_view text, std::size_t max_chars);

// Whether `code` draws something on its own: not a space, not a format or
// default-ignorable character (zero-width space/joiners, word joiner, BOM,
// soft hyphen, LRM/RLM/ALM, U+180E, variation selectors, tag characters,
// Hangul fillers), not the blank Braille pattern, and not a combining mark
// (which only decorates the character before it).
bool is_visible_base(std::uint32_t code);

}  // namespace counsel
