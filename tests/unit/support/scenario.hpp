// Shared steps for the unit tests: a created room with its credentials,
// request builders and assertions that print the offending answer.
// Include this (after any other core header) instead of fakes.hpp and
// cmocka_cpp.hpp: it includes both in the order cmocka needs.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "support/fakes.hpp"
// cmocka last: it defines macros (fail, ...) that clash with the core's names.
#include "cmocka_cpp.hpp"

namespace counsel::testing {

constexpr HandleId kPractitioner = 1, kModerator = 2, kGuestA = 3, kGuestB = 4, kGuestC = 5, kGuestD = 6,
                   kGuestE = 7, kStranger = 90;

// A room as the practitioner got it back from `create`.
struct Session {
    Json created;
    std::string room, moderator_token, password;
    std::vector<std::string> tokens;  // in the order of the labels
    std::int64_t starts_at = 0, expires_at = 0;
};

inline std::string text_of(json_t* value) { return json_is_string(value) ? json_string_value(value) : ""; }

inline std::size_t size_of(const Json& answer, const char* key) { return json_array_size(answer.field(key)); }

// Element `i` of the array `key` of `answer` (a borrowed reference as Json).
inline Json item(const Json& answer, const char* key, std::size_t i) {
    json_t* element = json_array_get(answer.field(key), i);
    return element ? Json::borrow(element) : Json();
}

inline bool contains(const std::string& haystack, const std::string& needle) {
    return !needle.empty() && haystack.find(needle) != std::string::npos;
}

// Everything that left the core for Janus's event handlers and log.
inline std::string notified_and_logged(const RecordingGateway& gateway) {
    std::string out;
    for (const auto& n : gateway.notified) out += n.dump() + "\n";
    for (const auto& l : gateway.logs) out += l + "\n";
    return out;
}

inline std::size_t closed_count(const RecordingGateway& gateway, HandleId handle) {
    std::size_t n = 0;
    for (HandleId h : gateway.closed) n += h == handle;
    return n;
}

inline std::size_t notified_count(const RecordingGateway& gateway, const char* event) {
    std::size_t n = 0;
    for (const auto& e : gateway.notified) n += e.string_at("event") == std::string(event);
    return n;
}

inline Json last_notified(const RecordingGateway& gateway, const char* event) {
    for (auto it = gateway.notified.rbegin(); it != gateway.notified.rend(); ++it)
        if (it->string_at("event") == std::string(event)) return *it;
    return Json();
}

// `{"request":"create","practitioner_key":<the test key>, <fields>}`
inline std::string create_body(const std::string& fields) {
    return std::string("{\"request\":\"create\",\"practitioner_key\":\"") + kPractitionerKey + "\"" +
           (fields.empty() ? "" : ",") + fields + "}";
}

inline Session session_from(const Json& created) {
    Session s;
    s.created = created;
    s.room = str(created, "room");
    s.moderator_token = str(created, "moderator_token");
    s.password = str(created, "password");
    s.starts_at = created.integer_at("starts_at").value_or(0);
    s.expires_at = created.integer_at("expires_at").value_or(0);
    for (std::size_t i = 0; i < size_of(created, "invites"); ++i)
        s.tokens.push_back(str(item(created, "invites", i), "token"));
    return s;
}

inline void print_on_mismatch(const Json& answer, const char* expected) {
    std::fprintf(stderr, "expected %s, got %s\n", expected, answer ? answer.dump().c_str() : "<no answer>");
}

// Asserts an error answer with `code` (prints the answer when it is something else).
#define expect_error(answer, code)                                                                   \
    do {                                                                                             \
        const ::counsel::Json& expect_error_answer_ = (answer);                                      \
        if (::counsel::testing::error_code(expect_error_answer_) != (code))                          \
            ::counsel::testing::print_on_mismatch(expect_error_answer_, "error " #code);             \
        assert_int_equal(::counsel::testing::error_code(expect_error_answer_), (code));              \
    } while (0)

// Asserts an answer of kind `kind` ("waiting", "ok", ...).
#define expect_kind(answer, kind)                                                                    \
    do {                                                                                             \
        const ::counsel::Json& expect_kind_answer_ = (answer);                                       \
        if (::counsel::testing::counsel_kind(expect_kind_answer_) != std::string(kind))              \
            ::counsel::testing::print_on_mismatch(expect_kind_answer_, kind);                        \
        assert_string_equal(::counsel::testing::counsel_kind(expect_kind_answer_).c_str(), (kind));  \
    } while (0)

inline Session make_session(Harness& h, const std::vector<std::string>& labels = {"Client A", "Client B"},
                            const std::string& extra = "") {
    Json created = h.create(kPractitioner, labels, extra);
    expect_kind(created, "created");
    return session_from(created);
}

inline Json join_password(Harness& h, HandleId handle, const std::string& room, const std::string& password,
                          const std::string& display) {
    return h.request(handle, "{\"request\":\"join\",\"room\":\"" + room + "\",\"password\":\"" + password +
                                 "\",\"display\":\"" + display + "\"}");
}

// admit / deny / kick with an id.
inline Json target(Harness& h, HandleId from, const char* action, std::uint64_t id) {
    return h.request(from, std::string("{\"request\":\"") + action + "\",\"id\":" + std::to_string(id) + "}");
}

// Joins `handle` with `token` and asserts it waits; returns its participant id.
inline std::uint64_t knock(Harness& h, HandleId handle, const std::string& room, const std::string& token,
                           const std::string& display) {
    Json waiting = h.join(handle, room, token, display);
    expect_kind(waiting, "waiting");
    return h.id_of(waiting);
}

// Joins and gets admitted by the moderator on kModerator; returns the id.
inline std::uint64_t knock_and_admit(Harness& h, HandleId handle, const std::string& room, const std::string& token,
                                     const std::string& display) {
    const std::uint64_t id = knock(h, handle, room, token, display);
    expect_kind(target(h, kModerator, "admit", id), "ok");
    return id;
}

inline std::uint64_t join_as_moderator(Harness& h, const Session& s, HandleId handle = kModerator,
                                       const std::string& display = "Dr. M") {
    Json joined = h.join(handle, s.room, s.moderator_token, display);
    expect_kind(joined, "joined");
    return h.id_of(joined);
}

// The ids listed in an array of {id, ...} objects.
inline std::vector<std::uint64_t> ids_in(const Json& answer, const char* key) {
    std::vector<std::uint64_t> out;
    for (std::size_t i = 0; i < size_of(answer, key); ++i)
        out.push_back(static_cast<std::uint64_t>(item(answer, key, i).integer_at("id").value_or(0)));
    return out;
}

inline bool has_id(const std::vector<std::uint64_t>& ids, std::uint64_t id) {
    for (auto x : ids)
        if (x == id) return true;
    return false;
}

}  // namespace counsel::testing
