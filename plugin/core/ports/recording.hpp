// The boundary between the consent rule and the recorder (plugin/recording).
// The core decides when media may be written; the recorder writes it, builds
// the MP4 after the session and serves it to the people who consented.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/ports/media.hpp"

namespace counsel {

// A span the recorder stopped writing on its own: a write failed on the RTP
// path (only a flag is set there) and the room thread is told at its next tick.
struct RecordingFailure {
    std::string room_ref;
    std::string reason;  // "disk_full" (no space left on rec_dir) or "write_error"
};

class RecordingPort {
public:
    virtual ~RecordingPort() = default;
    // A consented span begins: write these people's media from now on.
    virtual void start_span(const std::string& room_ref, const std::vector<MediaMember>& members) = 0;
    // The span ends (pause, stop, end). Files stay until finalize or discard.
    virtual void end_span(const std::string& room_ref) = 0;
    // A veto or an unconsented end: delete everything written for the room, now.
    virtual void discard(const std::string& room_ref) = 0;
    // The session ended with consented media: build the MP4 in the background.
    // `metadata` is the consent log (ids and times, no names).
    virtual void finalize(const std::string& room_ref, const Json& metadata) = 0;
    // The consent log so far, after every change (`metadata` as for finalize):
    // kept in the recording's marker on disk once a span has started, so every
    // way to a finished recording (end, crash, a retried finalization) keeps it.
    virtual void consent_logged(const std::string& room_ref, const Json& metadata) = 0;
    // Spans that failed to write since the last call (on the room thread, each tick).
    virtual std::vector<RecordingFailure> take_failures() = 0;
    // A private download link (a >= 128-bit capability path) for one consenting person.
    virtual std::string grant_download(const std::string& room_ref) = 0;
    // How many days a finished recording stays downloadable (told to each person who consents).
    virtual std::int64_t retention_days() const = 0;
};

}  // namespace counsel
