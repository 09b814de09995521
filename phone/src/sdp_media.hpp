// The phone line's SDP (RFC 3264 offer/answer with the PBX or trunk): from
// the INVITE's offer, the audio m-line with G.711 (A-law or µ-law, in the
// offer's order of preference) and telephone-event; the answer naming our
// RTP address. Other m-lines (video, a second audio) are refused with port 0.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "g711.hpp"

namespace counsel::phone {

struct LineMedia {
    std::string address;  // where the caller's side receives RTP (IPv4)
    int port = 0;
    G711 law = G711::Alaw;
    int payload_type = kG711AlawPt;
    int telephone_event_pt = -1;  // -1: not offered; digits then come in-band
    int audio_index = -1;         // which m-line of the offer
    std::vector<std::string> mlines;  // "m=<type> 0 <proto> <fmt>" for every m-line we refuse
};

// The usable audio of an offer, or nullopt with `why` (a fixed sentence that
// quotes nothing from the offer: it goes to the log).
std::optional<LineMedia> read_offer(const std::string& sdp, std::string& why);

// The answer: our address and port for the chosen codec and telephone-event.
std::string write_answer(const LineMedia& media, const std::string& our_address, int our_port,
                         unsigned long long session_id, unsigned long long version);

}  // namespace counsel::phone
