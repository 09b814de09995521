// A phone caller's media: plain RTP with counsel-phone on the loopback, no
// ICE, no DTLS (both ends are this machine). One UDP socket per caller, bound
// to 127.0.0.1 and connected to counsel-phone's port there, so the kernel
// drops datagrams from anyone else. Out: the Opus streams of everyone else in
// the room, each with its sender's SSRC (counsel-phone decodes and mixes
// them). In: the caller's voice as one Opus stream, which the receiver thread
// hands to the same forwarding path as a browser's audio (forward_rtp, on m-line 0).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "core/ports/gateway.hpp"

namespace counsel::media {

// The payload type of Opus on the phone link, both ways (README "Phone dial-in").
constexpr int kPhoneOpusPt = 111;

class PhoneSocket {
public:
    // A socket on 127.0.0.1 (a free port) connected to 127.0.0.1:`remote_port`,
    // or null with `why` set.
    static std::unique_ptr<PhoneSocket> open(int remote_port, std::string& why);
    ~PhoneSocket();
    PhoneSocket(const PhoneSocket&) = delete;
    PhoneSocket& operator=(const PhoneSocket&) = delete;

    int fd() const { return fd_; }
    int local_port() const { return local_port_; }
    // One RTP packet to counsel-phone; any thread, never blocks (a full
    // socket buffer drops the packet, as a network would).
    void send(const char* buffer, int length) const noexcept;

private:
    PhoneSocket(int fd, int local_port) : fd_(fd), local_port_(local_port) {}
    const int fd_;
    const int local_port_;
};

// Reads counsel-phone's RTP for one caller on a thread of its own and forwards
// it (Janus's loop threads do the same for browsers). Stopped and joined by
// the destructor, on the room thread, before the socket can close.
class PhoneReceiver {
public:
    PhoneReceiver(HandleId handle, int socket_fd);
    ~PhoneReceiver();
    PhoneReceiver(const PhoneReceiver&) = delete;
    PhoneReceiver& operator=(const PhoneReceiver&) = delete;

    bool running() const { return thread_.joinable(); }

private:
    void run();
    const HandleId handle_;
    const int fd_;
    int wake_fd_ = -1;  // an eventfd: written once to stop
    std::thread thread_;
};

}  // namespace counsel::media
