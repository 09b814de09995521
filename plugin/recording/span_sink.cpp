#include "recording/span_sink.hpp"

namespace counsel::recording {

void SpanHealth::trip() {
    if (failed.exchange(true, std::memory_order_acq_rel)) return;
    failed_at_us.store(board->now(), std::memory_order_relaxed);
    board->raised.store(true, std::memory_order_release);
}

bool SpanSink::write(char* rtp, unsigned length) {
    if (health_->failed.load(std::memory_order_relaxed)) return false;
    if (file_->write(rtp, length)) return true;
    health_->trip();
    return false;
}

bool SpanSink::wants_keyframe(std::int64_t now_us) {
    return !health_->failed.load(std::memory_order_relaxed) && file_->wants_keyframe(now_us);
}

}  // namespace counsel::recording
