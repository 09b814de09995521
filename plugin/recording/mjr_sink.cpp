#include "recording/mjr_sink.hpp"

#include <glib.h>
#include <jansson.h>
#include <stdio_ext.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>

extern "C" {
#include <record.h>
#include <rtp.h>
#include <utils.h>
}

namespace counsel::recording {
namespace {

constexpr std::int64_t kKeyframeAskEveryUs = 500'000;

enum class VideoCodec { None, H264, VP8, VP9, AV1, H265 };

VideoCodec video_codec(const std::string& codec) {
    if (codec == "h264") return VideoCodec::H264;
    if (codec == "vp8") return VideoCodec::VP8;
    if (codec == "vp9") return VideoCodec::VP9;
    if (codec == "av1") return VideoCodec::AV1;
    if (codec == "h265") return VideoCodec::H265;
    return VideoCodec::None;
}

bool is_keyframe(VideoCodec codec, const char* payload, int len) {
    switch (codec) {
        case VideoCodec::H264: return janus_h264_is_keyframe(payload, len);
        case VideoCodec::VP8: return janus_vp8_is_keyframe(payload, len);
        case VideoCodec::VP9: return janus_vp9_is_keyframe(payload, len);
        case VideoCodec::AV1: return janus_av1_is_keyframe(payload, len);
        case VideoCodec::H265: return janus_h265_is_keyframe(payload, len);
        case VideoCodec::None: return true;
    }
    return true;
}

class MjrSink final : public TrackSink {
public:
    MjrSink(janus_recorder* recorder, VideoCodec codec)
        : recorder_(recorder), codec_(codec), keyframe_seen_(codec == VideoCodec::None) {}
    ~MjrSink() override {
        close();
        janus_recorder_destroy(recorder_);
    }

    bool write(char* rtp, unsigned length) override {
        if (closed_.load(std::memory_order_acquire) || !rtp || length < 12) return true;
        if (!keyframe_seen_.load(std::memory_order_relaxed)) {
            // A video file starts with a keyframe: what comes before it cannot be decoded.
            int plen = 0;
            char* payload = janus_rtp_payload(rtp, static_cast<int>(length), &plen);
            if (!payload || plen <= 0 || !is_keyframe(codec_, payload, plen)) return true;
            keyframe_seen_.store(true, std::memory_order_relaxed);
        }
        const int rc = janus_recorder_save_frame(recorder_, rtp, length);
        if (rc == -6) return false;  // "Error saving frame"
        // The recorder writes through stdio: a failed flush drops the buffer,
        // and the next fwrite into the emptied buffer succeeds, so its return
        // code can stay 0 while data is lost. The stream's error flag is
        // sticky: read it under the recorder's mutex (close() may fclose).
        janus_mutex_lock_nodebug(&recorder_->mutex);
        const bool failed = recorder_->file && std::ferror(recorder_->file);
        janus_mutex_unlock_nodebug(&recorder_->mutex);
        return !failed;
    }

    void close() override {
        if (closed_.exchange(true)) return;
        janus_recorder_close(recorder_);
        // janus_recorder_close does not flush or close the FILE (only the
        // last reference does): do it now, under the recorder's own mutex, so
        // the file is complete on disk when the span ends.
        janus_mutex_lock_nodebug(&recorder_->mutex);
        if (recorder_->file) {
            // After a failed write the buffer may start in the middle of a
            // packet: dropped, so the file ends with the last whole one.
            if (std::ferror(recorder_->file)) __fpurge(recorder_->file);
            std::fflush(recorder_->file);
            fsync(fileno(recorder_->file));
            std::fclose(recorder_->file);
            recorder_->file = nullptr;
        }
        janus_mutex_unlock_nodebug(&recorder_->mutex);
    }

    bool wants_keyframe(std::int64_t now_us) override {
        if (keyframe_seen_.load(std::memory_order_relaxed) || closed_.load(std::memory_order_relaxed)) return false;
        std::int64_t last = last_ask_us_.load(std::memory_order_relaxed);
        if (now_us - last < kKeyframeAskEveryUs) return false;
        return last_ask_us_.compare_exchange_strong(last, now_us);
    }

private:
    janus_recorder* recorder_;
    const VideoCodec codec_;
    std::atomic<bool> keyframe_seen_;
    std::atomic<bool> closed_{false};
    std::atomic<std::int64_t> last_ask_us_{-kKeyframeAskEveryUs};
};

}  // namespace

bool MjrSinkFactory::usable(const std::string& rec_dir, std::string& reason) {
    const std::string probe = rec_dir + "/0000000000000000/s01-t01-audio.mjr";
    if (janus_is_folder_protected(probe.c_str())) {
        reason = "rec_dir is inside one of Janus's protected_folders (janus.jcfg, general; Debian's default list "
                 "holds /var): remove that entry or choose another rec_dir";
        return false;
    }
    return true;
}

std::shared_ptr<TrackSink> MjrSinkFactory::open(const std::string& dir, const std::string& base_name,
                                                const TrackSpec& spec) {
    janus_recorder* recorder = janus_recorder_create_full(dir.c_str(), spec.codec.c_str(),
                                                          spec.fmtp.empty() ? nullptr : spec.fmtp.c_str(),
                                                          base_name.c_str());
    if (!recorder) return nullptr;
    // The folder is 0700 already; the file itself is owner-only too.
    if (recorder->file) fchmod(fileno(recorder->file), 0600);
    return std::make_shared<MjrSink>(recorder, spec.video ? video_codec(spec.codec) : VideoCodec::None);
}

}  // namespace counsel::recording
