#include "media/codec_table.hpp"

#include <algorithm>
#include <cctype>

namespace counsel::media {
namespace {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

// The profile part of profile-level-id (profile_idc and constraint flags), lower case.
std::string h264_profile(const CodecEntry& e) {
    std::string id = fmtp_value(e.fmtp, "profile-level-id");
    if (id.size() < 4) return "";
    std::string out = id.substr(0, 4);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

constexpr const char* kDefaultOpusFmtp = "minptime=10;useinbandfec=1";
constexpr const char* kDefaultH264Fmtp = "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f";

}  // namespace

std::string fmtp_value(std::string_view fmtp, std::string_view key) {
    while (!fmtp.empty()) {
        const std::size_t semi = fmtp.find(';');
        std::string_view part = trim(fmtp.substr(0, semi));
        fmtp = semi == std::string_view::npos ? std::string_view() : fmtp.substr(semi + 1);
        const std::size_t eq = part.find('=');
        if (eq == std::string_view::npos) continue;
        if (iequals(trim(part.substr(0, eq)), key)) return std::string(trim(part.substr(eq + 1)));
    }
    return "";
}

bool is_h264_mode1(const CodecEntry& entry) {
    return entry.name == "h264" && fmtp_value(entry.fmtp, "packetization-mode") == "1";
}

std::optional<CodecEntry> choose_audio_codec(const std::vector<CodecEntry>& offered) {
    for (const CodecEntry& e : offered)
        if (e.name == "opus") return e;
    return std::nullopt;
}

std::optional<CodecEntry> choose_video_codec(const std::vector<CodecEntry>& offered, bool prefer_h264) {
    std::optional<CodecEntry> vp8, h264;
    for (const CodecEntry& e : offered) {
        if (e.name == "vp8" && !vp8) vp8 = e;
        // Constrained baseline (42e0..) decodes everywhere; take it over other profiles.
        if (is_h264_mode1(e) && (!h264 || (h264_profile(*h264) != "42e0" && h264_profile(e) == "42e0"))) h264 = e;
    }
    if (prefer_h264) return h264 ? h264 : vp8;
    return vp8 ? vp8 : h264;
}

void CodecTable::add(Kind kind, CodecEntry entry) {
    used_.insert(entry.pt);
    if (kind == Kind::Audio) {
        offered_audio_ = true;
        audio_.push_back(std::move(entry));
    } else if (kind == Kind::Video) {
        offered_video_ = true;
        video_.push_back(std::move(entry));
    }
}

int CodecTable::free_pt(int preferred) {
    if (!used_.count(preferred)) return preferred;
    for (int pt = 96; pt <= 127; ++pt)
        if (!used_.count(pt)) return pt;
    return -1;
}

std::optional<SlotCodec> CodecTable::for_receiving(Kind kind, const SlotCodec& source) {
    std::vector<CodecEntry>& list = kind == Kind::Audio ? audio_ : video_;
    if (source.name == "opus" || source.name == "vp8") {
        for (const CodecEntry& e : list)
            if (e.name == source.name) return SlotCodec{e.name, e.pt, e.fmtp};
    } else if (source.name == "h264") {
        const std::string want = h264_profile(CodecEntry{source.name, source.pt, source.fmtp});
        const CodecEntry* any = nullptr;
        for (const CodecEntry& e : list) {
            if (!is_h264_mode1(e)) continue;
            if (h264_profile(e) == want) return SlotCodec{e.name, e.pt, e.fmtp};
            if (!any) any = &e;
        }
        if (any) return SlotCodec{any->name, any->pt, any->fmtp};
    } else {
        return std::nullopt;  // only Opus, VP8 and H.264 are forwarded
    }
    // The browser offered this kind but not this codec: it cannot take it.
    if (kind == Kind::Audio ? offered_audio_ : offered_video_) return std::nullopt;
    // It offered nothing of this kind: browsers take Opus, VP8 and H.264 anyway.
    const int preferred = source.name == "opus" ? 111 : source.name == "vp8" ? 96 : 102;
    const int pt = free_pt(preferred);
    if (pt < 0) return std::nullopt;
    CodecEntry added{source.name, pt,
                     source.name == "opus" ? kDefaultOpusFmtp : source.name == "h264" ? kDefaultH264Fmtp : ""};
    used_.insert(pt);
    // Rtx for it: Janus picks pt+1 unless taken, keep that free of our own choices.
    used_.insert(pt + 1);
    list.push_back(added);
    return SlotCodec{added.name, added.pt, added.fmtp};
}

}  // namespace counsel::media
