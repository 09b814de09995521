#include "conference_mix.hpp"

#include <opus.h>

#include <algorithm>

namespace counsel::phone {
namespace {

constexpr std::size_t kStartPackets = 2;      // 40 ms buffered before a stream plays
constexpr std::size_t kMaxPackets = 25;       // more than 500 ms waiting: drop the oldest
constexpr std::int64_t kMaxLostFrames = 3;    // concealed by Opus PLC; then the stream buffers again
constexpr std::size_t kMaxPcm = kFrameSamples * 6;
constexpr int kMaxDecoded = kLineRate * 120 / 1000;  // Opus frames are at most 120 ms

}  // namespace

struct ConferenceMix::Source {
    OpusDecoder* decoder = nullptr;
    std::map<std::int64_t, std::vector<std::uint8_t>> packets;  // by extended sequence number
    std::int64_t highest = -1;   // extended sequence number of the newest packet
    std::int64_t next = 0;       // the one to decode next (when playing)
    bool playing = false;
    int last_frame = static_cast<int>(kFrameSamples);
    std::int64_t missing = 0;  // frames concealed in a row
    int idle_frames = 0;
    std::vector<std::int16_t> pcm;

    Source() {
        int err = 0;
        decoder = opus_decoder_create(kLineRate, 1, &err);
    }
    ~Source() {
        if (decoder) opus_decoder_destroy(decoder);
    }

    std::int64_t extend(std::uint16_t seq) const {
        if (highest < 0) return seq;
        const auto delta = static_cast<std::int16_t>(seq - static_cast<std::uint16_t>(highest));
        return highest + delta;
    }

    void decode(const std::uint8_t* data, std::size_t size) {
        std::int16_t out[kMaxDecoded];
        const int n = opus_decode(decoder, data, static_cast<opus_int32>(size), out, kMaxDecoded, 0);
        if (n <= 0) return;
        last_frame = n;
        pcm.insert(pcm.end(), out, out + n);
    }

    void conceal() {
        std::int16_t out[kMaxDecoded];
        const int n = opus_decode(decoder, nullptr, 0, out, std::min(last_frame, kMaxDecoded), 0);
        if (n > 0) pcm.insert(pcm.end(), out, out + n);
    }

    // Decodes until 20 ms are there or nothing is left to decode.
    void fill(Counts& counts) {
        while (pcm.size() < kFrameSamples) {
            if (!playing) {
                if (packets.size() < kStartPackets) return;
                playing = true;
                missing = 0;
                next = packets.begin()->first;
            }
            auto it = packets.find(next);
            if (it != packets.end()) {
                decode(it->second.data(), it->second.size());
                packets.erase(it);
                ++next;
                missing = 0;
                continue;
            }
            // The packet due is not here: late or lost. Opus conceals a few
            // frames (the stream stays in time); then the stream pauses and
            // buffers again (a sender that stopped, or a long gap).
            if (missing >= kMaxLostFrames) {
                playing = false;
                ++counts.underruns;
                if (!packets.empty() && packets.begin()->first > next) next = packets.begin()->first;
                return;
            }
            conceal();
            ++counts.concealed;
            ++missing;
            ++next;
        }
    }
};

ConferenceMix::ConferenceMix() = default;
ConferenceMix::~ConferenceMix() = default;

void ConferenceMix::push(const RtpView& packet) {
    auto& slot = sources_[packet.ssrc];
    if (!slot) {
        slot = std::make_unique<Source>();
        if (!slot->decoder) {
            sources_.erase(packet.ssrc);
            return;
        }
    }
    Source& s = *slot;
    s.idle_frames = 0;
    const std::int64_t ext = s.extend(packet.seq);
    if (s.playing && ext < s.next) {
        ++counts_.late;
        return;
    }
    s.highest = std::max(s.highest, ext);
    s.packets[ext].assign(packet.payload, packet.payload + packet.payload_size);
    while (s.packets.size() > kMaxPackets) {
        s.packets.erase(s.packets.begin());
        ++counts_.dropped;
    }
    if (s.playing && !s.packets.empty() && s.packets.begin()->first > s.next &&
        s.packets.begin()->first - s.next > static_cast<std::int64_t>(kMaxPackets))
        s.next = s.packets.begin()->first;
}

void ConferenceMix::mix(std::int16_t out[kFrameSamples]) {
    std::int32_t sum[kFrameSamples] = {};
    for (auto it = sources_.begin(); it != sources_.end();) {
        Source& s = *it->second;
        s.fill(counts_);
        const std::size_t n = std::min(kFrameSamples, s.pcm.size());
        for (std::size_t i = 0; i < n; ++i) sum[i] += s.pcm[i];
        s.pcm.erase(s.pcm.begin(), s.pcm.begin() + static_cast<std::ptrdiff_t>(n));
        // A sender's clock a little faster than ours must not let its delay grow.
        if (s.pcm.size() > kMaxPcm) s.pcm.erase(s.pcm.begin(), s.pcm.end() - kFrameSamples);
        if (++s.idle_frames > kForgetAfterFrames) it = sources_.erase(it);
        else ++it;
    }
    for (std::size_t i = 0; i < kFrameSamples; ++i)
        out[i] = static_cast<std::int16_t>(std::clamp<std::int32_t>(sum[i], -32768, 32767));
    ++counts_.frames;
}

}  // namespace counsel::phone
