// Finalization with the real tools (janus-pp-rec, ffprobe, ffmpeg; skipped
// when they are not installed): consented spans recorded as .mjr tracks
// become one H.264 + AAC MP4 of the spans' length with its consent metadata,
// intermediates are deleted, the links open it; each tile is in place,
// letterboxed, black before its first frame and after its last; a folder a
// crash left in the middle of a span is finalized at the next start with its
// consent log; a finalization that failed for lack of space runs again when
// space returns (while running, or at the next start) and says so in its metadata.
#include <unistd.h>

#include <atomic>
#include <cmath>

#include "core/json.hpp"
#include "recording/process.hpp"
#include "recording/recorder.hpp"
#include "recording/private_fs.hpp"
#include "support/fakes.hpp"
#include "support/http_standin.hpp"
#include "support/recording_fakes.hpp"
#include "cmocka_cpp.hpp"

using namespace counsel;
using namespace counsel::testing;
using namespace counsel::recording;

namespace {

const std::string kRoom = "00aa11bb22cc33dd";
constexpr std::uint64_t kAnna = 11, kBen = 22, kCara = 33;

bool tools_present() {
    for (const char* t : {"/usr/bin/janus-pp-rec", "/usr/bin/ffmpeg", "/usr/bin/ffprobe", "/usr/bin/python3"})
        if (::access(t, X_OK) != 0) return false;
    return true;
}

// Replaces a track file with `seconds` of generated media whose first frame is at `first_us`.
void fill_track(const std::string& path, bool video, double seconds, std::int64_t first_us, const char* source,
                const char* size = "320x240") {
    std::vector<std::string> argv{"/usr/bin/python3", std::string(COUNSEL_SOURCE_DIR) + "/tests/bench/make_mjr.py",
                                  video ? "video" : "audio", path, "--seconds", std::to_string(seconds),
                                  "--first-us", std::to_string(first_us)};
    if (video) argv.insert(argv.end(), {"--source", source, "--size", size});
    else argv.insert(argv.end(), {"--freq", "440"});
    ::unlink(path.c_str());
    assert_true(run_process(argv, ProcessOptions{0, 120, nullptr, nullptr}).ok());
}

struct Probe {
    int video = 0, audio = 0, width = 0, height = 0;
    std::string vcodec, acodec;
    double duration = 0;
};

Probe probe(const std::string& file) {
    std::string out;
    ProcessOptions o;
    o.nice = 0;
    o.capture_stdout = &out;
    assert_true(run_process({"/usr/bin/ffprobe", "-v", "error", "-show_entries",
                             "stream=codec_type,codec_name,width,height:format=duration", "-of", "json", file},
                            o)
                    .ok());
    json_error_t error;
    Json root = Json::adopt(json_loads(out.c_str(), 0, &error));
    Probe p;
    std::size_t i;
    json_t* s;
    json_array_foreach(root.field("streams"), i, s) {
        Json stream = Json::borrow(s);
        if (stream.string_at("codec_type") == "video") {
            ++p.video;
            p.vcodec = stream.string_at("codec_name").value_or("");
            p.width = static_cast<int>(stream.integer_at("width").value_or(0));
            p.height = static_cast<int>(stream.integer_at("height").value_or(0));
        } else if (stream.string_at("codec_type") == "audio") {
            ++p.audio;
            p.acodec = stream.string_at("codec_name").value_or("");
        }
    }
    Json format = Json::borrow(root.field("format"));
    p.duration = std::atof(format.string_at("duration").value_or("0").c_str());
    return p;
}

struct Rig {
    TempDir tmp;
    std::string rec;
    FileSinkFactory sinks;
    RecordingGateway gateway;
    std::atomic<std::int64_t> now_us{0};
    std::atomic<std::int64_t> free_bytes{10LL << 30};  // what statvfs would say
    std::unique_ptr<Recorder> recorder;

