// SDP in and out, with Janus's sdp-utils: the answer to a person's `publish`
// offer, the plugin's offers that add and retire receive slots, and reading
// the person's answer to those. Everything here runs on the room thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "media/codec_table.hpp"
#include "media/slot_plan.hpp"

namespace counsel::media {

// Header extensions by URI, with the ids the person's browser chose (kept in
// every later offer: ids must not change within a session).
using Extmaps = std::map<std::string, int>;

// A stream the person sends (an m-line we answered recvonly).
struct OwnStream {
    int mindex = -1;
    std::string mid;
    Kind kind = Kind::Audio;
    SlotCodec codec;
    Json simulcast;  // Janus's simulcast description of this m-line (rids or SSRCs), if any
};

struct PublishAnswer {
    // Set when the offer cannot be answered: error code (480/481) and text. Nothing else is valid then.
    int error_code = 0;
    std::string error;

    std::string sdp;               // the SDP answer
    std::vector<Slot> slots;       // every m-line of the offer, in order
    std::vector<OwnStream> streams;
    bool has_data = false;
    CodecTable codecs;             // the person's payload types, for offers to them
    Extmaps extmaps;
};

// Answers a `publish` offer. `agreed`: the m-lines agreed on this
// PeerConnection before (a later publish), empty for the first. `simulcast`:
// the jsep's "simulcast" array from Janus, if any.
PublishAnswer answer_publish(const std::string& offer_sdp, const std::vector<Slot>& agreed, const Json& simulcast,
                             bool prefer_h264);

// The plugin's offer for a plan of m-lines: own streams recvonly, receive
// slots sendonly (with an msid naming the participant), free slots inactive,
// dead ones rejected. Every slot in use must have a codec.
std::string build_offer(const std::vector<Slot>& plan, const Extmaps& extmaps, std::uint64_t session_id,
                        std::uint64_t version);

// Which m-lines of an answer were accepted (port != 0), in order; nullopt if it does not parse.
std::optional<std::vector<bool>> accepted_mlines(const std::string& answer_sdp);

}  // namespace counsel::media
