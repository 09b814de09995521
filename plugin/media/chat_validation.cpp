#include "media/chat_validation.hpp"

namespace counsel::media {

const char* verdict_name(ChatVerdict verdict) {
    switch (verdict) {
        case ChatVerdict::Ok: return "ok";
        case ChatVerdict::Empty: return "empty";
        case ChatVerdict::TooLarge: return "too large";
        case ChatVerdict::Binary: return "binary";
        case ChatVerdict::NotUtf8: return "not utf-8";
    }
    return "?";
}

bool is_strict_utf8(std::string_view bytes) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    const std::size_t n = bytes.size();
    std::size_t i = 0;
    while (i < n) {
        const unsigned char c = p[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len = 0;
        unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
        } else if (c == 0xE0) {
            len = 3, lo = 0xA0;  // no overlong 3-byte forms
        } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
            len = 3;
        } else if (c == 0xED) {
            len = 3, hi = 0x9F;  // no UTF-16 surrogates
        } else if (c == 0xF0) {
            len = 4, lo = 0x90;  // no overlong 4-byte forms
        } else if (c >= 0xF1 && c <= 0xF3) {
            len = 4;
        } else if (c == 0xF4) {
            len = 4, hi = 0x8F;  // nothing above U+10FFFF
        } else {
            return false;  // continuation byte first, C0/C1, F5..FF
        }
        if (i + len > n) return false;
        if (p[i + 1] < lo || p[i + 1] > hi) return false;
        for (std::size_t k = 2; k < len; ++k)
            if (p[i + k] < 0x80 || p[i + k] > 0xBF) return false;
        i += len;
    }
    return true;
}

ChatVerdict check_chat(std::string_view bytes, bool binary) {
    if (binary) return ChatVerdict::Binary;
    if (bytes.empty()) return ChatVerdict::Empty;
    if (bytes.size() > kMaxChatBytes) return ChatVerdict::TooLarge;
    if (!is_strict_utf8(bytes)) return ChatVerdict::NotUtf8;
    return ChatVerdict::Ok;
}

std::string chat_relay_json(std::uint64_t from, std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(text.size() + 40);
    out += "{\"from\":";
    out += std::to_string(from);
    out += ",\"text\":\"";
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20 || c == 0x7F) {
                    out += "\\u00";
                    out += kHex[c >> 4];
                    out += kHex[c & 0xF];
                } else {
                    out += ch;
                }
        }
    }
    out += "\"}";
    return out;
}

}  // namespace counsel::media
