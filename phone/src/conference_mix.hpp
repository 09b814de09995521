// What a caller hears: everyone else in the room. The plugin forwards each
// other person's Opus stream unchanged (their own SSRC), so here each stream
// gets its own decoder (Opus decodes straight to the line's 8 kHz: no
// resampler in the call path) and a small jitter buffer, and every 20 ms the
// streams that have audio are summed. The caller's own voice never comes
// back: the plugin does not send a person their own stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "rtp.hpp"

struct OpusDecoder;

namespace counsel::phone {

constexpr int kLineRate = 8000;
constexpr std::size_t kFrameSamples = 160;  // 20 ms at 8 kHz

class ConferenceMix {
public:
    ConferenceMix();
    ~ConferenceMix();
    ConferenceMix(const ConferenceMix&) = delete;
    ConferenceMix& operator=(const ConferenceMix&) = delete;

    // One Opus packet from the plugin (any SSRC).
    void push(const RtpView& packet);
    // The next 20 ms of the mix (silence when nobody speaks or nothing arrived).
    void mix(std::int16_t out[kFrameSamples]);
    std::size_t sources() const { return sources_.size(); }

    // What the jitter buffers did (counts over the call; the log and the benchmark show them).
    struct Counts {
        std::uint64_t frames = 0;       // 20 ms frames mixed
        std::uint64_t underruns = 0;    // a playing stream had nothing for a frame
        std::uint64_t concealed = 0;    // frames made up by Opus's loss concealment
        std::uint64_t late = 0;         // packets that came after their time
        std::uint64_t dropped = 0;      // packets dropped because too many waited
    };
    const Counts& counts() const { return counts_; }

private:
    struct Source;
    // A stream that sent nothing for this many frames is forgotten (its decoder freed).
    static constexpr int kForgetAfterFrames = 150;
    std::map<std::uint32_t, std::unique_ptr<Source>> sources_;
    Counts counts_;
};

}  // namespace counsel::phone
