#include "call_media.hpp"

#include <arpa/inet.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "g711.hpp"

namespace counsel::phone {
namespace {

constexpr std::size_t kMaxPacket = 1500;

int udp_socket(const std::string& ip, int port, int& bound_port) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    socklen_t len = sizeof(addr);
    if (::inet_pton(AF_INET, ip.c_str(), &addr.sin_addr) != 1 ||
        ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        ::close(fd);
        return -1;
    }
    bound_port = ntohs(addr.sin_port);
    return fd;
}

}  // namespace

std::unique_ptr<CallMedia> CallMedia::open(const std::string& line_ip, int port_min, int port_max, std::string& why) {
    // Even ports, RTP's convention; from a random start so calls do not queue up on one.
    const int first = (port_min + 1) & ~1;
    const int count = std::max(0, (port_max - first) / 2 + 1);
    int line_fd = -1, line_port = 0;
    const int start = count > 0 ? static_cast<int>(randombytes_uniform(static_cast<std::uint32_t>(count))) : 0;
    for (int i = 0; i < count && line_fd < 0; ++i) line_fd = udp_socket(line_ip, first + 2 * ((start + i) % count), line_port);
    if (line_fd < 0) {
        why = "no free RTP port for the caller in the configured range";
        return nullptr;
    }
    int room_port = 0;
    const int room_fd = udp_socket("127.0.0.1", 0, room_port);
    if (room_fd < 0) {
        ::close(line_fd);
        why = std::string("no socket on 127.0.0.1 for the plugin: ") + std::strerror(errno);
        return nullptr;
    }
    return std::unique_ptr<CallMedia>(new CallMedia(line_fd, line_port, room_fd, room_port));
}

CallMedia::CallMedia(int line_fd, int line_port, int room_fd, int room_port)
    : line_fd_(line_fd), line_port_(line_port), room_fd_(room_fd), room_port_(room_port) {}

CallMedia::~CallMedia() {
    ::close(line_fd_);
    ::close(room_fd_);
}

void CallMedia::set_line(const LineMedia& line) {
    line_ = line;
    line_to_ = sockaddr_in{};
    line_to_.sin_family = AF_INET;
    line_to_.sin_port = htons(static_cast<std::uint16_t>(line.port));
    have_line_ = ::inet_pton(AF_INET, line.address.c_str(), &line_to_.sin_addr) == 1;
    line_sender_ = RtpSender(line.payload_type, 160);
}

void CallMedia::connect_room(int plugin_port) {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    to.sin_port = htons(static_cast<std::uint16_t>(plugin_port));
    // Connected: the kernel drops datagrams from anyone but the plugin's socket.
    bridged_ = ::connect(room_fd_, reinterpret_cast<sockaddr*>(&to), sizeof(to)) == 0;
}

void CallMedia::read_line() {
    std::uint8_t buffer[kMaxPacket];
    for (;;) {
        const ssize_t n = ::recv(line_fd_, buffer, sizeof(buffer), MSG_DONTWAIT);
        if (n < 0) return;
        const auto packet = parse_rtp(buffer, static_cast<std::size_t>(n));
        if (!packet) continue;
        ++counts_.line_in;
        if (packet->payload_type == line_.telephone_event_pt) {
            dtmf_.on_event(packet->payload, packet->payload_size, packet->timestamp);
            continue;
        }
        if (packet->payload_type != line_.payload_type || packet->payload_size == 0 || packet->payload_size > 480)
            continue;
        std::int16_t pcm[480];
        g711_decode(line_.law, packet->payload, packet->payload_size, pcm);
        dtmf_.on_audio(pcm, packet->payload_size);
        if (!bridged_) continue;
        encoder_.feed(pcm, packet->payload_size, [this](const std::uint8_t* data, std::size_t size) {
            std::uint8_t out[12 + 400];
            const std::size_t h = room_sender_.next_header(out);
            std::memcpy(out + h, data, size);
            if (::send(room_fd_, out, h + size, MSG_DONTWAIT | MSG_NOSIGNAL) > 0) ++counts_.room_out;
        });
    }
}

void CallMedia::read_room() {
    std::uint8_t buffer[kMaxPacket];
    for (;;) {
        const ssize_t n = ::recv(room_fd_, buffer, sizeof(buffer), MSG_DONTWAIT);
        if (n < 0) return;
        if (!bridged_) continue;  // not connected yet: nothing here is the plugin's
        const auto packet = parse_rtp(buffer, static_cast<std::size_t>(n));
        if (!packet || packet->payload_type != kRoomOpusPt || packet->payload_size == 0) continue;
        ++counts_.room_in;
        mix_.push(*packet);
    }
}

CallMedia::Tick CallMedia::tick() {
    read_line();
    read_room();
    Tick result;
    result.digits = dtmf_.take();

    std::int32_t out[kFrameSamples] = {};
    if (bridged_) {
        std::int16_t room[kFrameSamples];
        mix_.mix(room);
        for (std::size_t i = 0; i < kFrameSamples; ++i) out[i] = room[i];
    }
    result.prompt_ended = prompts_.add_to(out, kFrameSamples);
    std::int16_t pcm[kFrameSamples];
    for (std::size_t i = 0; i < kFrameSamples; ++i) pcm[i] = static_cast<std::int16_t>(std::clamp(out[i], -32768, 32767));
    if (!have_line_) return result;
    std::uint8_t packet[12 + kFrameSamples];
    const std::size_t h = line_sender_.next_header(packet);
    g711_encode(line_.law, pcm, kFrameSamples, packet + h);
    if (::sendto(line_fd_, packet, h + kFrameSamples, MSG_DONTWAIT | MSG_NOSIGNAL,
                 reinterpret_cast<const sockaddr*>(&line_to_), sizeof(line_to_)) > 0)
        ++counts_.line_out;
    return result;
}

}  // namespace counsel::phone
