#include "recording/finalizer.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <system_error>
#include <thread>

#include "core/json.hpp"
#include "recording/process.hpp"
#include "recording/private_fs.hpp"

namespace counsel::recording {
namespace fsx = counsel::recording::private_fs;

namespace {

std::string seconds(std::int64_t us) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6f", static_cast<double>(us) / 1e6);
    return buf;
}

int even(double v) {
    int i = static_cast<int>(std::lround(v));
    if (i % 2) --i;
    return std::max(2, i);
}

std::string stem(const std::string& file) {
    const auto dot = file.rfind('.');
    return dot == std::string::npos ? file : file.substr(0, dot);
}

std::string converted_extension(const MjrHeader& h) {
    if (h.video) return h.codec == "av1" ? "mp4" : "mkv";
    if (h.codec == "opus" || h.codec == "multiopus") return "opus";
    return "wav";  // G.711, G.722
}

struct Probe {
    int width = 0, height = 0;
    std::int64_t duration_us = 0;
};

std::optional<Probe> probe(const Tools& tools, const std::string& path, bool video,
                           const std::atomic<bool>* cancel) {
    std::string out;
    ProcessOptions opts;
    opts.nice = tools.nice;
    opts.timeout_s = 120;
    opts.cancel = cancel;
    opts.capture_stdout = &out;
    const ProcessResult r =
        run_process({tools.ffprobe, "-v", "error", "-select_streams", video ? "v:0" : "a:0", "-show_entries",
                     "stream=width,height:format=duration", "-of", "default=noprint_wrappers=1", path},
                    opts);
    if (!r.ok()) return std::nullopt;
    Probe p;
    std::size_t pos = 0;
    while (pos < out.size()) {
        std::size_t end = out.find('\n', pos);
        if (end == std::string::npos) end = out.size();
        const std::string line = out.substr(pos, end - pos);
        pos = end + 1;
        const auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
        char* tail = nullptr;
        if (key == "width") p.width = static_cast<int>(std::strtol(value.c_str(), &tail, 10));
        else if (key == "height") p.height = static_cast<int>(std::strtol(value.c_str(), &tail, 10));
        else if (key == "duration") {
            const double d = std::strtod(value.c_str(), &tail);
            if (tail != value.c_str() && std::isfinite(d) && d > 0) p.duration_us = static_cast<std::int64_t>(d * 1e6);
        }
    }
    if (p.width < 0 || p.width > 16384 || p.height < 0 || p.height > 16384) p.width = p.height = 0;
    return p;
}

// The track file, also when Janus writes recordings under a temporary
// extension (janus.jcfg's recordings_tmp_ext) and a crash left it that way.
std::string track_path(const std::string& room_dir, const std::string& file) {
    const std::string path = room_dir + "/" + file;
    if (fsx::exists(path)) return path;
    for (const std::string& name : fsx::list_dir(room_dir))
        if (name.rfind(file + ".", 0) == 0) return room_dir + "/" + name;
    return path;
}

// One track file on its way to an ffmpeg input.
struct TrackJob {
    std::string path, out;
    MjrHeader header;
    bool need_duration = false;  // its span has no end yet (a crash)
    // Results:
    bool ok = false;
    Probe info;
};

// janus-pp-rec, then ffprobe where the plan needs what it tells: a video's
// picture size, and every track's length in a span a crash left open.
void prepare_track(const Tools& tools, TrackJob& job, const std::atomic<bool>* cancel) {
    if (cancel && cancel->load()) return;
    ProcessOptions opts;
    opts.nice = tools.nice;
    opts.timeout_s = tools.timeout_s;
    opts.cancel = cancel;
    const ProcessResult pp = run_process({tools.pp_rec, "-d", "0", job.path, job.out}, opts);
    if (!pp.ok() || fsx::file_size(job.out) <= 0) return;
    if (job.header.video || job.need_duration) {
        const auto info = probe(tools, job.out, job.header.video, cancel);
        if (!info) return;
        job.info = *info;
    }
    job.ok = true;
}

// Runs f(0..count-1) on up to `width` threads (this one included). The tracks
// are independent, and each tool run is mostly start-up and file I/O: side by
// side they finish in about the time of the longest.
template <class F>
void for_each_parallel(std::size_t count, std::size_t width, F&& f) {
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        for (std::size_t i; (i = next.fetch_add(1)) < count;) f(i);
    };
    std::vector<std::thread> threads;
    try {
        for (std::size_t t = 1; t < std::min(width, count); ++t) threads.emplace_back(worker);
    } catch (const std::system_error&) {
        // Fewer threads than asked: the ones there (and this one) do all of it.
    }
    worker();
    for (std::thread& t : threads) t.join();
}

}  // namespace

