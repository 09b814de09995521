// What the media layer sees of the recorder: per published stream of a person
// in a room that records right now, a sink for its RTP packets. The media
// layer asks for sinks when it rebuilds its forwarding snapshot (room thread)
// and hands each packet of such a stream to its sink (Janus's loop thread of
// the sender), after the mute check and never for a room whose MediaRoom has
// `recording == false`: the recorder hands out no sink then, and every sink
// of a span is closed when the span ends, so not one packet is written
// outside a span that everyone consented to. A write that fails stops every
// sink of its span at once (an atomic flag); the room thread learns of it at
// its next tick and tells everyone.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace counsel::recording {

struct TrackSpec {
    bool video = false;
    std::string codec;  // "opus", "h264", "vp8", "vp9", "av1"
    std::string fmtp;   // may be empty
};

class TrackSink {
public:
    virtual ~TrackSink() = default;
    // One RTP packet (header included). Any thread; dropped after close().
    // The buffer is only read (a recorder may rewrite the header in place and
    // restores it before returning). False when writing failed (e.g. the disk
    // is full): the recorder then stops the whole span; a packet dropped on
    // purpose (before a keyframe, after close) is no failure.
    virtual bool write(char* rtp, unsigned length) = 0;
    // Flushes and closes the file; later writes are dropped. Idempotent.
    virtual void close() = 0;
    // Video: true while no keyframe was written yet and it is time to ask the
    // sender for one (the media layer then sends a PLI). Paced by the sink.
    virtual bool wants_keyframe(std::int64_t now_us) {
        (void)now_us;
        return false;
    }
};

// Opens the file of one track (a .mjr for Janus's janus-pp-rec).
class TrackSinkFactory {
public:
    virtual ~TrackSinkFactory() = default;
    // `dir` exists (0700); the file is <dir>/<base_name>.mjr, mode 0600.
    virtual std::shared_ptr<TrackSink> open(const std::string& dir, const std::string& base_name,
                                            const TrackSpec& spec) = 0;
};

class RecordingTap {
public:
    virtual ~RecordingTap() = default;
    // On the room thread: the sink for stream `mindex` of `participant` in
    // `room_ref` while a consented span runs and that person is in it; null
    // otherwise. Repeated calls during one span return the same sink.
    virtual std::shared_ptr<TrackSink> track(const std::string& room_ref, std::uint64_t participant, int mindex,
                                             const TrackSpec& spec) = 0;
};

}  // namespace counsel::recording
