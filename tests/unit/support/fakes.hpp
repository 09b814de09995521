// Test doubles for the core's ports: a gateway that records everything, a
// clock the test moves, a ledger in memory (with a switch to make writes fail).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/room_service.hpp"
#include "core/ports/gateway.hpp"
#include "core/ports/recording.hpp"
#include "core/ports/room_ledger.hpp"

namespace counsel::testing {

struct Pushed {
    HandleId handle;
    std::string transaction;
    Json event;
};

class RecordingGateway final : public Gateway {
public:
    void push_event(HandleId handle, const std::string& transaction, const Json& event) override;
    void close_pc(HandleId handle) override { closed.push_back(handle); }
    void notify_event(const Json& event) override { notified.push_back(event); }
    // Workers (the recorder's jobs) log from their own thread: read `logs`
    // once they are idle.
    void log(Level, const std::string& line) override {
        const std::lock_guard<std::mutex> lock(log_mutex);
        logs.push_back(line);
    }

    // Events (answers and unsolicited) pushed to one handle, in order.
    std::vector<Json> to(HandleId handle) const;
    // The last event pushed to the handle whose "counsel" equals `kind`; null Json if none.
    Json last(HandleId handle, const char* kind) const;
    std::size_t count(HandleId handle, const char* kind) const;
    // Everything that left the core as text: events, notifications, logs.
    std::string everything() const;
    void clear();

    std::vector<Pushed> pushed;
    std::vector<HandleId> closed;
    std::vector<Json> notified;
    std::vector<std::string> logs;
    std::mutex log_mutex;
};

class ManualClock final : public Clock {
public:
    std::int64_t monotonic_ms() const override { return mono_ms; }
    std::int64_t unix_ms() const override { return unix_base * 1000 + mono_ms; }
    void advance_ms(std::int64_t ms) { mono_ms += ms; }
    std::int64_t mono_ms = 1'000'000;
    std::int64_t unix_base = 1'790'000'000;
};

class MemoryLedger final : public RoomLedger {
public:
    bool open_room(const Digest& room) override;
    bool tombstone(const Digest& room) override;
    LedgerState state(const Digest& room) override;
    // A restart: live rooms become tombstones, as the SQLite ledger does.
    void restart();
    bool fail_writes = false;
    // Runs inside open_room: lets a test make the write slow (advance a clock).
    std::function<void()> on_open;
    std::map<Digest, LedgerState> rows;
};

// A recorder that writes down what it was told.
class FakeRecorder final : public RecordingPort {
public:
    void start_span(const std::string& room, const std::vector<MediaMember>& members) override {
        calls.push_back("start " + room + " " + std::to_string(members.size()));
    }
    void end_span(const std::string& room) override { calls.push_back("end " + room); }
    void discard(const std::string& room) override { calls.push_back("discard " + room); }
    void finalize(const std::string& room, const Json& metadata) override {
        calls.push_back("finalize " + room);
        finalized_metadata = metadata;
    }
    void consent_logged(const std::string&, const Json& metadata) override { logged.push_back(metadata); }
    std::vector<RecordingFailure> take_failures() override { return std::exchange(failures, {}); }
    std::string grant_download(const std::string& room) override {
        calls.push_back("grant " + room);
        return "/rec/capability-" + std::to_string(calls.size());
    }
    std::int64_t retention_days() const override { return 7; }
    std::vector<std::string> calls;
    Json finalized_metadata;
    std::vector<Json> logged;                 // every consent log handed over, in order
    std::vector<RecordingFailure> failures;   // handed to the core at its next tick
};

// A configured service with one practitioner whose key is kPractitionerKey
// (a "$blake2b$" hash, as counsel-keygen prints).
extern const char* const kPractitionerKey;
Config test_config();
// An Argon2id hash of `key` (the older key_hash form) with the cheapest
// parameters: tests count checks, not seconds.
std::string argon2id_hash(const std::string& key);
// The same with phone dial-in configured; counsel-phone's key is kPhoneServiceKey.
extern const char* const kPhoneServiceKey;
Config phone_test_config();

// A harness: the service with its fakes, and request helpers that return the answer.
struct Harness {
    // `media`: a MediaPort of the test's own (default: none).
    explicit Harness(Config config = test_config(), MediaPort* media = nullptr);
    RecordingGateway gateway;
    ManualClock clock;
    MemoryLedger ledger;
    FakeRecorder recorder;
    RoomService service;

    // Sends a request (JSON text) from `handle` and returns the answer with that transaction.
    Json request(HandleId handle, const std::string& json_text);
    // create with the given invitees (labels); returns the "created" answer.
    Json create(HandleId handle, const std::vector<std::string>& labels, const std::string& extra = "");
    Json join(HandleId handle, const std::string& room, const std::string& token, const std::string& display);
    std::uint64_t id_of(const Json& answer) const;
    int txn_counter = 0;
};

// Assertions on answers.
int error_code(const Json& answer);
std::string counsel_kind(const Json& answer);
std::string str(const Json& value, const char* key);

}  // namespace counsel::testing