std::optional<MjrHeader> read_mjr_header(const std::string& path) {
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return std::nullopt;
    char magic[8];
    unsigned char len_bytes[2];
    std::optional<MjrHeader> out;
    if (std::fread(magic, 1, 8, f) == 8 && std::memcmp(magic, "MJR00002", 8) == 0 &&
        std::fread(len_bytes, 1, 2, f) == 2) {
        const std::size_t len = (static_cast<std::size_t>(len_bytes[0]) << 8) | len_bytes[1];
        std::string text(len, '\0');
        if (len > 0 && std::fread(text.data(), 1, len, f) == len) {
            json_error_t error;
            Json info = Json::adopt(json_loadb(text.data(), text.size(), 0, &error));
            auto type = info.string_at("t");
            auto codec = info.string_at("c");
            if (type && codec && (*type == "a" || *type == "v")) {
                MjrHeader h;
                h.video = *type == "v";
                h.codec = *codec;
                for (char& c : h.codec) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                h.created_us = info.integer_at("s").value_or(0);
                h.first_frame_us = info.integer_at("u").value_or(0);
                // A header without one packet after it is of no use.
                char frame[4];
                if (std::fread(frame, 1, 4, f) == 4 && std::memcmp(frame, "MEET", 4) == 0) out = h;
            }
        }
    }
    std::fclose(f);
    return out;
}

Layout layout_for(std::size_t tiles) {
    Layout l;
    const std::size_t n = std::max<std::size_t>(1, tiles);
    l.cols = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(n)) - 1e-9));
    l.rows = static_cast<int>((n + static_cast<std::size_t>(l.cols) - 1) / static_cast<std::size_t>(l.cols));
    if (l.cols <= 3) {
        l.tile_w = 640;
    } else {
        l.tile_w = (1920 / l.cols) / 16 * 16;
    }
    l.tile_h = l.tile_w * 3 / 4;
    if (l.tile_h % 2) --l.tile_h;
    return l;
}

std::string filter_graph(const Tools& tools, const std::vector<SpanPlan>& spans, const Layout& layout) {
    std::string g;
    auto add = [&g](const std::string& chain) {
        if (!g.empty()) g += ';';
        g += chain;
    };
    const std::string audio_format = "aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo";
    int input = 0;
    // "[<n>:v]": a stream of the next ffmpeg input. Built by appending: GCC 12
    // at -O3 warns (-Wrestrict, a false positive) on "literal" + std::string&&.
    auto next_input = [&input](char kind) {
        std::string s(1, '[');
        s += std::to_string(input++);
        s += ':';
        s += kind;
        s += ']';
        return s;
    };
    std::string joined;
    for (std::size_t k = 0; k < spans.size(); ++k) {
        const SpanPlan& span = spans[k];
        const std::string d = seconds(span.duration_us);
        const std::string p = "s" + std::to_string(k);
        add("color=c=black:s=" + std::to_string(layout.width()) + "x" + std::to_string(layout.height()) +
            ":r=" + std::to_string(tools.fps) + ":d=" + d + ",format=yuv420p[" + p + "b0]");
        for (std::size_t i = 0; i < span.video.size(); ++i) {
            const VideoInput& v = span.video[i];
            int w = layout.tile_w, h = layout.tile_h;
            if (v.width > 0 && v.height > 0) {
                const double f = std::min(static_cast<double>(layout.tile_w) / v.width,
                                          static_cast<double>(layout.tile_h) / v.height);
                w = std::min(layout.tile_w, even(v.width * f));
                h = std::min(layout.tile_h, even(v.height * f));
            }
            const int col = static_cast<int>(i) % layout.cols, row = static_cast<int>(i) / layout.cols;
            const int x = col * layout.tile_w + (layout.tile_w - w) / 2;
            const int y = row * layout.tile_h + (layout.tile_h - h) / 2;
            const std::string tile = p + "v" + std::to_string(i);
            add(next_input('v') + "setpts=PTS-STARTPTS+" + seconds(v.offset_us) +
                "/TB,scale=" + std::to_string(w) + ":" + std::to_string(h) + ",setsar=1,format=yuv420p[" + tile + "]");
            add("[" + p + "b" + std::to_string(i) + "][" + tile + "]overlay=x=" + std::to_string(x) +
                ":y=" + std::to_string(y) + ":eof_action=pass[" + p + "b" + std::to_string(i + 1) + "]");
        }
        add("[" + p + "b" + std::to_string(span.video.size()) + "]trim=duration=" + d + ",setpts=PTS-STARTPTS[" + p +
            "v]");
        std::string mix_inputs;
        for (std::size_t i = 0; i < span.audio.size(); ++i) {
            const std::string label = p + "a" + std::to_string(i);
            add(next_input('a') + "asetpts=PTS-STARTPTS+" + seconds(span.audio[i].offset_us) +
                "/TB,aresample=48000:async=1:first_pts=0," + audio_format + "[" + label + "]");
            mix_inputs += "[" + label + "]";
        }
        const std::string pad = "apad=whole_dur=" + d + ",atrim=duration=" + d + ",asetpts=PTS-STARTPTS[" + p + "a]";
        if (span.audio.empty())
            add("anullsrc=r=48000:cl=stereo," + audio_format + ",atrim=duration=" + d + ",asetpts=PTS-STARTPTS[" + p +
                "a]");
        else if (span.audio.size() == 1)
            add(mix_inputs + pad);
        else
            add(mix_inputs + "amix=inputs=" + std::to_string(span.audio.size()) +
                ":duration=longest:dropout_transition=0:normalize=0,"
                "alimiter=limit=0.9:level=0:latency=1," + pad);
        joined += "[" + p + "v][" + p + "a]";
    }
    if (spans.size() == 1)
        add("[s0v]null[v];[s0a]anull[a]");
    else
        add(joined + "concat=n=" + std::to_string(spans.size()) + ":v=1:a=1[v][a]");
    return g;
}

