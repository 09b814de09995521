// Runs the tools of finalization (janus-pp-rec, ffprobe, ffmpeg) as child
// processes: argv only (no shell), stdin from /dev/null, umask 077 (every file
// they write is 0600), a lower CPU priority, killed if the thread that started
// them dies, and stopped early on request. Their output is not logged: file
// names in it carry room refs only, but it is of no use in Janus's log.
#pragma once

#include <atomic>
#include <string>
#include <vector>

namespace counsel::recording {

struct ProcessOptions {
    int nice = 10;                          // added to the child's priority
    int timeout_s = 0;                      // 0: none
    const std::atomic<bool>* cancel = nullptr;  // set: the child is killed
    std::string* capture_stdout = nullptr;  // else stdout goes to /dev/null
    std::size_t capture_limit = 1 << 20;
};

struct ProcessResult {
    bool started = false;
    int exit_code = -1;   // -1: killed or did not start
    bool timed_out = false;
    bool cancelled = false;
    bool ok() const { return started && exit_code == 0; }
};

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

}  // namespace counsel::recording
