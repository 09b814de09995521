// The finalization plan without running anything: the grid, the ffmpeg graph
// (tiles at their offsets, audio mixed, spans joined), the command line
// (H.264 + AAC MP4, no shell), and .mjr headers.
#include "recording/finalizer.hpp"
#include "recording/private_fs.hpp"
#include "support/recording_fakes.hpp"
#include "cmocka_cpp.hpp"

using namespace counsel;
using namespace counsel::testing;
using namespace counsel::recording;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

void the_grid_grows_with_the_people(void**) {
    struct Case {
        std::size_t n;
        int cols, rows, w, h;
    } cases[] = {{0, 1, 1, 640, 480}, {1, 1, 1, 640, 480}, {2, 2, 1, 1280, 480}, {3, 2, 2, 1280, 960},
                 {4, 2, 2, 1280, 960}, {5, 3, 2, 1920, 960}, {9, 3, 3, 1920, 1440}, {10, 4, 3, 1920, 1080}};
    for (const Case& c : cases) {
        const Layout l = layout_for(c.n);
        assert_int_equal(l.cols, c.cols);
        assert_int_equal(l.rows, c.rows);
        assert_int_equal(l.width(), c.w);
        assert_int_equal(l.height(), c.h);
        assert_int_equal(l.width() % 2, 0);
        assert_int_equal(l.height() % 2, 0);
    }
}

