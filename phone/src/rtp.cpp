#include "rtp.hpp"

#include <sodium.h>

namespace counsel::phone {
namespace {

std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
std::uint32_t be32(const std::uint8_t* p) {
    return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
           static_cast<std::uint32_t>(p[2]) << 8 | p[3];
}
void put16(std::uint8_t* p, std::uint16_t v) {
    p[0] = static_cast<std::uint8_t>(v >> 8);
    p[1] = static_cast<std::uint8_t>(v);
}
void put32(std::uint8_t* p, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}

}  // namespace

std::optional<RtpView> parse_rtp(const std::uint8_t* data, std::size_t size) {
    if (size < 12 || (data[0] >> 6) != 2) return std::nullopt;
    RtpView v;
    v.payload_type = data[1] & 0x7F;
    v.marker = (data[1] & 0x80) != 0;
    v.seq = be16(data + 2);
    v.timestamp = be32(data + 4);
    v.ssrc = be32(data + 8);
    std::size_t at = 12 + 4u * (data[0] & 0x0F);
    if (data[0] & 0x10) {  // one header extension: 4 bytes + its length in words
        if (size < at + 4) return std::nullopt;
        at += 4 + 4u * be16(data + at + 2);
    }
    std::size_t end = size;
    if (data[0] & 0x20) {  // padding: its count is the last byte
        const std::size_t pad = data[size - 1];
        if (pad == 0 || pad > end) return std::nullopt;
        end -= pad;
    }
    if (at > end) return std::nullopt;
    v.payload = data + at;
    v.payload_size = end - at;
    return v;
}

std::size_t write_rtp_header(std::uint8_t* out, int payload_type, bool marker, std::uint16_t seq,
                             std::uint32_t timestamp, std::uint32_t ssrc) {
    out[0] = 0x80;
    out[1] = static_cast<std::uint8_t>((marker ? 0x80 : 0) | (payload_type & 0x7F));
    put16(out + 2, seq);
    put32(out + 4, timestamp);
    put32(out + 8, ssrc);
    return 12;
}

RtpSender::RtpSender(int payload_type, std::uint32_t ticks_per_frame)
    : payload_type_(payload_type),
      ticks_(ticks_per_frame),
      ssrc_(randombytes_random()),
      seq_(static_cast<std::uint16_t>(randombytes_uniform(0x10000))),
      timestamp_(randombytes_random()) {}

std::size_t RtpSender::next_header(std::uint8_t* out) {
    const std::size_t n = write_rtp_header(out, payload_type_, first_, seq_++, timestamp_, ssrc_);
    timestamp_ += ticks_;
    first_ = false;
    return n;
}

}  // namespace counsel::phone
