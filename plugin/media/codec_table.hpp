// The payload types one person's browser offered, and the codec choices made
// from them: what they publish with (Opus; VP8 or H.264, H.264 first in
// recording rooms), and with which payload type each stream of someone else
// is offered to them. Several people share one bundle per person only with
// themselves, so every stream sent to a person uses that person's own payload
// numbers (the RTP path rewrites the payload type per receiver). Pure: no Janus.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "media/slot_plan.hpp"

namespace counsel::media {

struct CodecEntry {
    std::string name;  // lower case: "opus", "vp8", "h264", "rtx", ...
    int pt = -1;
    std::string fmtp;  // parameters, may be empty
};

// The value of `key` in an fmtp parameter list ("a=1;b=2"), case-insensitive key; empty if absent.
std::string fmtp_value(std::string_view fmtp, std::string_view key);
// H.264 with packetization-mode=1 (the only mode Janus's helpers and we forward).
bool is_h264_mode1(const CodecEntry& entry);

// What a person publishes with, among the entries of one offered m-line.
std::optional<CodecEntry> choose_audio_codec(const std::vector<CodecEntry>& offered);
std::optional<CodecEntry> choose_video_codec(const std::vector<CodecEntry>& offered, bool prefer_h264);

class CodecTable {
public:
    // Every rtpmap of the person's offer (kind: the m-line's).
    void add(Kind kind, CodecEntry entry);

    // The payload type (and fmtp) to offer `source` to this person with; nullopt
    // if their browser cannot take it. A codec they never offered (e.g. video
    // to someone who published audio only) gets a payload type that is free in
    // their bundle, remembered for the next time.
    std::optional<SlotCodec> for_receiving(Kind kind, const SlotCodec& source);

    bool empty() const { return audio_.empty() && video_.empty(); }

private:
    int free_pt(int preferred);

    std::vector<CodecEntry> audio_;
    std::vector<CodecEntry> video_;
    bool offered_audio_ = false;  // the browser's own offer had these kinds
    bool offered_video_ = false;
    std::set<int> used_;
};

}  // namespace counsel::media
