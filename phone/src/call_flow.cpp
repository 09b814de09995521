#include "call_flow.hpp"

#include <sodium.h>

#include "core/phone_credentials.hpp"  // the plugin's lengths of room number and PIN

namespace counsel::phone {
namespace {

constexpr std::int64_t kGoodbyeLimitMs = 30'000;
constexpr std::int64_t kAnswerLimitMs = 30'000;

void wipe(std::string& text) {
    if (!text.empty()) sodium_memzero(text.data(), text.size());
    text.clear();
}

}  // namespace

const char* flow_state_name(FlowState state) {
    switch (state) {
        case FlowState::CollectRoom: return "room number";
        case FlowState::CollectPin: return "PIN";
        case FlowState::Checking: return "checking";
        case FlowState::Lobby: return "lobby";
        case FlowState::Admitted: return "admitted";
        case FlowState::Goodbye: return "goodbye";
        case FlowState::Done: return "done";
    }
    return "";
}

CallFlow::CallFlow(CallActions& actions, FlowSettings settings)
    : actions_(actions), settings_(settings), attempts_left_(settings.attempts) {}

CallFlow::~CallFlow() {
    wipe(digits_);
    wipe(room_number_);
}

void CallFlow::clear_digits() { wipe(digits_); }

void CallFlow::start(std::int64_t now_ms) { collect(FlowState::CollectRoom, Prompt::Welcome, now_ms); }

void CallFlow::collect(FlowState state, Prompt prompt, std::int64_t now_ms) {
    (void)now_ms;
    state_ = state;
    collecting_prompt_ = prompt;
    reprompts_left_ = settings_.reprompts;
    clear_digits();
    then_collect_ = false;
    prompt_playing_ = true;
    deadline_ms_ = -1;  // the timeout starts when the prompt has ended
    actions_.play(prompt);
}

void CallFlow::on_digit(char digit, std::int64_t now_ms) {
    switch (state_) {
        case FlowState::CollectRoom:
        case FlowState::CollectPin: {
            if (prompt_playing_) {  // a key interrupts the prompt
                prompt_playing_ = false;
                then_collect_ = false;
                actions_.stop_prompt();
            }
            deadline_ms_ = now_ms + settings_.digit_timeout_ms;
            if (digit == '*') return clear_digits();  // start the field again
            const std::size_t want = state_ == FlowState::CollectRoom ? kPhoneRoomDigits : kPinDigits;
            if (digit == '#') return digits_complete(now_ms);
            if (digit < '0' || digit > '9') return;
            digits_.push_back(digit);
            if (digits_.size() == want) digits_complete(now_ms);
            return;
        }
        case FlowState::Admitted:
            // Recording consent by keypad: 1 agrees when asked, 2 refuses when asked or withdraws a yes.
            if (digit == '1' && consent_asked_) {
                consent_asked_ = false;
                consented_ = true;
                actions_.request("consent", Json::object().set("request", "consent").set("recording", true));
                actions_.play(Prompt::ConsentYes);
            } else if (digit == '2' && (consent_asked_ || consented_)) {
                consent_asked_ = false;
                consented_ = false;
                actions_.request("consent", Json::object().set("request", "consent").set("recording", false));
                actions_.play(Prompt::ConsentNo);
            }
            return;
        default:
            return;  // keys in the lobby or while checking mean nothing
    }
}

void CallFlow::digits_complete(std::int64_t now_ms) {
    const std::size_t want = state_ == FlowState::CollectRoom ? kPhoneRoomDigits : kPinDigits;
    if (digits_.size() != want) {
        // A number of the wrong length is a wrong number: the same answer as a wrong PIN.
        clear_digits();
        if (--attempts_left_ <= 0) return goodbye(Prompt::TooMany, now_ms);
        state_ = FlowState::CollectRoom;
        prompt_playing_ = true;
        then_collect_ = true;
        deadline_ms_ = -1;
        return actions_.play(Prompt::Invalid);
    }
    if (state_ == FlowState::CollectRoom) {
        wipe(room_number_);
        room_number_.swap(digits_);
        return collect(FlowState::CollectPin, Prompt::EnterPin, now_ms);
    }
    state_ = FlowState::Checking;
    deadline_ms_ = now_ms + kAnswerLimitMs;  // the plugin always answers; a lost answer must not hold the line
    Json body = Json::object().set("request", "phone_join").set("room_number", room_number_).set("pin", digits_);
    wipe(room_number_);
    clear_digits();
    actions_.request("phone_join", std::move(body));
}

void CallFlow::on_prompt_done(std::int64_t now_ms) {
    prompt_playing_ = false;
    if (state_ == FlowState::Goodbye) {
        state_ = FlowState::Done;
        return actions_.hang_up();
    }
    if (then_collect_) return collect(FlowState::CollectRoom, Prompt::Welcome, now_ms);
    if (state_ == FlowState::CollectRoom || state_ == FlowState::CollectPin)
        deadline_ms_ = now_ms + settings_.digit_timeout_ms;
}

void CallFlow::tick(std::int64_t now_ms) {
    if (state_ == FlowState::Goodbye && deadline_ms_ >= 0 && now_ms >= deadline_ms_) {
        state_ = FlowState::Done;
        return actions_.hang_up();
    }
    if (state_ == FlowState::Checking && now_ms >= deadline_ms_) return goodbye(Prompt::Unavailable, now_ms);
    if ((state_ != FlowState::CollectRoom && state_ != FlowState::CollectPin) || deadline_ms_ < 0 ||
        now_ms < deadline_ms_)
        return;
    if (!digits_.empty() || reprompts_left_ <= 0) {
        // Typed a little and stopped, or never typed anything twice over.
        if (!digits_.empty()) return digits_complete(now_ms);
        return goodbye(Prompt::NoInput, now_ms);
    }
    --reprompts_left_;
    prompt_playing_ = true;
    deadline_ms_ = -1;
    actions_.play(collecting_prompt_);
}

void CallFlow::goodbye(Prompt prompt, std::int64_t now_ms) {
    state_ = FlowState::Goodbye;
    bridged_ = false;
    wipe(room_number_);
    clear_digits();
    prompt_playing_ = true;
    deadline_ms_ = now_ms + kGoodbyeLimitMs;  // hangs up even if the prompt never reports its end
    actions_.play(prompt);
}

void CallFlow::on_answer(const std::string& request, const Json& answer, std::int64_t now_ms) {
    const std::string kind = answer.string_at("counsel").value_or("");
    if (request == "phone_join" && state_ == FlowState::Checking) {
        if (kind == "waiting") {
            state_ = FlowState::Lobby;
            return actions_.play(Prompt::Waiting);
        }
        switch (answer.integer_at("error_code").value_or(0)) {
            case 482:  // wrong room number or PIN: the plugin does not say which
                if (--attempts_left_ <= 0) return goodbye(Prompt::TooMany, now_ms);
                state_ = FlowState::CollectRoom;
                prompt_playing_ = true;
                then_collect_ = true;
                return actions_.play(Prompt::Invalid);
            case 486: return goodbye(Prompt::TooMany, now_ms);
            case 485: return goodbye(Prompt::Locked, now_ms);
            case 490: return goodbye(Prompt::InUse, now_ms);
            case 489: return goodbye(Prompt::Full, now_ms);
            default: return goodbye(Prompt::Unavailable, now_ms);
        }
    }
    if (request == "rtp" && state_ == FlowState::Admitted) {
        const auto port = answer.integer_at("port");
        if (kind != "rtp" || !port) return goodbye(Prompt::Unavailable, now_ms);
        bridged_ = true;
        return actions_.connect_room(static_cast<int>(*port));
    }
}

void CallFlow::on_event(const Json& event, std::int64_t now_ms) {
    const std::string kind = event.string_at("counsel").value_or("");
    if (state_ == FlowState::Goodbye || state_ == FlowState::Done) return;
    if (kind == "ended") return goodbye(Prompt::Ended, now_ms);
    if (kind == "removed") return goodbye(Prompt::Removed, now_ms);
    if (kind == "denied") return goodbye(Prompt::Denied, now_ms);
    if (kind == "timeout") return goodbye(Prompt::LobbyTimeout, now_ms);
    if (state_ == FlowState::Lobby) {
        if (kind == "prompt") return actions_.play(Prompt::PleaseWait);
        if (kind == "admitted") {
            state_ = FlowState::Admitted;
            actions_.request("rtp", Json::object().set("request", "rtp"));
            return actions_.play(Prompt::Admitted);
        }
        return;
    }
    if (state_ != FlowState::Admitted) return;
    if (kind == "muted") {
        const bool muted = json_is_true(json_object_get(event.field("muted"), "audio"));
        return actions_.play(muted ? Prompt::Muted : Prompt::Unmuted);
    }
    if (kind == "consent_request") {
        consent_asked_ = true;
        return actions_.play(Prompt::Consent);
    }
    if (kind == "recording") {
        const std::string state = event.string_at("state").value_or("");
        const bool now_recording = state == "recording";
        if (now_recording != recording_ && (now_recording || recording_)) {
            recording_ = now_recording;
            if (!consent_asked_) actions_.play(now_recording ? Prompt::RecordingOn : Prompt::RecordingOff);
        }
        if (state == "stopped" || state == "aborted" || state == "off") {
            consent_asked_ = false;
            consented_ = false;
        }
    }
}

void CallFlow::on_service_lost(std::int64_t now_ms) {
    if (state_ == FlowState::Goodbye || state_ == FlowState::Done) return;
    goodbye(Prompt::Unavailable, now_ms);
}

}  // namespace counsel::phone
