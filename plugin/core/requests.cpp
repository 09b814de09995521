#include "core/requests.hpp"

#include <cstring>
#include <initializer_list>
#include <string_view>

#include "core/credentials.hpp"
#include "core/phone_credentials.hpp"

namespace counsel {
namespace {

constexpr std::size_t kMaxLabelChars = 64;
constexpr std::size_t kMaxDisplayChars = 64;
constexpr std::size_t kMaxTitleChars = 80;
constexpr std::size_t kMaxMessageChars = 500;
constexpr std::int64_t kMinDurationS = 60;
constexpr std::int64_t kStartsAtSlackS = 300;  // a booking system's clock may lag a little

Error malformed(std::string message) { return error(ErrorCode::Malformed, std::move(message)); }
Error invalid(std::string message) { return error(ErrorCode::Invalid, std::move(message)); }

// Rejects fields the request does not define: a typo must not be silently ignored.
std::optional<Error> only_fields(const Json& body, std::initializer_list<const char*> allowed) {
    const char* key;
    json_t* value;
    json_object_foreach(body.get(), key, value) {
        (void)value;
        bool known = std::strcmp(key, "request") == 0;
        for (const char* name : allowed) known = known || std::strcmp(key, name) == 0;
        if (!known) return malformed("unknown field in request");
    }
    return std::nullopt;
}

// A field that must be present with a given type; nullopt result = error set.
json_t* required(const Json& body, const char* key, bool (*is_type)(const json_t*), const char* what,
                 std::optional<Error>& failure) {
    json_t* v = body.field(key);
    if (!v) {
        failure = malformed(std::string("missing field: ") + key);
        return nullptr;
    }
    if (!is_type(v)) {
        failure = malformed(std::string("field ") + key + " must be " + what);
        return nullptr;
    }
    return v;
}

bool is_string(const json_t* v) { return json_is_string(v); }
bool is_integer(const json_t* v) { return json_is_integer(v); }
bool is_array(const json_t* v) { return json_is_array(v); }

std::optional<bool> optional_bool(const Json& body, const char* key, std::optional<Error>& failure) {
    json_t* v = body.field(key);
    if (!v) return std::nullopt;
    if (!json_is_boolean(v)) {
        failure = malformed(std::string("field ") + key + " must be a boolean");
        return std::nullopt;
    }
    return json_is_true(v);
}

std::string_view text_of(json_t* v) { return {json_string_value(v), json_string_length(v)}; }

std::variant<Request, Error> parse_create(const Json& body, const Config& config, std::int64_t now_unix) {
    if (auto e = only_fields(body, {"practitioner_key", "invitees", "title", "starts_at", "duration_s", "e2ee",
                                    "recording", "password", "phone"}))
        return *e;
    std::optional<Error> failure;
    json_t* key = required(body, "practitioner_key", is_string, "a string", failure);
    if (failure) return *failure;
    json_t* invitees = required(body, "invitees", is_array, "an array", failure);
    if (failure) return *failure;

    CreateRequest req{};
    req.practitioner_key = SecretString(text_of(key));
    if (json_array_size(invitees) > static_cast<std::size_t>(config.max_participants - 1))
        return invalid("too many invitees for max_participants");
    std::size_t index;
    json_t* invitee;
    json_array_foreach(invitees, index, invitee) {
        if (!json_is_object(invitee)) return malformed("every invitee must be an object with a label");
        Json entry = Json::borrow(invitee);
        if (auto e = only_fields(entry, {"label"})) return *e;
        json_t* label = required(entry, "label", is_string, "a string", failure);
        if (failure) return *failure;
        if (!is_presentable_text(text_of(label), kMaxLabelChars))
            return invalid("an invitee label must be 1-64 characters, some visible, without control characters");
        req.labels.emplace_back(text_of(label));
    }
    if (json_t* title = body.field("title")) {
        if (!json_is_string(title)) return malformed("field title must be a string");
        if (json_string_length(title) > 0 && !is_presentable_text(text_of(title), kMaxTitleChars))
            return invalid("title must be at most 80 characters, some visible, without control characters");
        req.title = SecretString(text_of(title));
    }
    req.starts_at = now_unix;
    if (json_t* starts = body.field("starts_at")) {
        if (!json_is_integer(starts)) return malformed("field starts_at must be an integer (unix seconds)");
        const std::int64_t value = json_integer_value(starts);
        if (value < now_unix - kStartsAtSlackS || value > now_unix + config.max_advance_s)
            return invalid("starts_at lies too far in the past or the future");
        req.starts_at = value;
    }
    req.duration_s = config.default_duration_s();
    if (json_t* duration = body.field("duration_s")) {
        if (!json_is_integer(duration)) return malformed("field duration_s must be an integer (seconds)");
        const std::int64_t value = json_integer_value(duration);
        if (value < kMinDurationS || value > config.max_duration_s)
            return invalid("duration_s must be between 60 and max_duration_s");
        req.duration_s = value;
    }
    req.recording = RecordingMode::Off;
    if (json_t* recording = body.field("recording")) {
        if (!json_is_string(recording)) return malformed("field recording must be a string");
        const std::string_view mode = text_of(recording);
        if (mode == "with_consent") req.recording = RecordingMode::WithConsent;
        else if (mode != "off") return invalid("recording must be \"off\" or \"with_consent\"");
    }
    const std::optional<bool> e2ee = optional_bool(body, "e2ee", failure);
    if (failure) return *failure;
    if (e2ee.value_or(false) && req.recording == RecordingMode::WithConsent)
        return error(ErrorCode::Conflict, "an end-to-end encrypted room cannot be recorded");
    req.phone = optional_bool(body, "phone", failure).value_or(false);
    if (failure) return *failure;
    if (req.phone && e2ee.value_or(false))
        return error(ErrorCode::Conflict,
                     "a phone call cannot be end-to-end encrypted: create a phone room with e2ee false");
    req.e2ee = e2ee.value_or(req.recording == RecordingMode::Off && !req.phone);
    req.password = optional_bool(body, "password", failure).value_or(false);
    if (failure) return *failure;
    if (req.labels.empty() && !req.password) return invalid("a room needs at least one invitee or a password");
    return Request{std::move(req)};
}

std::variant<Request, Error> parse_join(const Json& body) {
    if (auto e = only_fields(body, {"room", "token", "password", "display", "peek", "resume"})) return *e;
    std::optional<Error> failure;
    const bool peek = optional_bool(body, "peek", failure).value_or(false);
    if (failure) return *failure;
    json_t* room = required(body, "room", is_string, "a string", failure);
    if (failure) return *failure;
    // A peek seats nobody, so it needs no name (one given is still checked).
    json_t* display = peek && !body.field("display") ? nullptr : required(body, "display", is_string, "a string", failure);
    if (failure) return *failure;
    json_t* token = body.field("token");
    json_t* password = body.field("password");
    if (token && password) return error(ErrorCode::Conflict, "give either a token or a password, not both");
    if (!token && !password) return malformed("missing field: token or password");
    json_t* credential = token ? token : password;
    if (!json_is_string(credential)) return malformed(token ? "field token must be a string" : "field password must be a string");
    if (!looks_like_token(text_of(room))) return invalid("room must be a room id from an invitation link");
    if (token ? !looks_like_token(text_of(credential)) : !looks_like_password(text_of(credential)))
        return invalid(token ? "token must be a token from an invitation link" : "password must be 12 characters");
    if (display && !is_presentable_text(text_of(display), kMaxDisplayChars))
        return invalid("display must be 1-64 characters some visible, without control characters");
    json_t* resume = body.field("resume");
    if (resume && !json_is_string(resume)) return malformed("field resume must be a string");
    if (resume && !looks_like_token(text_of(resume))) return invalid("resume must be the secret a join or admission gave");
    if (resume && peek) return error(ErrorCode::Conflict, "a peek seats nobody: it takes no resume");
    JoinRequest req{std::string(text_of(room)), SecretString(text_of(credential)), password != nullptr,
                    SecretString(display ? text_of(display) : std::string_view()), peek};
    if (resume) req.resume.emplace(text_of(resume));
    return Request{std::move(req)};
}

std::optional<std::uint64_t> participant_id(const Json& body, std::optional<Error>& failure) {
    json_t* id = required(body, "id", is_integer, "an integer", failure);
    if (failure) return std::nullopt;
    const json_int_t value = json_integer_value(id);
    if (value < 1 || value >= (json_int_t{1} << 53)) {
        failure = invalid("id is not a participant id");
        return std::nullopt;
    }
    return static_cast<std::uint64_t>(value);
}

std::variant<Request, Error> parse_target(const Json& body, TargetAction action) {
    const bool may_ban = action == TargetAction::Deny;
    if (auto e = may_ban ? only_fields(body, {"id", "ban"}) : only_fields(body, {"id"})) return *e;
    std::optional<Error> failure;
    auto id = participant_id(body, failure);
    if (failure) return *failure;
    const bool ban = optional_bool(body, "ban", failure).value_or(false);
    if (failure) return *failure;
    return Request{TargetRequest{action, *id, ban}};
}

std::variant<Request, Error> parse_deny_password(const Json& body) {
    if (auto e = only_fields(body, {"ban"})) return *e;
    std::optional<Error> failure;
    const std::optional<bool> ban = optional_bool(body, "ban", failure);
    if (failure) return *failure;
    if (!ban) return malformed("missing field: ban");
    return Request{DenyPasswordRequest{*ban}};
}

std::variant<Request, Error> parse_mute(const Json& body) {
    if (auto e = only_fields(body, {"id", "audio", "video"})) return *e;
    std::optional<Error> failure;
    auto id = participant_id(body, failure);
    if (failure) return *failure;
    MuteRequest req{*id, optional_bool(body, "audio", failure), std::nullopt};
    if (failure) return *failure;
    req.video = optional_bool(body, "video", failure);
    if (failure) return *failure;
    if (!req.audio && !req.video) return malformed("mute needs audio and/or video");
    return Request{req};
}

std::variant<Request, Error> parse_incident(const Json& body) {
    if (auto e = only_fields(body, {"category"})) return *e;
    std::optional<Error> failure;
    json_t* category = required(body, "category", is_string, "a string", failure);
    if (failure) return *failure;
    static constexpr IncidentCategory kAll[] = {IncidentCategory::UnauthorizedPerson, IncidentCategory::RecordingSuspected,
                                                IncidentCategory::DataLeak, IncidentCategory::Technical,
                                                IncidentCategory::Other};
    for (IncidentCategory c : kAll)
        if (text_of(category) == category_name(c)) return Request{IncidentRequest{c}};
    return invalid("unknown incident category");
}

std::variant<Request, Error> parse_configure(const Json& body) {
    if (auto e = only_fields(body, {"audio_muted", "video_muted", "receive_video"})) return *e;
    std::optional<Error> failure;
    ConfigureRequest req;
    req.audio_muted = optional_bool(body, "audio_muted", failure);
    if (failure) return *failure;
    req.video_muted = optional_bool(body, "video_muted", failure);
    if (failure) return *failure;
    req.receive_video = optional_bool(body, "receive_video", failure);
    if (failure) return *failure;
    if (!req.audio_muted && !req.video_muted && !req.receive_video)
        return malformed("configure needs audio_muted, video_muted and/or receive_video");
    return Request{req};
}

std::variant<Request, Error> parse_message(const Json& body) {
    if (auto e = only_fields(body, {"id", "text"})) return *e;
    std::optional<Error> failure;
    auto id = participant_id(body, failure);
    if (failure) return *failure;
    json_t* text = required(body, "text", is_string, "a string", failure);
    if (failure) return *failure;
    if (!is_presentable_text(text_of(text), kMaxMessageChars))
        return invalid("text must be 1-500 characters, some visible, without control characters");
    return Request{MessageRequest{*id, SecretString(text_of(text))}};
}

std::variant<Request, Error> parse_record(const Json& body) {
    if (auto e = only_fields(body, {"action"})) return *e;
    std::optional<Error> failure;
    json_t* action = required(body, "action", is_string, "a string", failure);
    if (failure) return *failure;
    const std::string_view name = text_of(action);
    if (name == "request") return Request{RecordRequest{false}};
    if (name == "stop") return Request{RecordRequest{true}};
    return invalid("action must be \"request\" or \"stop\"");
}

std::variant<Request, Error> parse_consent(const Json& body) {
    if (auto e = only_fields(body, {"recording"})) return *e;
    json_t* recording = body.field("recording");
    if (!recording) return malformed("missing field: recording");
    if (!json_is_boolean(recording)) return malformed("field recording must be a boolean");
    return Request{ConsentRequest{json_is_true(recording)}};
}

std::variant<Request, Error> parse_phone_join(const Json& body) {
    if (auto e = only_fields(body, {"service_key", "room_number", "pin"})) return *e;
    std::optional<Error> failure;
    json_t* key = required(body, "service_key", is_string, "a string", failure);
    if (failure) return *failure;
    json_t* room = required(body, "room_number", is_string, "a string of digits", failure);
    if (failure) return *failure;
    json_t* pin = required(body, "pin", is_string, "a string of digits", failure);
    if (failure) return *failure;
    if (!looks_like_digits(text_of(room), kPhoneRoomDigits)) return invalid("room_number must be 6 digits");
    if (!looks_like_digits(text_of(pin), kPinDigits)) return invalid("pin must be 12 digits");
    return Request{PhoneJoinRequest{SecretString(text_of(key)), std::string(text_of(room)), SecretString(text_of(pin))}};
}

std::variant<Request, Error> parse_prompt(const Json& body) {
    if (auto e = only_fields(body, {"id", "prompt"})) return *e;
    std::optional<Error> failure;
    auto id = participant_id(body, failure);
    if (failure) return *failure;
    json_t* prompt = required(body, "prompt", is_string, "a string", failure);
    if (failure) return *failure;
    if (text_of(prompt) != "wait") return invalid("prompt must be \"wait\"");
    return Request{PromptRequest{*id, PhonePrompt::Wait}};
}

std::variant<Request, Error> parse_phone_media(const Json& body) {
    if (auto e = only_fields(body, {"port"})) return *e;
    std::optional<Error> failure;
    json_t* port = required(body, "port", is_integer, "an integer", failure);
    if (failure) return *failure;
    const json_int_t value = json_integer_value(port);
    if (value < 1024 || value > 65535) return invalid("port must be 1024-65535");
    return Request{PhoneMediaRequest{static_cast<int>(value)}};
}

std::variant<Request, Error> parse_receive(const Json& body) {
    if (auto e = only_fields(body, {"room", "id", "secret"})) return *e;
    std::optional<Error> failure;
    json_t* room = required(body, "room", is_string, "a string", failure);
    if (failure) return *failure;
    auto id = participant_id(body, failure);
    if (failure) return *failure;
    json_t* secret = required(body, "secret", is_string, "a string", failure);
    if (failure) return *failure;
    if (!looks_like_token(text_of(room))) return invalid("room must be a room id from an invitation link");
    if (!looks_like_token(text_of(secret))) return invalid("secret must be the resume secret the plugin gave");
    return Request{ReceiveRequest{std::string(text_of(room)), *id, SecretString(text_of(secret))}};
}

template <typename T>
std::variant<Request, Error> parse_bare(const Json& body, T request) {
    if (auto e = only_fields(body, {})) return *e;
    return Request{request};
}

}  // namespace

std::variant<Request, Error> parse_request(const Json& body, const Config& config, std::int64_t now_unix) {
    if (!json_is_object(body.get())) return malformed("the body must be a JSON object");
    json_t* request = body.field("request");
    if (!request) return malformed("missing field: request");
    if (!json_is_string(request)) return malformed("field request must be a string");
    const std::string_view name = text_of(request);
    if (name == "create") return parse_create(body, config, now_unix);
    if (name == "join") return parse_join(body);
    if (name == "admit") return parse_target(body, TargetAction::Admit);
    if (name == "deny") return parse_target(body, TargetAction::Deny);
    if (name == "kick") return parse_target(body, TargetAction::Kick);
    if (name == "deny_password") return parse_deny_password(body);
    if (name == "mute") return parse_mute(body);
    if (name == "lock") return parse_bare(body, LockRequest{true});
    if (name == "unlock") return parse_bare(body, LockRequest{false});
    if (name == "end") return parse_bare(body, EndRequest{});
    if (name == "leave") return parse_bare(body, LeaveRequest{});
    if (name == "incident") return parse_incident(body);
    if (name == "publish") return parse_bare(body, NegotiateRequest{"publish", true});
    if (name == "answer") return parse_bare(body, NegotiateRequest{"answer", false});
    if (name == "configure") return parse_configure(body);
    if (name == "message") return parse_message(body);
    if (name == "record") return parse_record(body);
    if (name == "consent") return parse_consent(body);
    if (name == "phone_join") return parse_phone_join(body);
    if (name == "prompt") return parse_prompt(body);
    if (name == "rtp") return parse_phone_media(body);
    if (name == "receive") return parse_receive(body);
    return malformed("unknown request");
}

const char* action_name(TargetAction action) {
    switch (action) {
        case TargetAction::Admit: return "admit";
        case TargetAction::Deny: return "deny";
        case TargetAction::Kick: return "kick";
    }
    return "";
}

const char* category_name(IncidentCategory category) {
    switch (category) {
        case IncidentCategory::UnauthorizedPerson: return "unauthorized_person";
        case IncidentCategory::RecordingSuspected: return "recording_suspected";
        case IncidentCategory::DataLeak: return "data_leak";
        case IncidentCategory::Technical: return "technical";
        case IncidentCategory::Other: return "other";
    }
    return "";
}

}  // namespace counsel
