// Time as the core sees it; injectable so every timer can be tested.
#pragma once

#include <cstdint>

namespace counsel {

class Clock {
public:
    virtual ~Clock() = default;
    // Monotonic milliseconds, for timers and rate limits.
    virtual std::int64_t monotonic_ms() const = 0;
    // Wall-clock unix seconds, for starts_at/expires_at shown to people.
    virtual std::int64_t unix_s() const = 0;
};

class SystemClock final : public Clock {
public:
    std::int64_t monotonic_ms() const override;
    std::int64_t unix_s() const override;
};

}  // namespace counsel
