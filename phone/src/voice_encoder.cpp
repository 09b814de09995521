#include "voice_encoder.hpp"

#include <opus.h>

namespace counsel::phone {

VoiceEncoder::VoiceEncoder() {
    int err = 0;
    encoder_ = opus_encoder_create(8000, 1, OPUS_APPLICATION_VOIP, &err);
    if (!encoder_ || err != OPUS_OK) {
        encoder_ = nullptr;
        return;
    }
    // A phone line carries 300-3400 Hz: narrowband speech needs little, and
    // lower complexity keeps the CPU per caller down.
    opus_encoder_ctl(encoder_, OPUS_SET_BITRATE(20000));
    opus_encoder_ctl(encoder_, OPUS_SET_COMPLEXITY(5));
    opus_encoder_ctl(encoder_, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
}

VoiceEncoder::~VoiceEncoder() {
    if (encoder_) opus_encoder_destroy(encoder_);
}

int VoiceEncoder::encode(const std::int16_t* frame, std::uint8_t* out) {
    if (!encoder_) return -1;
    return opus_encode(encoder_, frame, static_cast<int>(kFrame), out, static_cast<opus_int32>(kMaxPacket));
}

}  // namespace counsel::phone
