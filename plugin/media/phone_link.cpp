#include "media/phone_link.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "media/rtp_snapshot.hpp"
#include "media/rtp_path.hpp"

namespace counsel::media {
namespace {

constexpr int kMaxRtp = 1500;

sockaddr_in loopback(int port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    return addr;
}

}  // namespace

std::unique_ptr<PhoneSocket> PhoneSocket::open(int remote_port, std::string& why) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        why = std::string("socket: ") + std::strerror(errno);
        return nullptr;
    }
    sockaddr_in local = loopback(0);
    sockaddr_in remote = loopback(remote_port);
    socklen_t len = sizeof(local);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0 ||
        ::connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof(remote)) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) != 0) {
        why = std::string("bind/connect on 127.0.0.1: ") + std::strerror(errno);
        ::close(fd);
        return nullptr;
    }
    return std::unique_ptr<PhoneSocket>(new PhoneSocket(fd, ntohs(local.sin_port)));
}

PhoneSocket::~PhoneSocket() { ::close(fd_); }

void PhoneSocket::send(const char* buffer, int length) const noexcept {
    // ECONNREFUSED (counsel-phone went away) and EAGAIN are a lost packet, nothing more.
    (void)::send(fd_, buffer, static_cast<std::size_t>(length), MSG_DONTWAIT | MSG_NOSIGNAL);
}

PhoneReceiver::PhoneReceiver(HandleId handle, int socket_fd) : handle_(handle), fd_(socket_fd) {
    wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake_fd_ >= 0) thread_ = std::thread([this] { run(); });
}

PhoneReceiver::~PhoneReceiver() {
    if (thread_.joinable()) {
        const std::uint64_t one = 1;
        (void)::write(wake_fd_, &one, sizeof(one));
        thread_.join();
    }
    if (wake_fd_ >= 0) ::close(wake_fd_);
}

void PhoneReceiver::run() {
    alignas(8) char buffer[kMaxRtp];
    pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    for (;;) {
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            return;
        }
        if (fds[1].revents) return;
        for (;;) {
            const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), MSG_DONTWAIT);
            if (n < 0) break;  // EAGAIN: drained; ECONNREFUSED: counsel-phone not listening yet
            // RTP version 2, a header, Opus on the agreed payload type; anything else is dropped.
            if (n < 12 || (static_cast<unsigned char>(buffer[0]) & 0xC0) != 0x80 ||
                (buffer[1] & 0x7F) != kPhoneOpusPt)
                continue;
            janus_plugin_rtp packet;
            janus_plugin_rtp_reset(&packet);
            packet.mindex = 0;
            packet.video = FALSE;
            packet.buffer = buffer;
            packet.length = static_cast<std::uint16_t>(n);
            forward_rtp(handle_, &packet);
        }
    }
}

}  // namespace counsel::media
