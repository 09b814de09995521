#include "support/fakes.hpp"

#include "core/key_hash.hpp"

#include <sodium.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace counsel::testing {

// Hashed once in the form counsel-keygen prints ($blake2b$).
const char* const kPractitionerKey = "unit-test-practitioner-key-0123456789abcdef";

std::string argon2id_hash(const std::string& key) {
    char out[crypto_pwhash_STRBYTES];
    if (sodium_init() < 0 || crypto_pwhash_str(out, key.c_str(), key.size(), crypto_pwhash_OPSLIMIT_MIN,
                                               crypto_pwhash_MEMLIMIT_MIN) != 0)
        std::abort();
    return out;
}

void RecordingGateway::push_event(HandleId handle, const std::string& transaction, const Json& event) {
    // Deep copy: the core may reuse objects after pushing them.
    pushed.push_back({handle, transaction, Json::adopt(json_deep_copy(event.get()))});
}

std::vector<Json> RecordingGateway::to(HandleId handle) const {
    std::vector<Json> out;
    for (const auto& p : pushed)
        if (p.handle == handle) out.push_back(p.event);
    return out;
}

Json RecordingGateway::last(HandleId handle, const char* kind) const {
    for (auto it = pushed.rbegin(); it != pushed.rend(); ++it)
        if (it->handle == handle && it->event.string_at("counsel") == std::string(kind)) return it->event;
    return Json();
}

std::size_t RecordingGateway::count(HandleId handle, const char* kind) const {
    std::size_t n = 0;
    for (const auto& p : pushed)
        if (p.handle == handle && p.event.string_at("counsel") == std::string(kind)) ++n;
    return n;
}

std::string RecordingGateway::everything() const {
    std::string out;
    for (const auto& p : pushed) out += p.event.dump() + "\n";
    for (const auto& n : notified) out += n.dump() + "\n";
    for (const auto& l : logs) out += l + "\n";
    return out;
}

void RecordingGateway::clear() {
    pushed.clear();
    closed.clear();
    notified.clear();
    logs.clear();
}

bool MemoryLedger::open_room(const Digest& room) {
    if (on_open) on_open();
    if (fail_writes || rows.count(room)) return false;
    rows[room] = LedgerState::Live;
    return true;
}

bool MemoryLedger::tombstone(const Digest& room) {
    if (fail_writes) return false;
    rows[room] = LedgerState::Tombstoned;
    return true;
}

LedgerState MemoryLedger::state(const Digest& room) {
    auto it = rows.find(room);
    return it == rows.end() ? LedgerState::Unknown : it->second;
}

void MemoryLedger::restart() {
    for (auto& [digest, state] : rows) state = LedgerState::Tombstoned;
}

Config test_config() {
    if (sodium_init() < 0) std::abort();
    static const std::string hash = make_fast_key_hash(kPractitionerKey);
    Config c;
    c.state_db = ":memory:";
    c.max_participants = 4;
    c.lobby_timeout_s = 600;
    c.idle_end_s = 120;
    c.practitioners = {{"practice", hash}};
    return c;
}

const char* const kPhoneServiceKey = "unit-test-phone-service-key-0123456789";

Config phone_test_config() {
    Config c = test_config();
    static const std::string hash = make_fast_key_hash(kPhoneServiceKey);
    c.phone_number = "+49 30 1234567";
    c.phone_service_key_hash = hash;
    return c;
}

namespace {
Config with_sodium(Config config) {
    if (sodium_init() < 0) std::abort();
    return config;
}
}  // namespace

Harness::Harness(Config config, MediaPort* media)
    : service(with_sodium(std::move(config)), gateway, ledger, clock, media, &recorder) {}

Json Harness::request(HandleId handle, const std::string& json_text) {
    json_error_t err;
    Json body = Json::adopt(json_loads(json_text.c_str(), JSON_DECODE_ANY, &err));
    if (!body) throw std::runtime_error("bad test JSON: " + json_text);
    const std::string txn = "t" + std::to_string(++txn_counter);
    service.handle(handle, txn, body, Json());
    for (auto it = gateway.pushed.rbegin(); it != gateway.pushed.rend(); ++it)
        if (it->handle == handle && it->transaction == txn) return it->event;
    return Json();
}

Json Harness::create(HandleId handle, const std::vector<std::string>& labels, const std::string& extra) {
    std::string invitees = "[";
    for (std::size_t i = 0; i < labels.size(); ++i) invitees += (i ? ",{\"label\":\"" : "{\"label\":\"") + labels[i] + "\"}";
    invitees += "]";
    return request(handle, "{\"request\":\"create\",\"practitioner_key\":\"" + std::string(kPractitionerKey) +
                               "\",\"invitees\":" + invitees + extra + "}");
}

Json Harness::join(HandleId handle, const std::string& room, const std::string& token, const std::string& display) {
    return request(handle, "{\"request\":\"join\",\"room\":\"" + room + "\",\"token\":\"" + token +
                               "\",\"display\":\"" + display + "\"}");
}

std::uint64_t Harness::id_of(const Json& answer) const {
    return static_cast<std::uint64_t>(answer.integer_at("id").value_or(0));
}

int error_code(const Json& answer) {
    if (answer.string_at("counsel") != std::string("error")) return 0;
    return static_cast<int>(answer.integer_at("error_code").value_or(-1));
}

std::string counsel_kind(const Json& answer) { return answer.string_at("counsel").value_or("<none>"); }

std::string str(const Json& value, const char* key) { return value.string_at(key).value_or(""); }

}  // namespace counsel::testing
