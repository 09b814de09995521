// Whether anything still arrives from a person: the RTP path counts their
// packets (RTP and RTCP), the room thread's tick compares the count. Nothing
// new for `quiet_after_ms` -> quiet (their network dropped, or they changed
// address and ICE has not caught up); anything new -> heard again. A browser
// sends RTCP about what it receives every second or so even with camera and
// microphone off, so a person who is there is never quiet that long.
// Pure: the caller passes the count and the time.
#pragma once

#include <cstdint>
#include <optional>

namespace counsel::media {

class Liveness {
public:
    static constexpr std::int64_t kQuietAfterMs = 4000;

    // A new PeerConnection (or one that came back up): counting starts again, not quiet.
    void reset(std::uint64_t heard, std::int64_t now_ms);
    // true: fell quiet now; false: heard again now; nullopt: no change.
    std::optional<bool> update(std::uint64_t heard, std::int64_t now_ms);
    bool quiet() const { return quiet_; }

private:
    std::uint64_t heard_ = 0;
    std::int64_t heard_ms_ = 0;
    bool quiet_ = false;
};

}  // namespace counsel::media
