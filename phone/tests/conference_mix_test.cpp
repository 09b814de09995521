// The caller's side of the room: Opus streams decoded at 8 kHz through their
// jitter buffers and mixed; tones measured with the Goertzel algorithm.
#include <opus.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "conference_mix.hpp"
// cmocka last.
#include "cmocka_cpp.hpp"

using namespace counsel::phone;

namespace {

// An Opus stream of a sine tone, 20 ms packets, as a browser sends it (48 kHz).
struct ToneSource {
    ToneSource(double hz, std::uint32_t ssrc) : hz(hz), ssrc(ssrc) {
        int err = 0;
        enc = opus_encoder_create(48000, 1, OPUS_APPLICATION_VOIP, &err);
    }
    ~ToneSource() { opus_encoder_destroy(enc); }
    std::vector<std::uint8_t> next(RtpView& view) {
        std::int16_t pcm[960];
        for (int i = 0; i < 960; ++i) pcm[i] = static_cast<std::int16_t>(8000 * std::sin(2 * M_PI * hz * (n * 960 + i) / 48000.0));
        std::vector<std::uint8_t> data(400);
        data.resize(static_cast<std::size_t>(opus_encode(enc, pcm, 960, data.data(), 400)));
        view = RtpView{};
        view.payload_type = 111;
        view.seq = static_cast<std::uint16_t>(65530 + n);  // wraps
        view.timestamp = static_cast<std::uint32_t>(n * 960);
        view.ssrc = ssrc;
        ++n;
        return data;
    }
    OpusEncoder* enc = nullptr;
    double hz;
    std::uint32_t ssrc;
    int n = 0;
};

double amplitude(const std::vector<std::int16_t>& x, double hz) {
    const double coeff = 2 * std::cos(2 * M_PI * hz / 8000);
    double s1 = 0, s2 = 0;
    for (std::int16_t v : x) {
        const double s = v + coeff * s1 - s2;
        s2 = s1;
        s1 = s;
    }
    return 2 * std::sqrt(std::max(0.0, s1 * s1 + s2 * s2 - coeff * s1 * s2)) / static_cast<double>(x.size());
}

void push(ConferenceMix& mix, ToneSource& src) {
    RtpView v;
    auto data = src.next(v);
    v.payload = data.data();
    v.payload_size = data.size();
    mix.push(v);
}

void two_steady_streams_are_mixed(void**) {
    ConferenceMix mix;
    ToneSource a(1000, 11), b(1400, 22);
    std::vector<std::int16_t> heard;
    for (int frame = 0; frame < 150; ++frame) {
        push(mix, a);
        push(mix, b);
        std::int16_t out[kFrameSamples];
        mix.mix(out);
        if (frame >= 50) heard.insert(heard.end(), out, out + kFrameSamples);
    }
    assert_true(amplitude(heard, 1000) > 6000);
    assert_true(amplitude(heard, 1400) > 6000);
    assert_true(amplitude(heard, 440) < 300);
    assert_int_equal(mix.sources(), 2);
    assert_int_equal(mix.counts().dropped, 0);
    assert_int_equal(mix.counts().underruns, 0);
}

void bursts_and_reordering_are_smoothed(void**) {
    ConferenceMix mix;
    ToneSource a(1000, 11);
    std::vector<std::int16_t> heard;
    for (int frame = 0; frame < 200; frame += 3) {
        // Three packets at once, the last two swapped, every third frame.
        RtpView v1, v2, v3;
        auto d1 = a.next(v1), d2 = a.next(v2), d3 = a.next(v3);
        v1.payload = d1.data(); v1.payload_size = d1.size();
        v2.payload = d2.data(); v2.payload_size = d2.size();
        v3.payload = d3.data(); v3.payload_size = d3.size();
        mix.push(v1);
        mix.push(v3);
        mix.push(v2);
        for (int i = 0; i < 3; ++i) {
            std::int16_t out[kFrameSamples];
            mix.mix(out);
            if (frame >= 30) heard.insert(heard.end(), out, out + kFrameSamples);
        }
    }
    assert_true(amplitude(heard, 1000) > 6000);
    assert_int_equal(mix.counts().dropped, 0);
}

void a_silent_room_is_silence(void**) {
    ConferenceMix mix;
    std::int16_t out[kFrameSamples];
    std::memset(out, 1, sizeof(out));
    mix.mix(out);
    for (std::int16_t v : out) assert_int_equal(v, 0);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(two_steady_streams_are_mixed),
        cmocka_unit_test(bursts_and_reordering_are_smoothed),
        cmocka_unit_test(a_silent_room_is_silence),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
