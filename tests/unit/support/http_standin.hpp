// A WebDAV stand-in for tests: an HTTP/1.1 server on 127.0.0.1 (a free port)
// that accepts PUT or POST, answers each request with the next status of a
// script, and keeps what it got (method, path, Authorization header, all
// header lines, body).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace counsel::testing {

class HttpStandIn {
public:
    struct Request {
        std::string method, path, authorization, body;
        std::string head;  // the request line and every header line
        // The value of header `name` (case-insensitive), or "".
        std::string header(const std::string& name) const {
            std::string lower_head = head;
            for (char& ch : lower_head) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            std::string key = "\r\n" + name + ":";
            for (char& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            const std::size_t at = lower_head.find(key);
            if (at == std::string::npos) return "";
            std::size_t from = at + key.size();
            while (from < head.size() && head[from] == ' ') ++from;
            return head.substr(from, head.find("\r\n", from) - from);
        }
    };

    explicit HttpStandIn(std::deque<int> statuses) : statuses_(std::move(statuses)) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int one = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        ::listen(fd_, 16);
        socklen_t len = sizeof addr;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port = ntohs(addr.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~HttpStandIn() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }
    std::string url(const std::string& path = "/dav/recordings/") const {
        return "http://127.0.0.1:" + std::to_string(port) + path;
    }
    std::vector<Request> requests() {
        std::lock_guard lock(mutex_);
        return requests_;
    }

    int port = 0;

private:
    void serve() {
        while (!stop_) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (c < 0) continue;
            handle(c);
            ::close(c);
        }
    }
    void handle(int c) {
        std::string data;
        char buf[65536];
        std::size_t header_end = std::string::npos;
        while (header_end == std::string::npos) {
            const ssize_t n = ::recv(c, buf, sizeof buf, 0);
            if (n <= 0) return;
            data.append(buf, static_cast<std::size_t>(n));
            header_end = data.find("\r\n\r\n");
        }
        Request r;
        const std::string head = data.substr(0, header_end);
        r.head = head;
        r.method = head.substr(0, head.find(' '));
        r.path = head.substr(r.method.size() + 1, head.find(' ', r.method.size() + 1) - r.method.size() - 1);
        std::size_t length = 0;
        std::size_t pos = 0;
        while ((pos = head.find("\r\n", pos)) != std::string::npos) {
            pos += 2;
            const std::string line = head.substr(pos, head.find("\r\n", pos) - pos);
            const std::string lower = [&] {
                std::string l = line;
                for (char& ch : l) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
                return l;
            }();
            if (lower.rfind("content-length:", 0) == 0) length = std::stoul(line.substr(15));
            if (lower.rfind("authorization:", 0) == 0) r.authorization = line.substr(15);
        }
        r.body = data.substr(header_end + 4);
        while (r.body.size() < length) {
            const ssize_t n = ::recv(c, buf, sizeof buf, 0);
            if (n <= 0) break;
            r.body.append(buf, static_cast<std::size_t>(n));
        }
        int status = 201;
        {
            std::lock_guard lock(mutex_);
            if (!statuses_.empty()) {
                status = statuses_.front();
                statuses_.pop_front();
            }
            requests_.push_back(r);
        }
        const std::string answer = "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        ::send(c, answer.data(), answer.size(), MSG_NOSIGNAL);
    }

    int fd_ = -1;
    std::atomic<bool> stop_{false};
    std::mutex mutex_;
    std::deque<int> statuses_;
    std::vector<Request> requests_;
    std::thread thread_;
};

}  // namespace counsel::testing