std::vector<std::string> ffmpeg_argv(const Tools& tools, const std::vector<SpanPlan>& spans, const std::string& output) {
    std::size_t tiles = 1;
    for (const SpanPlan& s : spans) tiles = std::max(tiles, s.video.size());
    const Layout layout = layout_for(tiles);
    std::vector<std::string> argv{tools.ffmpeg, "-nostdin", "-hide_banner", "-v", "error", "-y"};
    // Inputs in the graph's numbering: span by span, its videos then its audios.
    for (const SpanPlan& s : spans) {
        // A sender may change its resolution mid-stream; the tile's scale
        // filter follows it instead of ffmpeg rebuilding the whole graph.
        for (const VideoInput& v : s.video) argv.insert(argv.end(), {"-reinit_filter", "0", "-i", v.path});
        for (const AudioInput& a : s.audio) argv.insert(argv.end(), {"-i", a.path});
    }
    // No B-frames: B-frames took a quarter of x264's time here for
    // ~6 % more bytes at the same SSIM; AAC's fast coder: half the time of
    // "twoloop" at 128 kbit/s, no measurable loss on speech (tests/bench/README.md).
    argv.insert(argv.end(), {"-filter_complex", filter_graph(tools, spans, layout), "-map", "[v]", "-map", "[a]",
                             "-map_metadata", "-1", "-c:v", "libx264", "-preset", tools.x264_preset, "-crf",
                             std::to_string(tools.crf), "-bf", "0", "-profile:v", "high", "-pix_fmt", "yuv420p", "-r",
                             std::to_string(tools.fps), "-c:a", "aac", "-aac_coder", "fast", "-b:a", "128k", "-ar",
                             "48000", "-ac", "2", "-movflags", "+faststart", "-f", "mp4", output});
    return argv;
}

bool is_intermediate(const std::string& name) {
    auto ends_with = [&name](const char* suffix) {
        const std::size_t n = std::strlen(suffix);
        return name.size() >= n && name.compare(name.size() - n, n, suffix) == 0;
    };
    return name.rfind("work-", 0) == 0 || ends_with(".mjr") || ends_with(".part") ||
           name.find(".mjr.") != std::string::npos;
}