    Rig() : rec(tmp.path + "/rec") { now_us = recording::private_fs::now_unix_us(); }
    void boot(std::optional<recording::WebdavTarget> webdav = std::nullopt) {
        RecorderSettings s;
        s.rec_dir = rec;
        s.retention_days = 3;
        s.space_check_s = 1;
        s.free_bytes = [this](const std::string&) { return free_bytes.load(); };
        s.tools.x264_preset = "ultrafast";
        s.webdav = std::move(webdav);
        recorder = std::make_unique<Recorder>(s, sinks, gateway, [this] { return now_us.load(); });
        std::string reason;
        assert_true(recorder->start(reason));
    }
    std::string dir() const { return rec + "/" + kRoom; }
};

std::vector<MediaMember> members(std::initializer_list<std::uint64_t> ids) {
    std::vector<MediaMember> out;
    HandleId h = 1;
    for (std::uint64_t id : ids) out.push_back(MediaMember{h++, id, false, false});
    return out;
}

// Opens a person's audio and video in the current span and fills them.
void person(Rig& r, std::uint64_t id, double seconds, std::int64_t first_us, const char* source) {
    auto a = r.recorder->track(kRoom, id, 0, TrackSpec{false, "opus", ""});
    auto v = r.recorder->track(kRoom, id, 1, TrackSpec{true, "h264", ""});
    assert_non_null(a.get());
    assert_non_null(v.get());
    a->close();
    v->close();
    const std::size_t n = r.sinks.opened.size();
    fill_track(r.sinks.opened[n - 2]->path, false, seconds, first_us, source);
    fill_track(r.sinks.opened[n - 1]->path, true, seconds, first_us, source);
}

void two_spans_become_one_mp4_with_metadata_and_links(void**) {
    if (!tools_present()) skip();
    Rig r;
    // The practice's own storage, which fails once.
    HttpStandIn dav({503, 201, 201});
    recording::WebdavTarget target;
    target.url = dav.url();
    target.user = "practice";
    target.password = "pw";
    target.first_retry_delay_ms = 20;
    r.boot(target);
    const std::string link = r.recorder->grant_download(kRoom);
    // Span 1: two people, 2 s.
    const std::int64_t t0 = r.now_us;
    r.recorder->start_span(kRoom, members({kAnna, kBen}));
    person(r, kAnna, 2.0, t0 + 50'000, "testsrc2");
    person(r, kBen, 1.5, t0 + 300'000, "smptebars");
    r.now_us += 2'000'000;
    r.recorder->end_span(kRoom);
    // A pause of 4 s (someone new was admitted), then span 2: three people, 1.5 s.
    r.now_us += 4'000'000;
    const std::int64_t t1 = r.now_us;
    r.recorder->start_span(kRoom, members({kAnna, kBen, kCara}));
    person(r, kAnna, 1.5, t1, "testsrc2");
    person(r, kBen, 1.5, t1, "smptebars");
    person(r, kCara, 1.2, t1 + 100'000, "testsrc");
    const std::string late_link = r.recorder->grant_download(kRoom);
    r.now_us += 1'500'000;
    Json metadata = Json::object().set("room", kRoom).set(
        "consent_log", Json::array().append(Json::object().set("at_ms", t0 / 1000).set("event", "start")));
    r.recorder->finalize(kRoom, metadata);
    assert_true(r.recorder->wait_idle(180'000));

    assert_int_equal(r.recorder->stats().finalized, 1);
    const std::string mp4 = r.dir() + "/recording.mp4";
    assert_int_equal(mode_of(mp4), 0600);
    const Probe p = probe(mp4);
    assert_int_equal(p.video, 1);
    assert_int_equal(p.audio, 1);
    assert_string_equal(p.vcodec.c_str(), "h264");
    assert_string_equal(p.acodec.c_str(), "aac");
    // The canvas fits the largest span (3 people: a 2x2 grid of 640x480 tiles).
    assert_int_equal(p.width, 1280);
    assert_int_equal(p.height, 960);
    // The spans, without the pause between them.
    assert_true(std::fabs(p.duration - 3.5) < 0.1);

    // Beside it: the consent metadata; nothing else.
    const std::vector<std::string> files = recording::private_fs::list_dir(r.dir());
    assert_int_equal(files.size(), 3);
    assert_string_equal(files[0].c_str(), "recording.json");
    assert_string_equal(files[1].c_str(), "recording.mp4");
    assert_string_equal(files[2].c_str(), "state.json");
    assert_int_equal(mode_of(r.dir() + "/recording.json"), 0600);
    const std::string meta = *recording::private_fs::read_small_file(r.dir() + "/recording.json");
    assert_true(meta.find("\"consent_log\"") != std::string::npos);
    assert_true(meta.find("\"duration_ms\":3500") != std::string::npos);
    assert_true(meta.find("\"participants\":[11,22,33]") != std::string::npos);
    assert_true(meta.find("\"recovered_after_crash\":false") != std::string::npos);

    // Both links open it, for the retention time; a wrong one opens nothing.
    const std::int64_t now_s = r.now_us / 1'000'000;
    assert_string_equal(r.recorder->links().lookup(link.substr(5), now_s)->c_str(), mp4.c_str());
    assert_true(r.recorder->links().lookup(late_link.substr(5), now_s).has_value());
    assert_false(r.recorder->links().lookup(link.substr(5), now_s + 3 * 24 * 3600 + 1).has_value());
    assert_false(r.recorder->links().lookup(recording::CapabilityStore::mint().path.substr(5), now_s).has_value());

    // Delivered to the WebDAV target after a retry: the MP4 and its metadata, byte for byte.
    const auto puts = dav.requests();
    assert_int_equal(puts.size(), 3);
    assert_string_equal(puts[1].path.c_str(), ("/dav/recordings/counsel-" + kRoom + ".mp4").c_str());
    assert_string_equal(puts[2].path.c_str(), ("/dav/recordings/counsel-" + kRoom + ".json").c_str());
    assert_true(puts[1].body == *recording::private_fs::read_small_file(mp4, 1 << 30));
    assert_true(puts[2].body == meta);
    assert_true(parse_state(*recording::private_fs::read_small_file(r.dir() + "/state.json"))->uploaded);
    assert_int_equal(r.recorder->stats().uploaded, 1);
    for (const std::string& line : r.gateway.logs) {
        assert_true(line.find("127.0.0.1") == std::string::npos);
        assert_true(line.find(link.substr(5)) == std::string::npos);
    }
}

void a_span_open_when_janus_died_is_finalized_at_the_next_start(void**) {
    if (!tools_present()) skip();
    Rig r;
    std::string reason;
    assert_true(recording::private_fs::make_private_dir(r.dir(), reason));
    // What the recorder had on disk 2.5 s into a span when Janus was killed:
    // the marker says "recording", the span has no end, the tracks stop where the crash was.
    const std::int64_t t0 = r.now_us - 60'000'000;
    FolderMarker st;
    st.room = kRoom;
    st.state = FolderState::Recording;
    SpanRecord span{t0, 0, {kAnna, kBen}, {}, {}};
    span.tracks = {TrackRecord{"s01-t01-audio.mjr", kAnna, 0, false, "opus"},
                   TrackRecord{"s01-t02-video.mjr", kAnna, 1, true, "h264"},
                   TrackRecord{"s01-t03-audio.mjr", kBen, 0, false, "opus"},
                   TrackRecord{"s01-t04-video.mjr", kBen, 1, true, "h264"},
                   TrackRecord{"s01-t05-video.mjr", kBen, 2, true, "h264"}};  // opened, no packet yet
    st.spans.push_back(span);
    const auto link = recording::CapabilityStore::mint();
    st.links.push_back(LinkRecord{link.digest, t0 / 1'000'000});
    // The consent log as the marker held it when Janus died.
    st.consent_log = {ConsentRecord{t0 / 1000 - 900, "request", 0}, ConsentRecord{t0 / 1000 - 500, "yes", kBen},
                      ConsentRecord{t0 / 1000, "yes", kAnna}, ConsentRecord{t0 / 1000, "start", 0}};
    recording::private_fs::write_private_file(r.dir() + "/state.json", render_state(st));
    fill_track(r.dir() + "/s01-t01-audio.mjr", false, 2.5, t0, "");
    fill_track(r.dir() + "/s01-t02-video.mjr", true, 2.5, t0, "testsrc2");
    fill_track(r.dir() + "/s01-t03-audio.mjr", false, 2.3, t0 + 200'000, "");
    fill_track(r.dir() + "/s01-t04-video.mjr", true, 2.3, t0 + 200'000, "smptebars");
    recording::private_fs::write_private_file(r.dir() + "/s01-t05-video.mjr", "MJR00002");
    // Truncate the last packet, as a kill -9 in the middle of a write does.
    const std::string last = r.dir() + "/s01-t02-video.mjr";
    assert_int_equal(::truncate(last.c_str(), recording::private_fs::file_size(last) - 300), 0);

    r.boot();
    assert_true(r.recorder->wait_idle(180'000));
    assert_int_equal(r.recorder->stats().recovered, 1);
    assert_int_equal(r.recorder->stats().finalized, 1);
    const Probe p = probe(r.dir() + "/recording.mp4");
    assert_int_equal(p.video, 1);
    assert_int_equal(p.audio, 1);
    assert_int_equal(p.width, 1280);
    assert_int_equal(p.height, 480);
    // The span ends with its last packet (2.5 s of media).
    assert_true(std::fabs(p.duration - 2.5) < 0.2);
    const std::string meta = *recording::private_fs::read_small_file(r.dir() + "/recording.json");
    assert_true(meta.find("\"recovered_after_crash\":true") != std::string::npos);
    assert_true(meta.find("\"finalize_attempts\":1") != std::string::npos);
    assert_true(meta.find("finalized_after_failure") == std::string::npos);
    // The proof of consent survives the crash.
    json_error_t error;
    Json parsed = Json::adopt(json_loads(meta.c_str(), 0, &error));
    json_t* log = parsed.field("consent_log");
    assert_int_equal(json_array_size(log), 4);
    assert_string_equal(Json::borrow(json_array_get(log, 3)).string_at("event")->c_str(), "start");
    assert_int_equal(*Json::borrow(json_array_get(log, 1)).integer_at("participant"), kBen);
    assert_true(r.recorder->links().lookup(link.path.substr(5), r.now_us / 1'000'000).has_value());
    assert_int_equal(recording::private_fs::list_dir(r.dir()).size(), 3);
}

Json consent_log(std::int64_t t0_ms, bool stopped) {
    Json log = Json::array()
                   .append(Json::object().set("at_ms", t0_ms - 800).set("event", "request"))
                   .append(Json::object().set("at_ms", t0_ms - 400).set("event", "yes").set("participant", kBen))
                   .append(Json::object().set("at_ms", t0_ms).set("event", "yes").set("participant", kAnna))
                   .append(Json::object().set("at_ms", t0_ms).set("event", "start"));
    if (stopped) log.append(Json::object().set("at_ms", t0_ms + 1500).set("event", "stop"));
    return Json::object().set("room", kRoom).set("consent_log", std::move(log));
}

// Records one span of 1.5 s with two people and ends the session.
std::string record_and_end(Rig& r) {
    const std::string link = r.recorder->grant_download(kRoom);
    const std::int64_t t0 = r.now_us;
    r.recorder->consent_logged(kRoom, consent_log(t0 / 1000, false));
    r.recorder->start_span(kRoom, members({kAnna, kBen}));
    person(r, kAnna, 1.5, t0, "testsrc2");
    person(r, kBen, 1.5, t0, "smptebars");
    r.now_us += 1'500'000;
    r.recorder->finalize(kRoom, consent_log(t0 / 1000, true));
    return link;
}

void check_finished_after_a_failure_for_space(Rig& r, const std::string& link) {
    assert_int_equal(::access((r.dir() + "/recording.mp4").c_str(), R_OK), 0);
    const std::string meta = *recording::private_fs::read_small_file(r.dir() + "/recording.json");
    assert_true(meta.find("\"recovered_after_crash\":false") != std::string::npos);  // nothing crashed
    assert_true(meta.find("\"finalize_attempts\":2") != std::string::npos);
    assert_true(meta.find("\"finalized_after_failure\":\"no_space\"") != std::string::npos);
    json_error_t error;
    Json parsed = Json::adopt(json_loads(meta.c_str(), 0, &error));
    assert_int_equal(json_array_size(parsed.field("consent_log")), 5);
    assert_true(r.recorder->links().lookup(link.substr(5), r.now_us / 1'000'000).has_value());
    assert_int_equal(recording::private_fs::list_dir(r.dir()).size(), 3);  // no reserve, no track file left
}

void a_finalization_that_failed_for_space_runs_again_when_space_returns(void**) {
    if (!tools_present()) skip();
    Rig r;
    r.boot();
    r.free_bytes = 2 << 20;  // the disk is (almost) full when the session ends
    const std::string link = record_and_end(r);
    assert_true(r.recorder->wait_idle(60'000));
    assert_int_equal(r.recorder->stats().finalize_failed, 1);
    assert_int_equal(r.recorder->stats().finalize_waiting, 1);
    assert_false(r.recorder->links().lookup(link.substr(5), r.now_us / 1'000'000).has_value());
    assert_string_equal(parse_state(*recording::private_fs::read_small_file(r.dir() + "/state.json"))->finalize_failure.c_str(),
                        "no_space");
    // Space comes back while Janus runs: finalized within a space check, no restart.
    r.free_bytes = 10LL << 30;
    r.now_us += 2'000'000;
    for (int i = 0; i < 1800 && r.recorder->stats().finalized == 0; ++i) ::usleep(100'000);
    assert_true(r.recorder->wait_idle(180'000));
    assert_int_equal(r.recorder->stats().finalized, 1);
    assert_int_equal(r.recorder->stats().finalize_retried, 1);
    assert_int_equal(r.recorder->stats().finalize_waiting, 0);
    check_finished_after_a_failure_for_space(r, link);
}

void a_finalization_that_failed_for_space_before_a_restart_is_labelled_honestly(void**) {
    if (!tools_present()) skip();
    Rig r;
    r.boot();
    r.free_bytes = 0;
    const std::string link = record_and_end(r);
    assert_true(r.recorder->wait_idle(60'000));
    assert_int_equal(r.recorder->stats().finalize_failed, 1);
    r.recorder->stop();
    // The next start, with space: finalized, and not "recovered after a crash".
    r.free_bytes = 10LL << 30;
    r.boot();
    assert_true(r.recorder->wait_idle(180'000));
    assert_int_equal(r.recorder->stats().finalized, 1);
    check_finished_after_a_failure_for_space(r, link);
}

// The mean luma of each 40x40 block of the MP4's picture at `at_s` (1280x480 -> 32x12).
std::vector<int> blocks_at(const std::string& mp4, double at_s) {
    std::string out;
    ProcessOptions o;
    o.nice = 0;
    o.capture_stdout = &out;
    assert_true(run_process({"/usr/bin/ffmpeg", "-nostdin", "-v", "error", "-ss", std::to_string(at_s), "-i", mp4,
                             "-frames:v", "1", "-vf", "scale=32:12:flags=area,format=gray", "-f", "rawvideo", "-"},
                            o)
                    .ok());
    assert_int_equal(out.size(), 32 * 12);
    return std::vector<int>(out.begin(), out.end());
}

// Mean of blocks [x0, x1) x [y0, y1).
double mean(const std::vector<int>& b, int x0, int x1, int y0, int y1) {
    double sum = 0;
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x) sum += static_cast<unsigned char>(b[static_cast<std::size_t>(y * 32 + x)]);
    return sum / ((x1 - x0) * (y1 - y0));
}

void the_picture_has_each_tile_in_place_black_before_it_starts(void**) {
    if (!tools_present()) skip();
    Rig r;
    r.boot();
    const std::int64_t t0 = r.now_us;
    r.recorder->start_span(kRoom, members({kAnna, kBen}));
    // Anna (4:3) from the start; Ben (16:9) 1.2 s late, for 1 s.
    auto av = r.recorder->track(kRoom, kAnna, 1, TrackSpec{true, "h264", ""});
    auto bv = r.recorder->track(kRoom, kBen, 1, TrackSpec{true, "h264", ""});
    av->close();
    bv->close();
    fill_track(r.sinks.opened[0]->path, true, 3.0, t0, "testsrc2");
    fill_track(r.sinks.opened[1]->path, true, 1.0, t0 + 1'200'000, "smptebars", "320x180");
    r.now_us += 3'000'000;
    r.recorder->end_span(kRoom);
    r.recorder->finalize(kRoom, Json::object().set("room", kRoom));
    assert_true(r.recorder->wait_idle(180'000));
    const std::string mp4 = r.dir() + "/recording.mp4";
    assert_int_equal(probe(mp4).width, 1280);
    // Before Ben's first frame: Anna left, black right.
    std::vector<int> b = blocks_at(mp4, 0.6);
    assert_true(mean(b, 1, 15, 1, 11) > 40);
    assert_true(mean(b, 16, 32, 0, 12) < 20);
    // While both send: Ben letterboxed in the right tile (640x360 at y 60:
    // the top and bottom 40 px are black, the middle is his picture).
    b = blocks_at(mp4, 1.7);
    assert_true(mean(b, 1, 15, 1, 11) > 40);
    assert_true(mean(b, 16, 32, 0, 1) < 20);
    assert_true(mean(b, 16, 32, 11, 12) < 20);
    assert_true(mean(b, 16, 32, 2, 6) > 60);  // smptebars' colour bars
    // After his last frame: black again.
    b = blocks_at(mp4, 2.7);
    assert_true(mean(b, 1, 15, 1, 11) > 40);
    assert_true(mean(b, 16, 32, 0, 12) < 20);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(two_spans_become_one_mp4_with_metadata_and_links),
        cmocka_unit_test(a_span_open_when_janus_died_is_finalized_at_the_next_start),
        cmocka_unit_test(a_finalization_that_failed_for_space_runs_again_when_space_returns),
        cmocka_unit_test(a_finalization_that_failed_for_space_before_a_restart_is_labelled_honestly),
        cmocka_unit_test(the_picture_has_each_tile_in_place_black_before_it_starts),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
