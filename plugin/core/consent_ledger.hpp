// The consent rule for recordings, as a state machine: nothing is recorded
// unless every admitted person, the moderator included, has said yes — now.
//
//   idle ──request──▶ awaiting ──all yes──▶ recording ◀──all yes── paused
//                        │                     │  └──someone admitted──▶ │
//                        │                     └──moderator stop──▶ stopped ──request──▶ awaiting
//                        │                     └──write failure (recorder)──▶ failed ──request──▶ awaiting
//   any "no", at any time before the end ─────▶ aborted (everything recorded is deleted)
//
// `failed`: the server could not write (a full disk): the span ends at once,
// what was written before stays consented and is finalized like a stop.
//
// A "no" vetoes the whole recording, not just what follows: a client can
// always take back a yes, and nothing of theirs survives it. Every step is
// kept in the ledger's log (participant ids and times, no names), which lives
// and dies with the recording.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace counsel {

enum class RecordingState { Idle, Awaiting, Recording, Paused, Stopped, Aborted, Failed };
const char* recording_state_name(RecordingState state);

struct ConsentLogEntry {
    std::int64_t at_unix_ms;
    // "request", "yes", "no", "start", "pause", "resume", "stop", "abort", "admitted", "left", "failed"
    std::string event;
    std::uint64_t participant = 0;
};

class ConsentLedger {
public:
    RecordingState state() const { return state_; }
    // Whether media is being written right now.
    bool writing() const { return state_ == RecordingState::Recording; }
    // Whether something consented was recorded and not vetoed.
    bool has_consented_media() const { return recorded_ && state_ != RecordingState::Aborted; }
    // People whose answer is still missing.
    std::vector<std::uint64_t> pending() const;
    const std::vector<ConsentLogEntry>& log() const { return log_; }

    // The moderator asks everyone admitted (their ids). Allowed from idle,
    // stopped and aborted; returns false otherwise.
    bool request(const std::vector<std::uint64_t>& admitted, std::int64_t now_ms);
    // An answer; false if nobody is being asked or the person is not asked.
    bool answer(std::uint64_t id, bool yes, std::int64_t now_ms);
    // A person joins the admitted circle: while recording, it pauses until they say yes.
    void admitted(std::uint64_t id, std::int64_t now_ms);
    // A person leaves: their answer no longer matters; the rest may resume.
    void left(std::uint64_t id, std::int64_t now_ms);
    // The moderator stops; false if nothing runs.
    bool stop(std::int64_t now_ms);
    // The recorder could not write (`reason`: a short code such as "disk_full"):
    // a running or paused recording ends, keeping what was written. False otherwise.
    bool write_failed(const std::string& reason, std::int64_t now_ms);
    // Why the recording failed (state `failed`), else empty.
    const std::string& failure() const { return failure_; }

private:
    void settle(std::int64_t now_ms);
    void note(std::int64_t now_ms, const char* event, std::uint64_t id = 0);

    enum class Answer { Pending, Yes };
    RecordingState state_ = RecordingState::Idle;
    std::map<std::uint64_t, Answer> answers_;  // the admitted circle while asking/recording
    bool recorded_ = false;
    std::string failure_;
    std::vector<ConsentLogEntry> log_;
};

}  // namespace counsel