FinalizeOutcome render_session(const std::string& room_dir, const FolderMarker& state, const Tools& tools,
                               const std::atomic<bool>* cancel) {
    FinalizeOutcome outcome;
    std::vector<SpanPlan> plans;
    std::vector<std::string> work;
    auto cleanup = [&work] {
        for (const std::string& w : work) ::unlink(w.c_str());
    };
    // The track files of every span, converted side by side.
    std::vector<std::vector<std::size_t>> span_jobs(state.spans.size());
    std::vector<std::int64_t> last_write(state.spans.size());
    std::vector<TrackJob> jobs;
    for (std::size_t k = 0; k < state.spans.size(); ++k) {
        const SpanRecord& span = state.spans[k];
        last_write[k] = span.start_us;
        for (const TrackRecord& track : span.tracks) {
            const std::string path = track_path(room_dir, track.file);
            last_write[k] = std::max(last_write[k], fsx::mtime_us(path));
            const auto header = read_mjr_header(path);
            if (!header) {
                ++outcome.tracks_empty;
                continue;
            }
            TrackJob job;
            job.path = path;
            job.out = room_dir + "/work-" + stem(track.file) + "." + converted_extension(*header);
            job.header = *header;
            job.need_duration = span.end_us == 0;
            ::unlink(job.out.c_str());
            work.push_back(job.out);
            span_jobs[k].push_back(jobs.size());
            jobs.push_back(std::move(job));
        }
    }
    const std::size_t width = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 4);
    for_each_parallel(jobs.size(), width, [&](std::size_t i) {
        try {
            prepare_track(tools, jobs[i], cancel);
        } catch (const std::exception&) {
            jobs[i].ok = false;  // counted as an empty track below
        }
    });
    if (cancel && cancel->load()) {
        cleanup();
        outcome.why = "stopped";
        return outcome;
    }
    for (std::size_t k = 0; k < state.spans.size(); ++k) {
        const SpanRecord& span = state.spans[k];
        SpanPlan plan;
        SpanRecord rendered = span;
        std::int64_t last_us = span.start_us;  // the last media of the span
        for (const std::size_t i : span_jobs[k]) {
            const TrackJob& job = jobs[i];
            if (!job.ok) {
                ++outcome.tracks_empty;
                continue;
            }
            const std::int64_t offset = job.header.first_frame_us > 0
                                            ? std::max<std::int64_t>(0, job.header.first_frame_us - span.start_us)
                                            : 0;
            last_us = std::max(last_us, span.start_us + offset + job.info.duration_us);
            if (job.header.video)
                plan.video.push_back(VideoInput{job.out, offset, job.info.width, job.info.height});
            else
                plan.audio.push_back(AudioInput{job.out, offset});
            ++outcome.tracks_used;
        }
        // A span a crash left open ends with its last packet (or, if nothing
        // in it could be read, with the last write to its files).
        if (rendered.end_us == 0) rendered.end_us = plan.video.empty() && plan.audio.empty() ? last_write[k] : last_us;
        plan.duration_us = rendered.end_us - rendered.start_us;
        if (plan.duration_us < 40'000) continue;  // nothing to see
        for (VideoInput& v : plan.video) v.offset_us = std::min(v.offset_us, plan.duration_us);
        for (AudioInput& a : plan.audio) a.offset_us = std::min(a.offset_us, plan.duration_us);
        outcome.duration_us += plan.duration_us;
        outcome.spans.push_back(rendered);
        plans.push_back(std::move(plan));
    }
    if (plans.empty()) {
        cleanup();
        outcome.why = "no span with media";
        return outcome;
    }
    const std::string part = room_dir + "/" + kRecordingFile + ".part";
    const std::string final_path = room_dir + "/" + kRecordingFile;
    ::unlink(part.c_str());
    work.push_back(part);
    ProcessOptions opts;
    opts.nice = tools.nice;
    opts.timeout_s = tools.timeout_s;
    opts.cancel = cancel;
    const ProcessResult ff = run_process(ffmpeg_argv(tools, plans, part), opts);
    if (!ff.ok() || fsx::file_size(part) <= 0) {
        cleanup();
        outcome.why = ff.cancelled ? "stopped" : ff.timed_out ? "ffmpeg timed out" : "ffmpeg failed";
        return outcome;
    }
    ::chmod(part.c_str(), 0600);
    fsx::sync_path(part);
    if (::rename(part.c_str(), final_path.c_str()) != 0) {
        cleanup();
        outcome.why = "could not move the result into place";
        return outcome;
    }
    fsx::sync_path(room_dir);
    cleanup();
    outcome.ok = true;
    return outcome;
}

}  // namespace counsel::recording
