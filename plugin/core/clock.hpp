// Time as the core sees it; injectable so every timer can be tested.
#pragma once

#include <cstdint>

namespace counsel {

class Clock {
public:
    virtual ~Clock() = default;
    // Monotonic milliseconds, for timers and rate limits.
    virtual std::int64_t monotonic_ms() const = 0;
    // Wall-clock unix milliseconds; deadlines on the wall clock (expires_at)
    // are turned into monotonic ones from this, so a reading mid-second does
    // not move them.
    virtual std::int64_t unix_ms() const = 0;
    // Wall-clock unix seconds, for starts_at/expires_at shown to people.
    std::int64_t unix_s() const { return unix_ms() / 1000; }
};

class SystemClock final : public Clock {
public:
    std::int64_t monotonic_ms() const override;
    std::int64_t unix_ms() const override;
};

}  // namespace counsel
