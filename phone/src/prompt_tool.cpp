// counsel-phone-prompt: a build-time tool. Joins WAV files (16-bit PCM mono,
// as espeak-ng writes them, any rate) into one prompt for the phone line:
// each resampled to 8 kHz with libspeexdsp, 400 ms of silence between them,
// 100 ms before and after, the loudest sample brought to -3 dBFS. Output:
// raw 16-bit little-endian mono at 8 kHz (what prompts.cpp loads).
//   counsel-phone-prompt <out.s16> <in.wav>...
#include <speex/speex_resampler.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

constexpr int kRate = 8000;
constexpr int kQuality = 10;  // the best: it runs once, at build time

std::uint32_t le32(const unsigned char* p) { return p[0] | p[1] << 8 | p[2] << 16 | static_cast<std::uint32_t>(p[3]) << 24; }
std::uint16_t le16(const unsigned char* p) { return static_cast<std::uint16_t>(p[0] | p[1] << 8); }

struct Wav {
    int rate = 0;
    std::vector<std::int16_t> samples;
};

Wav read_wav(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    const std::vector<unsigned char> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (data.size() < 12 || std::memcmp(data.data(), "RIFF", 4) != 0 || std::memcmp(data.data() + 8, "WAVE", 4) != 0)
        throw std::runtime_error(path + ": not a RIFF/WAVE file");
    Wav wav;
    bool format_ok = false;
    for (std::size_t at = 12; at + 8 <= data.size();) {
        const std::uint32_t size = le32(&data[at + 4]);
        const unsigned char* body = &data[at + 8];
        const std::size_t available = std::min<std::size_t>(size, data.size() - at - 8);
        if (std::memcmp(&data[at], "fmt ", 4) == 0 && available >= 16) {
            format_ok = le16(body) == 1 && le16(body + 2) == 1 && le16(body + 14) == 16;
            wav.rate = static_cast<int>(le32(body + 4));
        } else if (std::memcmp(&data[at], "data", 4) == 0) {
            // espeak-ng writing to a file leaves the size fields as they are at the end: trust what is there.
            const std::size_t bytes = size == 0 || size == 0xFFFFFFFF ? data.size() - at - 8 : available;
            for (std::size_t i = 0; i + 1 < bytes; i += 2) wav.samples.push_back(static_cast<std::int16_t>(le16(body + i)));
        }
        at += 8 + size + (size & 1);
        if (size == 0 || size == 0xFFFFFFFF) break;
    }
    if (!format_ok || wav.rate <= 0) throw std::runtime_error(path + ": needs 16-bit PCM mono");
    if (wav.samples.empty()) throw std::runtime_error(path + ": no audio");
    return wav;
}

std::vector<float> to_8khz(const Wav& wav) {
    int err = 0;
    SpeexResamplerState* rs = speex_resampler_init(1, static_cast<spx_uint32_t>(wav.rate), kRate, kQuality, &err);
    if (!rs || err != RESAMPLER_ERR_SUCCESS) throw std::runtime_error("speex_resampler_init failed");
    std::vector<float> in(wav.samples.begin(), wav.samples.end());
    // The filter's delay: feed silence after the end so the last word is not cut.
    in.resize(in.size() + static_cast<std::size_t>(wav.rate / 10), 0.0f);
    std::vector<float> out(in.size() * kRate / static_cast<std::size_t>(wav.rate) + 64);
    spx_uint32_t in_len = static_cast<spx_uint32_t>(in.size());
    spx_uint32_t out_len = static_cast<spx_uint32_t>(out.size());
    speex_resampler_process_float(rs, 0, in.data(), &in_len, out.data(), &out_len);
    speex_resampler_destroy(rs);
    out.resize(out_len);
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: counsel-phone-prompt <out.s16> <in.wav>...\n");
        return 2;
    }
    try {
        std::vector<float> joined(kRate / 10, 0.0f);
        for (int i = 2; i < argc; ++i) {
            if (i > 2) joined.insert(joined.end(), kRate * 4 / 10, 0.0f);
            const std::vector<float> part = to_8khz(read_wav(argv[i]));
            joined.insert(joined.end(), part.begin(), part.end());
        }
        joined.insert(joined.end(), kRate / 10, 0.0f);
        float peak = 1.0f;
        for (float s : joined) peak = std::max(peak, std::fabs(s));
        const float gain = 32767.0f * 0.708f / peak;  // -3 dBFS
        std::vector<unsigned char> bytes;
        bytes.reserve(joined.size() * 2);
        for (float s : joined) {
            const long v = std::lround(std::clamp(s * gain, -32768.0f, 32767.0f));
            const auto u = static_cast<std::uint16_t>(static_cast<std::int16_t>(v));
            bytes.push_back(static_cast<unsigned char>(u & 0xFF));
            bytes.push_back(static_cast<unsigned char>(u >> 8));
        }
        std::ofstream out(argv[1], std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        if (!out) throw std::runtime_error(std::string(argv[1]) + ": cannot write");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "counsel-phone-prompt: %s\n", e.what());
        return 1;
    }
    return 0;
}
