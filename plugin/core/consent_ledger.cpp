#include "core/consent_ledger.hpp"

#include <algorithm>

namespace counsel {

const char* recording_state_name(RecordingState state) {
    switch (state) {
        case RecordingState::Idle: return "off";
        case RecordingState::Awaiting: return "awaiting_consent";
        case RecordingState::Recording: return "recording";
        case RecordingState::Paused: return "paused";
        case RecordingState::Stopped: return "stopped";
        case RecordingState::Aborted: return "aborted";
        case RecordingState::Failed: return "failed";
    }
    return "";
}

std::vector<std::uint64_t> ConsentLedger::pending() const {
    std::vector<std::uint64_t> out;
    for (const auto& [id, answer] : answers_)
        if (answer == Answer::Pending) out.push_back(id);
    return out;
}

bool ConsentLedger::request(const std::vector<std::uint64_t>& admitted, std::int64_t now_ms) {
    if (state_ != RecordingState::Idle && state_ != RecordingState::Stopped && state_ != RecordingState::Aborted &&
        state_ != RecordingState::Failed)
        return false;
    if (state_ == RecordingState::Aborted) {
        recorded_ = false;
        log_.clear();  // the vetoed recording and its metadata are gone
    }
    answers_.clear();
    failure_.clear();
    for (std::uint64_t id : admitted) answers_[id] = Answer::Pending;
    state_ = RecordingState::Awaiting;
    note(now_ms, "request");
    settle(now_ms);
    return true;
}

bool ConsentLedger::answer(std::uint64_t id, bool yes, std::int64_t now_ms) {
    const bool asking = state_ == RecordingState::Awaiting || state_ == RecordingState::Recording ||
                        state_ == RecordingState::Paused || state_ == RecordingState::Stopped ||
                        state_ == RecordingState::Failed;
    auto it = answers_.find(id);
    if (!asking || it == answers_.end()) return false;
    // A yes repeated changes nothing and is not logged again: the log (kept
    // on disk with the recording) grows only with what happened.
    if (yes && it->second == Answer::Yes) return true;
    note(now_ms, yes ? "yes" : "no", id);
    if (!yes) {
        // A veto: stop at once and forget everything recorded.
        state_ = RecordingState::Aborted;
        answers_.clear();
        recorded_ = false;
        note(now_ms, "abort");
        return true;
    }
    it->second = Answer::Yes;
    // A late yes changes nothing.
    if (state_ == RecordingState::Stopped || state_ == RecordingState::Failed) return true;
    settle(now_ms);
    return true;
}

void ConsentLedger::admitted(std::uint64_t id, std::int64_t now_ms) {
    if (state_ != RecordingState::Awaiting && state_ != RecordingState::Recording && state_ != RecordingState::Paused)
        return;
    answers_[id] = Answer::Pending;
    note(now_ms, "admitted", id);
    settle(now_ms);
}

void ConsentLedger::left(std::uint64_t id, std::int64_t now_ms) {
    if (answers_.erase(id) == 0) return;
    note(now_ms, "left", id);
    settle(now_ms);
}

bool ConsentLedger::stop(std::int64_t now_ms) {
    if (state_ != RecordingState::Awaiting && state_ != RecordingState::Recording && state_ != RecordingState::Paused)
        return false;
    state_ = recorded_ ? RecordingState::Stopped : RecordingState::Idle;
    note(now_ms, "stop");
    return true;
}

bool ConsentLedger::write_failed(const std::string& reason, std::int64_t now_ms) {
    if (state_ != RecordingState::Recording && state_ != RecordingState::Paused) return false;
    // The answers stay: a later "no" still vetoes what was written.
    state_ = RecordingState::Failed;
    failure_ = reason;
    note(now_ms, "failed");
    return true;
}

void ConsentLedger::settle(std::int64_t now_ms) {
    const bool everyone = !answers_.empty() &&
                          std::all_of(answers_.begin(), answers_.end(),
                                      [](const auto& entry) { return entry.second == Answer::Yes; });
    if (everyone && (state_ == RecordingState::Awaiting || state_ == RecordingState::Paused)) {
        note(now_ms, state_ == RecordingState::Awaiting ? "start" : "resume");
        state_ = RecordingState::Recording;
        recorded_ = true;
    } else if (!everyone && state_ == RecordingState::Recording) {
        state_ = RecordingState::Paused;
        note(now_ms, "pause");
    }
}

void ConsentLedger::note(std::int64_t now_ms, const char* event, std::uint64_t id) {
    log_.push_back(ConsentLogEntry{now_ms, event, id});
}

}  // namespace counsel
