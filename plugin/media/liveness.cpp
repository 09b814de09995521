#include "media/liveness.hpp"

namespace counsel::media {

void Liveness::reset(std::uint64_t heard, std::int64_t now_ms) {
    heard_ = heard;
    heard_ms_ = now_ms;
    quiet_ = false;
}

std::optional<bool> Liveness::update(std::uint64_t heard, std::int64_t now_ms) {
    if (heard != heard_) {
        heard_ = heard;
        heard_ms_ = now_ms;
        if (!quiet_) return std::nullopt;
        quiet_ = false;
        return false;
    }
    if (quiet_ || now_ms - heard_ms_ < kQuietAfterMs) return std::nullopt;
    quiet_ = true;
    return true;
}

}  // namespace counsel::media
