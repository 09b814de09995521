#include "core/presentable_text.hpp"

#include <glib.h>

namespace counsel {
namespace {

struct Range {
    std::uint32_t first, last;
};

// Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt, 15.0):
// renderers draw nothing for these. Listed here rather than derived from the
// general category because some are letters (the Hangul fillers are Lo).
constexpr Range kDefaultIgnorable[] = {
    {0x00AD, 0x00AD},   {0x034F, 0x034F},   {0x061C, 0x061C},   {0x115F, 0x1160},   {0x17B4, 0x17B5},
    {0x180B, 0x180F},   {0x200B, 0x200F},   {0x202A, 0x202E},   {0x2060, 0x206F},   {0x3164, 0x3164},
    {0xFE00, 0xFE0F},   {0xFEFF, 0xFEFF},   {0xFFA0, 0xFFA0},   {0xFFF0, 0xFFF8},   {0x1BCA0, 0x1BCA3},
    {0x1D173, 0x1D17A}, {0xE0000, 0xE0FFF},
};

// Assigned, not ignorable, yet blank on every screen.
constexpr Range kBlankGlyphs[] = {
    {0x2800, 0x2800},  // BRAILLE PATTERN BLANK
};

template <std::size_t N>
bool in(const Range (&ranges)[N], std::uint32_t code) {
    for (const Range& r : ranges)
        if (code >= r.first && code <= r.last) return true;
    return false;
}

// Controls, line/paragraph separators and bidi embeddings, overrides and
// isolates can forge what a moderator sees (a reversed file name, a name on
// two lines); none belongs in a name, wherever it stands.
bool is_forbidden(std::uint32_t code) {
    return code < 0x20 || (code >= 0x7F && code <= 0x9F) || code == 0x2028 || code == 0x2029 ||
           (code >= 0x202A && code <= 0x202E) || (code >= 0x2066 && code <= 0x2069);
}

}  // namespace

bool is_visible_base(std::uint32_t code) {
    if (in(kDefaultIgnorable, code) || in(kBlankGlyphs, code)) return false;
    switch (g_unichar_type(static_cast<gunichar>(code))) {
        case G_UNICODE_CONTROL:
        case G_UNICODE_FORMAT:
        case G_UNICODE_SURROGATE:
        case G_UNICODE_SPACE_SEPARATOR:
        case G_UNICODE_LINE_SEPARATOR:
        case G_UNICODE_PARAGRAPH_SEPARATOR:
        case G_UNICODE_NON_SPACING_MARK:
        case G_UNICODE_SPACING_MARK:
        case G_UNICODE_ENCLOSING_MARK:
            return false;
        default:
            // Letters, digits, punctuation, symbols (emoji), private use, and
            // code points newer than GLib's tables: a browser draws them.
            return true;
    }
}

bool is_presentable_text(std::string_view text, std::size_t max_chars) {
    std::size_t chars = 0;
    bool visible = false;
    for (std::size_t i = 0; i < text.size();) {
        const auto byte = static_cast<unsigned char>(text[i]);
        std::uint32_t code;
        std::size_t len;
        if (byte < 0x80) { code = byte; len = 1; }
        else if ((byte & 0xE0) == 0xC0) { code = byte & 0x1F; len = 2; }
        else if ((byte & 0xF0) == 0xE0) { code = byte & 0x0F; len = 3; }
        else if ((byte & 0xF8) == 0xF0) { code = byte & 0x07; len = 4; }
        else return false;
        if (i + len > text.size()) return false;
        for (std::size_t k = 1; k < len; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0) != 0x80) return false;
            code = (code << 6) | (next & 0x3F);
        }
        // RFC 3629: shortest form only, no UTF-16 surrogates, nothing past U+10FFFF.
        static constexpr std::uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
        if (code < kMinForLength[len] || (code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF) return false;
        if (is_forbidden(code)) return false;
        // A combining mark, joiner or selector after a visible character is part
        // of it (é as e + U+0301, emoji ZWJ sequences); on its own it shows nothing.
        visible = visible || is_visible_base(code);
        ++chars;
        i += len;
    }
    return chars >= 1 && chars <= max_chars && visible;
}

}  // namespace counsel
