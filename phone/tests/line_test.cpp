// The phone line's pieces: the SDP offer/answer, RTP headers, keypad digits
// (telephone-events and in-band tones through G.711), the Janus token, the config.
#include <sodium.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "dtmf.hpp"
#include "g711.hpp"
#include "janus_client.hpp"
#include "phone_config.hpp"
#include "rtp.hpp"
#include "sdp_media.hpp"
// cmocka last.
#include "cmocka_cpp.hpp"

using namespace counsel::phone;

namespace {

const char* const kOffer =
    "v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
    "m=video 5000 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
    "m=audio 40000 RTP/AVP 9 0 8 101\r\na=rtpmap:9 G722/8000\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n";

void the_offer_gives_g711_telephone_event_and_the_answer_refuses_video(void**) {
    std::string why;
    auto line = read_offer(kOffer, why);
    assert_true(line.has_value());
    assert_string_equal(line->address.c_str(), "192.0.2.10");
    assert_int_equal(line->port, 40000);
    assert_true(line->law == G711::Ulaw);  // the offer's first G.711
    assert_int_equal(line->payload_type, 0);
    assert_int_equal(line->telephone_event_pt, 101);
    const std::string answer = write_answer(*line, "192.0.2.5", 41000, 7, 1);
    assert_non_null(std::strstr(answer.c_str(), "m=video 0 RTP/AVP 96\r\n"));
    assert_non_null(std::strstr(answer.c_str(), "m=audio 41000 RTP/AVP 0 101\r\n"));
    assert_non_null(std::strstr(answer.c_str(), "a=rtpmap:101 telephone-event/8000\r\n"));
    assert_non_null(std::strstr(answer.c_str(), "c=IN IP4 192.0.2.5\r\n"));
    assert_true(answer.find("m=video") < answer.find("m=audio"));  // m-lines in the offer's order
}

void offers_without_g711_or_sdp_are_refused(void**) {
    std::string why;
    assert_false(read_offer("", why).has_value());
    assert_false(read_offer("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\n"
                            "m=audio 4000 RTP/AVP 9\r\na=rtpmap:9 G722/8000\r\n",
                            why)
                     .has_value());
    assert_non_null(std::strstr(why.c_str(), "G.711"));
    assert_false(read_offer("v=0\r\no=- 1 1 IN IP6 ::1\r\ns=-\r\nc=IN IP6 ::1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 8\r\n", why)
                     .has_value());
}

void rtp_headers_with_csrc_extension_and_padding(void**) {
    std::uint8_t p[64] = {};
    p[0] = 0x80 | 0x20 | 0x10 | 1;  // padding, extension, 1 CSRC
    p[1] = 0x80 | 111;
    p[2] = 0x12, p[3] = 0x34;
    p[11] = 9;
    // CSRC at 12..15, extension header 16..19 (1 word), payload from 24
    p[18] = 0, p[19] = 1;
    for (int i = 24; i < 30; ++i) p[i] = static_cast<std::uint8_t>(i);
    p[31] = 2;  // two bytes of padding (30, 31)
    auto v = parse_rtp(p, 32);
    assert_true(v.has_value());
    assert_int_equal(v->payload_type, 111);
    assert_true(v->marker);
    assert_int_equal(v->seq, 0x1234);
    assert_int_equal(v->ssrc, 9);
    assert_int_equal(v->payload - p, 24);
    assert_int_equal(v->payload_size, 6);
    p[0] = 0x40;
    assert_false(parse_rtp(p, 32).has_value());
    RtpSender s(8, 160);
    std::uint8_t h1[12], h2[12];
    s.next_header(h1);
    s.next_header(h2);
    auto a = parse_rtp(h1, 12), b = parse_rtp(h2, 12);
    assert_true(a->marker && !b->marker);
    assert_int_equal(static_cast<std::uint16_t>(a->seq + 1), b->seq);
    assert_int_equal(a->timestamp + 160, b->timestamp);
}

void telephone_events_count_once_per_press(void**) {
    DtmfReceiver rx;
    const std::uint8_t five[] = {5, 10, 0, 160};
    const std::uint8_t five_end[] = {5, 0x80 | 10, 3, 32};
    const std::uint8_t hash[] = {11, 10, 0, 160};
    rx.on_event(five, 4, 1000);
    rx.on_event(five, 4, 1000);
    rx.on_event(five_end, 4, 1000);
    rx.on_event(five_end, 4, 1000);
    rx.on_event(hash, 4, 2000);
    assert_string_equal(rx.take().c_str(), "5#");
    assert_string_equal(rx.take().c_str(), "");
}

std::vector<std::int16_t> through_alaw(const std::vector<std::int16_t>& pcm) {
    std::vector<std::uint8_t> law(pcm.size());
    std::vector<std::int16_t> back(pcm.size());
    g711_encode(G711::Alaw, pcm.data(), pcm.size(), law.data());
    g711_decode(G711::Alaw, law.data(), law.size(), back.data());
    return back;
}

void inband_tones_through_alaw_are_keys_until_a_telephone_event_arrives(void**) {
    const int rows[] = {697, 770, 852, 941}, cols[] = {1209, 1336, 1477};
    const char* pad = "123456789*0#";
    std::vector<std::int16_t> pcm;
    const std::string digits = "907#";
    for (char d : digits) {
        const int k = static_cast<int>(std::strchr(pad, d) - pad);
        for (int i = 0; i < 800; ++i)  // 100 ms of tone, 100 ms of silence
            pcm.push_back(static_cast<std::int16_t>(6000 * (std::sin(2 * M_PI * rows[k / 3] * i / 8000.0) +
                                                            std::sin(2 * M_PI * cols[k % 3] * i / 8000.0))));
        pcm.insert(pcm.end(), 800, 0);
    }
    DtmfReceiver rx;
    const auto heard = through_alaw(pcm);
    for (std::size_t at = 0; at < heard.size(); at += 160) rx.on_audio(heard.data() + at, 160);
    assert_string_equal(rx.take().c_str(), digits.c_str());
    const std::uint8_t one[] = {1, 10, 0, 160};
    rx.on_event(one, 4, 5);
    for (std::size_t at = 0; at < heard.size(); at += 160) rx.on_audio(heard.data() + at, 160);
    assert_string_equal(rx.take().c_str(), "1");  // the tones no longer count
}

void janus_tokens_match_the_web_servers(void**) {
    // The same secret, expiry and plugin give the same token as web/server/janus_token.js.
    const std::string t = JanusClient::mint_token("0123456789abcdef0123456789abcdef0123", "janus.plugin.counsel",
                                                  1700000000, 3600);
    assert_string_equal(t.c_str(), "1700003600,janus,janus.plugin.counsel:uzM0egZbj7l+vcC4UV80J1UmpiI=");
}

void the_sample_config_loads_and_bad_values_are_named(void**) {
    char dir[] = "/tmp/phone-config-XXXXXX";
    assert_non_null(mkdtemp(dir));
    const std::string key = std::string(dir) + "/key";
    std::ofstream(key) << "a-service-key\n";
    std::ifstream sample(std::string(COUNSEL_SOURCE_DIR) + "/conf/counsel-phone.conf.sample");
    std::string text((std::istreambuf_iterator<char>(sample)), std::istreambuf_iterator<char>());
    const std::string marker = "/run/credentials/counsel-phone.service/service-key";
    text.replace(text.find(marker), marker.size(), key);
    const std::string conf = std::string(dir) + "/phone.conf";
    std::ofstream(conf) << text;
    std::string why;
    auto c = load_config(conf, why);
    if (!c) std::fprintf(stderr, "%s\n", why.c_str());
    assert_true(c.has_value());
    assert_string_equal(c->service_key.c_str(), "a-service-key");
    assert_string_equal(c->media_address.c_str(), "192.0.2.5");
    assert_int_equal(c->allowed_sources.size(), 1);
    std::ofstream(conf) << text << "\n[calls]\ndigit_timeout_s = 1\n";
    assert_false(load_config(conf, why).has_value());
    assert_non_null(std::strstr(why.c_str(), "digit_timeout_s"));
    std::string remote = text;
    remote.replace(remote.find("http://127.0.0.1:8088/janus"), 27, "http://janus.example.org/janus");
    std::ofstream(conf) << remote;
    assert_false(load_config(conf, why).has_value());
    assert_non_null(std::strstr(why.c_str(), "[janus] url"));
    // A misspelt key or group stops the start, naming it.
    std::ofstream(conf) << text << "\n[sip]\nmax_call = 5\n";
    assert_false(load_config(conf, why).has_value());
    assert_non_null(std::strstr(why.c_str(), "unknown key [sip] max_call"));
    std::ofstream(conf) << text << "\n[rtp]\nport = 5\n";
    assert_false(load_config(conf, why).has_value());
    assert_non_null(std::strstr(why.c_str(), "unknown group [rtp]"));
    std::remove(conf.c_str());
    std::remove(key.c_str());
    rmdir(dir);
}

}  // namespace

int main() {
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_offer_gives_g711_telephone_event_and_the_answer_refuses_video),
        cmocka_unit_test(offers_without_g711_or_sdp_are_refused),
        cmocka_unit_test(rtp_headers_with_csrc_extension_and_padding),
        cmocka_unit_test(telephone_events_count_once_per_press),
        cmocka_unit_test(inband_tones_through_alaw_are_keys_until_a_telephone_event_arrives),
        cmocka_unit_test(janus_tokens_match_the_web_servers),
        cmocka_unit_test(the_sample_config_loads_and_bad_values_are_named),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
