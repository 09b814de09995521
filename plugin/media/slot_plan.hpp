// Which m-line of a person's PeerConnection carries what. One PeerConnection
// per person: their own streams (the m-lines of their `publish` offer) come
// first, then one receive slot per stream of every other admitted person. A
// slot whose source left is kept, set inactive, and reused for the next source
// of the same kind, so the SDP does not grow without end. Pure bookkeeping: no
// Janus, no SDP text; sdp_negotiator.cpp turns a plan into an offer.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "core/ports/gateway.hpp"

namespace counsel::media {

enum class Kind : std::uint8_t { Audio, Video, Data, Other };

const char* kind_name(Kind kind);

// One published stream of one person: their handle, the generation of their
// PeerConnection (a new PeerConnection is a new source) and its m-line index.
struct SourceKey {
    HandleId handle = 0;
    std::uint32_t epoch = 0;
    int mindex = -1;

    friend bool operator==(const SourceKey& a, const SourceKey& b) {
        return a.handle == b.handle && a.epoch == b.epoch && a.mindex == b.mindex;
    }
    friend bool operator<(const SourceKey& a, const SourceKey& b) {
        return std::tie(a.handle, a.epoch, a.mindex) < std::tie(b.handle, b.epoch, b.mindex);
    }
};

// The codec an m-line carries, in the PeerConnection it belongs to.
struct SlotCodec {
    std::string name;  // "opus", "vp8", "h264"; empty: not chosen yet
    int pt = -1;       // payload type in this PeerConnection
    std::string fmtp;  // parameters after "a=fmtp:<pt> ", may be empty
};

struct Slot {
    enum class Use : std::uint8_t {
        Own,      // the person's own stream (or their data channel)
        Receive,  // another person's stream, sent to this person
        Free,     // inactive, may carry the next source of its kind
        Dead,     // rejected (port 0): never used again
    };
    std::string mid;
    Kind kind = Kind::Other;
    Use use = Use::Dead;
    SourceKey source;              // Use::Receive only
    std::uint64_t participant = 0;  // Use::Receive: whose stream, for the client's tiles
    SlotCodec codec;

    // Same role (codec aside): what decides whether an offer is needed.
    bool same_role(const Slot& other) const {
        return mid == other.mid && kind == other.kind && use == other.use &&
               (use != Use::Receive || (source == other.source && participant == other.participant));
    }
};

// A stream this person should receive.
struct Wanted {
    SourceKey source;
    std::uint64_t participant = 0;
    Kind kind = Kind::Audio;
};

// The next set of m-lines: every existing m-line keeps its index and mid;
// receive slots whose source is no longer wanted become Free; each wanted
// source without a slot takes the first Free slot of its kind, or a new m-line
// at the end with a fresh mid. `wanted` order decides which source gets which
// new slot.
std::vector<Slot> plan_slots(const std::vector<Slot>& current, const std::vector<Wanted>& wanted);

// Whether two plans give every m-line the same role (then no offer is needed).
bool same_roles(const std::vector<Slot>& a, const std::vector<Slot>& b);

// A mid not used by any slot: the smallest integer >= slots.size() (as browsers number them).
std::string fresh_mid(const std::vector<Slot>& slots);

}  // namespace counsel::media
