// The payload types one person's browser offered, and the codec choices made
// from them: what they publish with (Opus; VP8 or H.264, H.264 first in
// recording rooms, or the one codec the whole room decodes), and with which payload type each stream of someone else
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

class CodecTable;

// The video codec a room's people all decode, in the room's order (VP8 first;
// H.264 first when `h264_first`); nullopt when no codec is common to all (or
// nobody receives video). Everyone publishes with it, so that nobody sees a
// tile without a picture when a codec would serve them all — as a device that
// decodes H.264 alone (many an iPhone's) among browsers that prefer VP8.
std::optional<std::string> common_video_codec(const std::vector<const CodecTable*>& receivers, bool h264_first);

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

    // Whether this browser decodes (and sends) `codec` ("vp8", "h264" in
    // packetization mode 1). A browser that offered no video is taken to
    // decode both, as for_receiving() assumes.
    bool has_video(std::string_view codec) const;

private:
    int free_pt(int preferred);

    std::vector<CodecEntry> audio_;
    std::vector<CodecEntry> video_;
    bool offered_audio_ = false;  // the browser's own offer had these kinds
    bool offered_video_ = false;
    std::set<int> used_;
};

}  // namespace counsel::media
