// The caller's voice for the room: the line's 8 kHz audio encoded as Opus
// (which takes 8 kHz input itself; RFC 7587 RTP still counts 48 kHz), one
// packet per 20 ms, to the plugin.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

struct OpusEncoder;

namespace counsel::phone {

class VoiceEncoder {
public:
    VoiceEncoder();
    ~VoiceEncoder();
    VoiceEncoder(const VoiceEncoder&) = delete;
    VoiceEncoder& operator=(const VoiceEncoder&) = delete;
    bool ok() const { return encoder_ != nullptr; }

    // Appends 8 kHz samples; every complete 20 ms frame is encoded and handed
    // to `emit(data, size)`.
    template <typename Emit>
    void feed(const std::int16_t* samples, std::size_t count, Emit&& emit) {
        pending_.insert(pending_.end(), samples, samples + count);
        std::size_t at = 0;
        std::uint8_t packet[kMaxPacket];
        while (pending_.size() - at >= kFrame) {
            const int n = encode(pending_.data() + at, packet);
            if (n > 0) emit(packet, static_cast<std::size_t>(n));
            at += kFrame;
        }
        pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(at));
    }
    // Opus RTP timestamps advance at 48 kHz: 960 per 20 ms frame.
    static constexpr std::uint32_t kTicksPerFrame = 960;

private:
    static constexpr std::size_t kFrame = 160;
    static constexpr std::size_t kMaxPacket = 400;
    int encode(const std::int16_t* frame, std::uint8_t* out);
    OpusEncoder* encoder_ = nullptr;
    std::vector<std::int16_t> pending_;
};

}  // namespace counsel::phone
