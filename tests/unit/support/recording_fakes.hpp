// Test doubles for the recorder: a temporary rec_dir, track files written as
// plain files (no Janus), file-mode and listing helpers.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "recording/recording_tap.hpp"

namespace counsel::testing {

// A fresh folder under $TMPDIR, deleted with everything in it at the end.
class TempDir {
public:
    TempDir() {
        const char* base = std::getenv("TMPDIR");
        std::string pattern = std::string(base && *base ? base : "/tmp") + "/counsel-rec-test-XXXXXX";
        std::vector<char> buf(pattern.begin(), pattern.end());
        buf.push_back('\0');
        path = mkdtemp(buf.data()) ? std::string(buf.data()) : std::string();
    }
    ~TempDir() {
        std::error_code ec;
        if (!path.empty()) std::filesystem::remove_all(path, ec);
    }
    std::string path;
};

inline int mode_of(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 07777) : -1;
}

// Every path below `dir` (relative), sorted.
inline std::vector<std::string> tree(const std::string& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
        out.push_back(std::filesystem::relative(it->path(), dir).string());
    std::sort(out.begin(), out.end());
    return out;
}

// A track file that takes the packets as they come (4-byte length + bytes).
class FileSink final : public recording::TrackSink {
public:
    explicit FileSink(std::string path) : path(std::move(path)) {
        file = std::fopen(this->path.c_str(), "wb");
        if (file) ::fchmod(fileno(file), 0600);
    }
    ~FileSink() override { close(); }
    bool write(char* rtp, unsigned length) override {
        std::lock_guard lock(mutex);
        if (!file) {
            ++dropped;
            return true;
        }
        if (fail_writes) return false;  // as a full disk does
        std::fwrite(&length, sizeof length, 1, file);
        std::fwrite(rtp, 1, length, file);
        ++written;
        return true;
    }
    void close() override {
        std::lock_guard lock(mutex);
        if (file) std::fclose(file);
        file = nullptr;
        closed = true;
    }
    std::string path;
    std::FILE* file = nullptr;
    std::mutex mutex;
    int written = 0, dropped = 0;
    bool closed = false;
    std::atomic<bool> fail_writes{false};
};

class FileSinkFactory final : public recording::TrackSinkFactory {
public:
    std::shared_ptr<recording::TrackSink> open(const std::string& dir, const std::string& base_name,
                                               const recording::TrackSpec& spec) override {
        if (fail) return nullptr;
        auto sink = std::make_shared<FileSink>(dir + "/" + base_name + ".mjr");
        opened.push_back(sink);
        specs.push_back(spec);
        return sink;
    }
    std::vector<std::shared_ptr<FileSink>> opened;
    std::vector<recording::TrackSpec> specs;
    bool fail = false;
};

}  // namespace counsel::testing
