#include "recording/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

namespace counsel::recording {

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
    ProcessResult result;
    if (argv.empty()) return result;
    // Everything the child needs is prepared before fork: after it, only
    // async-signal-safe calls.
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    int out_pipe[2] = {-1, -1};
    if (options.capture_stdout && ::pipe2(out_pipe, O_CLOEXEC) != 0) return result;
    const int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull < 0) {
        if (out_pipe[0] >= 0) ::close(out_pipe[0]), ::close(out_pipe[1]);
        return result;
    }
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(devnull);
        if (out_pipe[0] >= 0) ::close(out_pipe[0]), ::close(out_pipe[1]);
        return result;
    }
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(127);
        ::setpgid(0, 0);
        ::umask(077);
        if (options.nice > 0) ::setpriority(PRIO_PROCESS, 0, options.nice);
        ::dup2(devnull, 0);
        ::dup2(options.capture_stdout ? out_pipe[1] : devnull, 1);
        ::dup2(devnull, 2);
        // Unblock signals the parent's threads may block (GLib does for some).
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    result.started = true;
    ::close(devnull);
    if (out_pipe[1] >= 0) ::close(out_pipe[1]);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(options.timeout_s);
    int status = 0;
    bool reaped = false;
    bool killed = false;
    while (!reaped) {
        if (out_pipe[0] >= 0) {
            pollfd pfd{out_pipe[0], POLLIN, 0};
            if (::poll(&pfd, 1, 50) > 0) {
                char buf[4096];
                const ssize_t n = ::read(out_pipe[0], buf, sizeof buf);
                if (n > 0 && options.capture_stdout->size() < options.capture_limit)
                    options.capture_stdout->append(buf, static_cast<std::size_t>(n));
                if (n == 0) {
                    ::close(out_pipe[0]);
                    out_pipe[0] = -1;
                }
            }
        } else {
            ::usleep(20000);
        }
        const pid_t w = ::waitpid(pid, &status, WNOHANG);
        if (w == pid) {
            reaped = true;
            break;
        }
        if (w < 0 && errno != EINTR) break;
        if (!killed) {
            if (options.cancel && options.cancel->load()) {
                result.cancelled = true;
                killed = true;
            } else if (options.timeout_s > 0 && std::chrono::steady_clock::now() > deadline) {
                result.timed_out = true;
                killed = true;
            }
            if (killed) ::kill(-pid, SIGKILL);
        }
    }
    if (out_pipe[0] >= 0) {
        // Drain what is left.
        char buf[4096];
        ssize_t n;
        while ((n = ::read(out_pipe[0], buf, sizeof buf)) > 0)
            if (options.capture_stdout->size() < options.capture_limit)
                options.capture_stdout->append(buf, static_cast<std::size_t>(n));
        ::close(out_pipe[0]);
    }
    if (!reaped) ::waitpid(pid, &status, 0);
    result.exit_code = (!killed && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
    return result;
}

}  // namespace counsel::recording
