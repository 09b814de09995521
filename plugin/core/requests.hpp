// The plugin API's requests as types. Parsing checks shape, types and every
// value range before any rule runs, so a rejected request changes nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/config.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "core/presentable_text.hpp"
#include "core/secret_string.hpp"

namespace counsel {

enum class RecordingMode { Off, WithConsent };

struct CreateRequest {
    SecretString practitioner_key;
    std::vector<SecretString> labels;
    SecretString title;
    std::int64_t starts_at;   // unix s
    std::int64_t duration_s;
    bool e2ee;
    RecordingMode recording;
    bool password;
    bool phone;  // dial-in: a room number and a PIN per invitee (never with e2ee)
};

struct JoinRequest {
    std::string room;
    SecretString credential;
    bool by_password;
    SecretString display;  // empty for a peek
    // Only check the link: answer what the room is (e2ee or not) and seat nobody.
    bool peek = false;
    // The secret the person's page got with their seat: with it, a seat that
    // is still theirs is taken back without the lobby (core/reconnection.cpp).
    std::optional<SecretString> resume{};
};

enum class TargetAction { Admit, Deny, Kick };
struct TargetRequest {
    TargetAction action;
    std::uint64_t id;
    // deny only: "not at all" — a personal link is burned, a password
    // knocker's handle banned. False: "not now", the person may knock again.
    bool ban = false;
};

// The moderator denies every lobby member who came with the room password at
// once; with `ban` the password is closed for the rest of the session.
struct DenyPasswordRequest {
    bool ban;
};

struct MuteRequest {
    std::uint64_t id;
    std::optional<bool> audio;
    std::optional<bool> video;
};

struct LockRequest {
    bool locked;
};

struct EndRequest {};
struct LeaveRequest {};

enum class IncidentCategory { UnauthorizedPerson, RecordingSuspected, DataLeak, Technical, Other };
struct IncidentRequest {
    IncidentCategory category;
};

// Media negotiation from an admitted person: `publish` carries a JSEP offer,
// `answer` the answer to an offer the plugin sent. The body goes to the media layer.
struct NegotiateRequest {
    std::string name;  // "publish" or "answer"
    bool wants_offer;  // publish: the JSEP must be an offer; answer: an answer
};

// A second handle of an admitted person becomes their receiving handle:
// everybody else's streams are offered there (docs/api.md "Media").
struct ReceiveRequest {
    std::string room;
    std::uint64_t id;
    SecretString secret;  // the seat's resume secret (from `waiting`/`joined`/`resumed`)
};

// A person mutes or unmutes themselves (a moderator's mute stays in force),
// or switches what they receive to audio only and back.
struct ConfigureRequest {
    std::optional<bool> audio_muted;
    std::optional<bool> video_muted;
    std::optional<bool> receive_video;
};

// The moderator writes to one person waiting in the lobby. Never stored or logged.
struct MessageRequest {
    std::uint64_t id;
    SecretString text;
};

// The moderator asks for recording consent, or stops the recording.
struct RecordRequest {
    bool stop;
};

// An admitted person's answer to a consent request (or its withdrawal).
struct ConsentRequest {
    bool yes;
};

// counsel-phone knocks for a caller (service key, room number, PIN).
struct PhoneJoinRequest {
    SecretString service_key;
    std::string room_number;
    SecretString pin;
};

// The moderator plays a fixed prompt to a phone caller in the lobby.
enum class PhonePrompt { Wait };
struct PromptRequest {
    std::uint64_t id;
    PhonePrompt prompt;
};

// An admitted phone caller's plain RTP: counsel-phone's port on 127.0.0.1.
struct PhoneMediaRequest {
    int port;
};

using Request = std::variant<CreateRequest, JoinRequest, TargetRequest, DenyPasswordRequest, MuteRequest, LockRequest,
                             EndRequest, LeaveRequest, IncidentRequest, NegotiateRequest, ConfigureRequest,
                             MessageRequest, RecordRequest, ConsentRequest, PhoneJoinRequest, PromptRequest,
                             PhoneMediaRequest, ReceiveRequest>;

// Parses a request body. `now_unix` bounds starts_at; `config` bounds the rest.
std::variant<Request, Error> parse_request(const Json& body, const Config& config, std::int64_t now_unix);

// Names for answers and events.
const char* action_name(TargetAction action);
const char* category_name(IncidentCategory category);

}  // namespace counsel
