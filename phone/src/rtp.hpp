// RTP packets (RFC 3550) as counsel-phone reads and writes them: the fixed
// header, CSRCs, one header extension and padding skipped on the way in.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace counsel::phone {

struct RtpView {
    int payload_type = 0;
    bool marker = false;
    std::uint16_t seq = 0;
    std::uint32_t timestamp = 0;
    std::uint32_t ssrc = 0;
    const std::uint8_t* payload = nullptr;
    std::size_t payload_size = 0;
};

// The packet's header and payload, or nullopt if it is not RTP version 2 or
// its lengths do not add up.
std::optional<RtpView> parse_rtp(const std::uint8_t* data, std::size_t size);

// Writes a 12-byte header into `out` (no CSRC, no extension); returns 12.
std::size_t write_rtp_header(std::uint8_t* out, int payload_type, bool marker, std::uint16_t seq,
                             std::uint32_t timestamp, std::uint32_t ssrc);

// An outgoing stream: sequence numbers, timestamps and SSRC of one sender.
class RtpSender {
public:
    RtpSender(int payload_type, std::uint32_t ticks_per_frame);
    // The header of the next packet (the first one carries the marker bit).
    std::size_t next_header(std::uint8_t* out);
    std::uint32_t ssrc() const { return ssrc_; }

private:
    int payload_type_;
    std::uint32_t ticks_;
    std::uint32_t ssrc_;
    std::uint16_t seq_;
    std::uint32_t timestamp_;
    bool first_ = true;
};

}  // namespace counsel::phone
