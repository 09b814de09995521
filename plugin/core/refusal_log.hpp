// A flood of wrong credentials must not become a flood of log lines (Janus's
// log is kept for weeks): the first refusal of a kind in each window is logged
// as it happens, the rest as one count when the window closes.
#pragma once

#include <cstdint>
#include <string>

#include "core/ports/gateway.hpp"

namespace counsel {

class RefusalLog {
public:
    RefusalLog(Gateway::Level level, std::string what, std::int64_t window_ms)
        : level_(level), what_(std::move(what)), window_ms_(window_ms) {}

    // One refusal; `line` is logged only if it is the first of its window.
    void refused(Gateway& gateway, const std::string& line, std::int64_t now_ms) {
        flush(gateway, now_ms);
        if (window_open_) {
            ++more_;
            return;
        }
        window_open_ = true;
        window_start_ms_ = now_ms;
        gateway.log(level_, line);
    }

    // Closes a window that has run out, logging how many were not logged.
    void flush(Gateway& gateway, std::int64_t now_ms) {
        if (!window_open_ || now_ms - window_start_ms_ < window_ms_) return;
        if (more_ > 0)
            gateway.log(level_, "[counsel] " + std::to_string(more_) + " more " + what_ + " in " +
                                    std::to_string(window_ms_ / 1000) + " s");
        window_open_ = false;
        more_ = 0;
    }

private:
    Gateway::Level level_;
    std::string what_;
    std::int64_t window_ms_;
    bool window_open_ = false;
    std::int64_t window_start_ms_ = 0;
    std::uint64_t more_ = 0;
};

}  // namespace counsel
