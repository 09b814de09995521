// What the RTP path touches of the recorder: the sink of one track of one
// span, behind the span's failure flag. A write that fails (a full disk)
// trips the flag shared by every sink of the span: they all stop at once,
// and the board tells the room thread, at its next tick, to look
// (Recorder::take_failures). No lock here: one relaxed load per packet
// when all is well.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "recording/recorder_settings.hpp"
#include "recording/recording_tap.hpp"

namespace counsel::recording {

// Raised by the first failing write of any span; take_failures() lowers it.
struct FailureBoard {
    explicit FailureBoard(NowUs clock) : now(std::move(clock)) {}
    const NowUs now;
    std::atomic<bool> raised{false};
};

// Shared by the sinks of one span: the first failing write stops them all.
struct SpanHealth {
    explicit SpanHealth(std::shared_ptr<FailureBoard> on) : board(std::move(on)) {}
    void trip();
    bool tripped() const { return failed.load(std::memory_order_acquire); }
    const std::shared_ptr<FailureBoard> board;
    std::atomic<bool> failed{false};
    std::atomic<std::int64_t> failed_at_us{0};
};

// A track file of one span as the RTP path sees it.
class SpanSink final : public TrackSink {
public:
    SpanSink(std::shared_ptr<TrackSink> file, std::shared_ptr<SpanHealth> health)
        : file_(std::move(file)), health_(std::move(health)) {}
    bool write(char* rtp, unsigned length) override;
    void close() override { file_->close(); }
    bool wants_keyframe(std::int64_t now_us) override;

private:
    const std::shared_ptr<TrackSink> file_;
    const std::shared_ptr<SpanHealth> health_;
};

}  // namespace counsel::recording
