// counsel-rec-finalize: renders one room folder's consented spans into
// <ROOM_DIR>/recording.mp4, as the plugin's worker does, and prints how long
// it took. For the benchmark (tests/bench/recording_finalize.sh) and for an
// operator who wants to render a folder by hand. It does not publish links,
// write metadata or delete the track files.
//
//   counsel-rec-finalize [--preset veryfast] [--nice 10] ROOM_DIR
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "recording/finalizer.hpp"
#include "recording/private_fs.hpp"

using namespace counsel::recording;

int main(int argc, char** argv) {
    Tools tools;
    std::string dir;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--preset") && i + 1 < argc) tools.x264_preset = argv[++i];
        else if (!std::strcmp(argv[i], "--nice") && i + 1 < argc) tools.nice = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--crf") && i + 1 < argc) tools.crf = std::atoi(argv[++i]);
        else if (argv[i][0] != '-' && dir.empty()) dir = argv[i];
        else {
            std::fprintf(stderr, "usage: %s [--preset P] [--crf N] [--nice N] ROOM_DIR\n", argv[0]);
            return 2;
        }
    }
    if (dir.empty()) {
        std::fprintf(stderr, "usage: %s [--preset P] [--crf N] [--nice N] ROOM_DIR\n", argv[0]);
        return 2;
    }
    auto text = counsel::recording::private_fs::read_small_file(dir + "/" + kStateFile);
    auto state = text ? parse_state(*text) : std::nullopt;
    if (!state) {
        std::fprintf(stderr, "%s/%s is missing or unreadable\n", dir.c_str(), kStateFile);
        return 1;
    }
    const auto t0 = std::chrono::steady_clock::now();
    const FinalizeOutcome out = render_session(dir, *state, tools, nullptr);
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!out.ok) {
        std::fprintf(stderr, "finalization failed: %s\n", out.why.c_str());
        return 1;
    }
    const double media = static_cast<double>(out.duration_us) / 1e6;
    // CPU time of the tools (janus-pp-rec, ffprobe, ffmpeg): comparable on a busy machine.
    rusage children{};
    getrusage(RUSAGE_CHILDREN, &children);
    const double cpu = static_cast<double>(children.ru_utime.tv_sec + children.ru_stime.tv_sec) +
                       static_cast<double>(children.ru_utime.tv_usec + children.ru_stime.tv_usec) / 1e6;
    std::printf("{\"spans\":%zu,\"tracks\":%d,\"media_s\":%.3f,\"took_s\":%.3f,\"cpu_s\":%.3f,\"speed\":%.2f}\n",
                out.spans.size(), out.tracks_used, media, took, cpu, took > 0 ? media / took : 0.0);
    return 0;
}