void two_people_side_by_side_with_mixed_audio(void**) {
    Tools tools;
    SpanPlan span;
    span.duration_us = 600'000'000;
    span.video = {VideoInput{"/r/work-a.mkv", 0, 640, 480}, VideoInput{"/r/work-b.mkv", 250'000, 1280, 720}};
    span.audio = {AudioInput{"/r/work-a.opus", 0}, AudioInput{"/r/work-b.opus", 120'000}};
    const std::string g = filter_graph(tools, {span}, layout_for(2));
    assert_true(has(g, "color=c=black:s=1280x480:r=25:d=600.000000"));
    // A 4:3 picture fills its tile; a 16:9 one is letterboxed in the right tile.
    assert_true(has(g, "[0:v]setpts=PTS-STARTPTS+0.000000/TB,scale=640:480"));
    assert_true(has(g, "[1:v]setpts=PTS-STARTPTS+0.250000/TB,scale=640:360"));
    assert_true(has(g, "overlay=x=0:y=0:eof_action=pass"));
    assert_true(has(g, "overlay=x=640:y=60:eof_action=pass"));
    // Audio placed at its offset, gaps filled, mixed without halving the levels, cut to the span.
    assert_true(has(g, "[3:a]asetpts=PTS-STARTPTS+0.120000/TB,aresample=48000:async=1:first_pts=0"));
    assert_true(has(g, "amix=inputs=2:duration=longest:dropout_transition=0:normalize=0,alimiter=limit=0.9:level=0"));
    assert_true(has(g, "apad=whole_dur=600.000000,atrim=duration=600.000000"));
    assert_true(has(g, "trim=duration=600.000000"));
    assert_false(has(g, "concat"));
}

void spans_are_joined_and_a_silent_span_gets_silence(void**) {
    Tools tools;
    SpanPlan one, two;
    one.duration_us = 2'000'000;
    one.video = {VideoInput{"a.mkv", 0, 0, 0}};
    one.audio = {AudioInput{"a.opus", 0}};
    two.duration_us = 1'500'000;
    two.video = {VideoInput{"b.mkv", 0, 0, 0}, VideoInput{"c.mkv", 0, 0, 0}, VideoInput{"d.mkv", 0, 0, 0}};
    const std::vector<std::string> argv = ffmpeg_argv(tools, {one, two}, "/r/recording.mp4.part");
    std::string joined;
    for (const std::string& a : argv) joined += a + "\n";
    // Inputs in graph order: span 1 video, span 1 audio, span 2 videos.
    assert_true(has(joined, "-i\na.mkv\n-i\na.opus\n-reinit_filter\n0\n-i\nb.mkv\n"));
    const std::string g = argv[std::find(argv.begin(), argv.end(), "-filter_complex") - argv.begin() + 1];
    assert_true(has(g, "s=1280x960"));  // the canvas of the largest span
    assert_true(has(g, "anullsrc=r=48000:cl=stereo"));
    assert_true(has(g, "[s0v][s0a][s1v][s1a]concat=n=2:v=1:a=1[v][a]"));
    // The output: H.264 High 4:2:0 + AAC-LC stereo in MP4 with the index first.
    assert_true(has(joined, "-c:v\nlibx264\n"));
    assert_true(has(joined, "-bf\n0\n"));  // measured: a quarter of x264's time for ~6 % of the bytes
    assert_true(has(joined, "-aac_coder\nfast\n"));
    assert_true(has(joined, "-pix_fmt\nyuv420p\n"));
    assert_true(has(joined, "-c:a\naac\n"));
    assert_true(has(joined, "-movflags\n+faststart\n"));
    assert_true(has(joined, "-map_metadata\n-1\n"));
    assert_true(has(joined, "-f\nmp4\n/r/recording.mp4.part\n"));
    assert_string_equal(argv[0].c_str(), "/usr/bin/ffmpeg");
}

void a_span_without_pictures_is_black(void**) {
    Tools tools;
    SpanPlan span;
    span.duration_us = 3'000'000;
    span.audio = {AudioInput{"a.opus", 0}};
    const std::string g = filter_graph(tools, {span}, layout_for(1));
    assert_true(has(g, "color=c=black:s=640x480:r=25:d=3.000000,format=yuv420p[s0b0]"));
    assert_true(has(g, "[s0b0]trim=duration=3.000000,setpts=PTS-STARTPTS[s0v]"));
    assert_true(has(g, "[0:a]asetpts=PTS-STARTPTS+0.000000/TB"));
}

void mjr_headers_are_read_and_empty_tracks_skipped(void**) {
    TempDir dir;
    const std::string header = "{\"t\":\"v\",\"c\":\"H264\",\"s\":100,\"u\":250}";
    std::string with_packet = std::string("MJR00002") + char(0) + char(header.size()) + header + "MEET";
    recording::private_fs::write_private_file(dir.path + "/a.mjr", with_packet + std::string(6, '\0'));
    auto h = read_mjr_header(dir.path + "/a.mjr");
    assert_true(h.has_value());
    assert_true(h->video);
    assert_string_equal(h->codec.c_str(), "h264");
    assert_int_equal(h->created_us, 100);
    assert_int_equal(h->first_frame_us, 250);
    // Janus writes the header with the first packet: a file without one is empty.
    recording::private_fs::write_private_file(dir.path + "/b.mjr", "MJR00002");
    assert_false(read_mjr_header(dir.path + "/b.mjr").has_value());
    recording::private_fs::write_private_file(dir.path + "/c.mjr", std::string("MJR00002") + char(0) + char(header.size()) + header);
    assert_false(read_mjr_header(dir.path + "/c.mjr").has_value());
    recording::private_fs::write_private_file(dir.path + "/d.mjr", "RIFF....");
    assert_false(read_mjr_header(dir.path + "/d.mjr").has_value());
    assert_false(read_mjr_header(dir.path + "/missing.mjr").has_value());
}

void intermediates_are_recognised(void**) {
    assert_true(is_intermediate("s01-t01-audio.mjr"));
    assert_true(is_intermediate("s01-t01-audio.mjr.tmp"));
    assert_true(is_intermediate("work-s01-t01-video.mkv"));
    assert_true(is_intermediate("recording.mp4.part"));
    assert_false(is_intermediate("recording.mp4"));
    assert_false(is_intermediate("recording.json"));
    assert_false(is_intermediate("state.json"));
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_grid_grows_with_the_people),
        cmocka_unit_test(two_people_side_by_side_with_mixed_audio),
        cmocka_unit_test(spans_are_joined_and_a_silent_span_gets_silence),
        cmocka_unit_test(a_span_without_pictures_is_black),
        cmocka_unit_test(mjr_headers_are_read_and_empty_tracks_skipped),
        cmocka_unit_test(intermediates_are_recognised),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
