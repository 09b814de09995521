// Codec choices of the media layer (plugin/media/codec_table): what a person
// publishes with, and with which payload type each stream of someone else is
// offered to them.
#include "media/codec_table.hpp"
#include "support/scenario.hpp"

using namespace counsel::media;

namespace {

// Chromium 156's video offer, shortened.
std::vector<CodecEntry> chromium_video() {
    return {
        {"vp8", 96, ""},
        {"rtx", 97, "apt=96"},
        {"h264", 102, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f"},
        {"h264", 104, "level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f"},
        {"h264", 108, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"},
        {"h264", 116, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f"},
        {"vp9", 98, "profile-id=0"},
        {"av1", 45, ""},
    };
}

void publishers_send_opus_and_vp8_or_h264_first_when_recording(void**) {
    auto audio = choose_audio_codec({{"opus", 111, "minptime=10;useinbandfec=1"}, {"g722", 9, ""}});
    assert_true(audio && audio->pt == 111);
    assert_false(choose_audio_codec({{"g722", 9, ""}, {"pcmu", 0, ""}}).has_value());
    auto v = choose_video_codec(chromium_video(), false);
    assert_true(v && v->name == "vp8" && v->pt == 96);
    // Recording rooms: H.264 with packetization-mode 1, constrained baseline over other profiles.
    auto h = choose_video_codec(chromium_video(), true);
    assert_true(h && h->name == "h264" && h->pt == 108);
    // Fallbacks both ways; nothing usable (VP9/AV1 only, or H.264 mode 0 only): nothing.
    assert_true(choose_video_codec({{"h264", 102, "packetization-mode=1;profile-level-id=42001f"}}, false)->pt == 102);
    assert_true(choose_video_codec({{"vp8", 96, ""}}, true)->name == "vp8");
    assert_false(choose_video_codec({{"vp9", 98, ""}, {"av1", 45, ""}}, false).has_value());
    assert_false(choose_video_codec({{"h264", 104, "packetization-mode=0;profile-level-id=42001f"}}, true).has_value());
}

void receivers_get_their_own_payload_types(void**) {
    CodecTable table;
    table.add(Kind::Audio, {"opus", 109, "minptime=10;useinbandfec=1"});
    for (const CodecEntry& e : chromium_video()) table.add(Kind::Video, e);
    // Someone else's VP8 on 100 arrives on this person's 96; their Opus on 111 on 109.
    auto vp8 = table.for_receiving(Kind::Video, {"vp8", 100, ""});
    assert_true(vp8 && vp8->pt == 96);
    auto opus = table.for_receiving(Kind::Audio, {"opus", 111, "useinbandfec=1"});
    assert_true(opus && opus->pt == 109 && opus->fmtp == "minptime=10;useinbandfec=1");
    // H.264: the same profile if they have it, else any packetization-mode 1.
    auto cb = table.for_receiving(Kind::Video, {"h264", 126, "profile-level-id=42e01f;packetization-mode=1"});
    assert_true(cb && cb->pt == 108);
    auto main = table.for_receiving(Kind::Video, {"h264", 126, "profile-level-id=4D001F;packetization-mode=1"});
    assert_true(main && main->pt == 116);
    auto other = table.for_receiving(Kind::Video, {"h264", 126, "profile-level-id=64001f;packetization-mode=1"});
    assert_true(other && other->pt == 102);
    // Codecs that are never forwarded.
    assert_false(table.for_receiving(Kind::Video, {"vp9", 98, ""}).has_value());
}

void a_browser_that_offered_no_video_gets_free_payload_types(void**) {
    CodecTable table;  // published audio only
    table.add(Kind::Audio, {"opus", 111, "minptime=10;useinbandfec=1"});
    table.add(Kind::Audio, {"red", 63, "111/111"});
    auto vp8 = table.for_receiving(Kind::Video, {"vp8", 120, ""});
    assert_true(vp8 && vp8->pt == 96);
    // Remembered: the next VP8 stream gets the same; H.264 gets another free one (not 96's rtx, 97).
    assert_int_equal(table.for_receiving(Kind::Video, {"vp8", 120, ""})->pt, 96);
    auto h264 = table.for_receiving(Kind::Video, {"h264", 108, "packetization-mode=1;profile-level-id=42e01f"});
    assert_true(h264 && h264->pt == 102 && fmtp_value(h264->fmtp, "packetization-mode") == "1");
    // But a browser that offered video without VP8 cannot take VP8.
    CodecTable h264_only;
    h264_only.add(Kind::Video, {"h264", 102, "packetization-mode=1;profile-level-id=42e01f"});
    assert_false(h264_only.for_receiving(Kind::Video, {"vp8", 96, ""}).has_value());
}

void fmtp_values_are_read_by_key(void**) {
    assert_string_equal(fmtp_value("a=1; Packetization-Mode=1 ;b", "packetization-mode").c_str(), "1");
    assert_string_equal(fmtp_value("profile-level-id=42e01f", "profile-level-id").c_str(), "42e01f");
    assert_string_equal(fmtp_value("", "x").c_str(), "");
    assert_string_equal(fmtp_value("xy=1", "x").c_str(), "");
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(publishers_send_opus_and_vp8_or_h264_first_when_recording),
        cmocka_unit_test(receivers_get_their_own_payload_types),
        cmocka_unit_test(a_browser_that_offered_no_video_gets_free_payload_types),
        cmocka_unit_test(fmtp_values_are_read_by_key),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
