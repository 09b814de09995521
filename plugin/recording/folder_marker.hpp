// The recorder's marker file: <rec_dir>/<room ref>/state.json (0600), written
// whole (atomically) when a span starts or ends, when a track file is opened,
// and at each step of finalization. It is what a restart reads to tell what a
// folder holds:
//
//   state        written                         after a crash
//   recording    a consented span started        finalize (the open span ends at its last packet)
//   paused       the span ended (pause / stop)   finalize
//   finalizing   the session ended with consent  finalize again
//   done         recording.mp4 is complete       keep until retention ends
//
// It also holds the core's consent log as it grows (rewritten with each
// change once a span has started), so the proof of consent goes into
// recording.json whichever way the recording is finished: at the end, after
// a crash, or by a finalization retried after it failed (a full disk). A
// span a write failure stopped says so, and ends where the writing stopped.
//
// A vetoed recording has no folder: it is renamed to .trash-* and deleted at
// once, and whatever a crash left of that is deleted at start. A folder
// without a readable marker is deleted: nothing in it can be shown to have
// been consented to. Only ids and times are kept, never names.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/json.hpp"

namespace counsel::recording {

struct TrackRecord {
    std::string file;  // base name in the room folder, e.g. "s01-t02-video.mjr"
    std::uint64_t participant = 0;
    int mindex = -1;
    bool video = false;
    std::string codec;
};

struct SpanRecord {
    std::int64_t start_us = 0;  // unix microseconds
    std::int64_t end_us = 0;    // 0 while the span runs
    std::vector<std::uint64_t> participants;
    std::vector<TrackRecord> tracks;
    std::string failure;  // set when a write failure ended it ("disk_full", "write_error"); end_us is then the failure
};

// One step of the core's consent log: when, what, whose (an id, 0 for none).
struct ConsentRecord {
    std::int64_t at_ms = 0;
    std::string event;
    std::uint64_t participant = 0;
};

// A private link handed out for this recording: the SHA-256 of its capability.
// Published to the link store when the recording is finished.
struct LinkRecord {
    std::string digest;
    std::int64_t granted_at_s = 0;
};

enum class FolderState { Recording, Paused, Finalizing, Done };
const char* folder_state_name(FolderState state);

struct FolderMarker {
    std::string room;
    FolderState state = FolderState::Recording;
    std::vector<SpanRecord> spans;
    std::vector<LinkRecord> links;
    std::vector<ConsentRecord> consent_log;
    std::int64_t ended_at_us = 0;      // finalizing: when the session ended (retention of an unfinished one)
    std::int64_t finalized_at_us = 0;  // done: when recording.mp4 was complete
    bool recovered = false;            // finalized after a crash (a span was still open at start)
    bool uploaded = false;             // done and delivered to the WebDAV target
    int finalize_failures = 0;         // finalization attempts that failed
    std::string finalize_failure;      // why the last one failed: "no_space" or "finalize_error"
};

std::string render_state(const FolderMarker& state);
std::optional<FolderMarker> parse_state(const std::string& text);

// The consent log as the core writes it ({"consent_log": [{at_ms, event,
// participant?}]}, or the array itself) and back. Nullopt if malformed.
std::optional<std::vector<ConsentRecord>> consent_log_from(const Json& log);
Json consent_log_json(const std::vector<ConsentRecord>& log);

// Names in a room folder.
inline constexpr const char* kStateFile = "state.json";
inline constexpr const char* kConsentFile = "consent.json";     // the consent log of older versions (read only)
inline constexpr const char* kReserveFile = "reserve";          // space kept for the marker when the disk fills
inline constexpr const char* kRecordingFile = "recording.mp4";  // the result
inline constexpr const char* kMetadataFile = "recording.json";  // the result's consent metadata
inline constexpr const char* kTrashPrefix = ".trash-";          // a discarded folder being deleted
inline constexpr const char* kLinksDir = "_links";              // the capability store

// What to do with an entry of rec_dir when the plugin starts.
enum class Recovery {
    Ignore,    // not ours to touch (the link store)
    Delete,    // unconsented, vetoed, unreadable or empty
    Finalize,  // consented spans whose MP4 was not finished
    Keep,      // a finished recording
};
struct Verdict {
    Recovery action;
    const char* why;  // for the log (no personal data)
};
// `name`: the entry's name; `is_dir`; `state`: its parsed marker (nullopt if
// missing or unreadable); `has_recording`: recording.mp4 exists and is not empty.
Verdict classify(const std::string& name, bool is_dir, const std::optional<FolderMarker>& state, bool has_recording);

// Whether a name is a room folder name the recorder makes (a room ref).
bool room_folder_name(const std::string& name);

}  // namespace counsel::recording
