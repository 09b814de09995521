#include "log.hpp"

#include <atomic>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace counsel::phone::log {
namespace {

std::atomic<int> current{static_cast<int>(Level::Info)};
std::mutex out;

}  // namespace

void set_level(Level level) { current = static_cast<int>(level); }

void write(Level level, const std::string& line) {
    if (static_cast<int>(level) > current.load()) return;
    static const char* const names[] = {"ERR", "WARN", "INFO", "VERB"};
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    tm t{};
    gmtime_r(&ts.tv_sec, &t);
    char stamp[32];
    std::strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &t);
    std::lock_guard lock(out);
    std::fprintf(stderr, "%s.%03ldZ [%s] %s\n", stamp, ts.tv_nsec / 1'000'000, names[static_cast<int>(level)],
                 line.c_str());
    std::fflush(stderr);
}

}  // namespace counsel::phone::log
