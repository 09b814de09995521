// One call from answer to hang-up, as the caller experiences it: the
// greeting, the room number and PIN read from the keypad, the knock, the
// waiting room, the session, the goodbye. Pure logic on one thread: it is
// told about digits, prompt ends, the plugin's answers and events, and time;
// it acts through CallActions. No SIP, no sockets, no clock of its own.
#pragma once

#include <cstdint>
#include <string>

#include "core/json.hpp"
#include "prompts.hpp"

namespace counsel::phone {

class CallActions {
public:
    virtual ~CallActions() = default;
    // Replaces whatever prompt is playing (on_prompt_done follows when it ends).
    virtual void play(Prompt prompt) = 0;
    virtual void stop_prompt() = 0;
    // A request to the plugin on this call's handle; its answer comes back
    // through on_answer with the same request name. The caller's secrets in
    // `body` (the PIN) are wiped by the implementation once sent.
    virtual void request(const std::string& name, Json body) = 0;
    // The plugin's RTP port for this caller: the caller's voice goes there
    // and the room's voices come from there from now on.
    virtual void connect_room(int plugin_port) = 0;
    virtual void hang_up() = 0;
};

struct FlowSettings {
    std::int64_t digit_timeout_ms = 10'000;  // after a prompt ends, or after the last digit
    int attempts = 3;                        // wrong room number / PIN pairs per call
    int reprompts = 1;                       // a prompt nobody answered is repeated this often
};

enum class FlowState { CollectRoom, CollectPin, Checking, Lobby, Admitted, Goodbye, Done };
const char* flow_state_name(FlowState state);

class CallFlow {
public:
    CallFlow(CallActions& actions, FlowSettings settings);
    ~CallFlow();
    CallFlow(const CallFlow&) = delete;
    CallFlow& operator=(const CallFlow&) = delete;

    // The call was answered: the greeting starts.
    void start(std::int64_t now_ms);
    void on_digit(char digit, std::int64_t now_ms);
    void on_prompt_done(std::int64_t now_ms);
    void tick(std::int64_t now_ms);
    // The plugin's answer to a request of this call (by its name), and its other events.
    void on_answer(const std::string& request, const Json& answer, std::int64_t now_ms);
    void on_event(const Json& event, std::int64_t now_ms);
    // The plugin (or Janus) cannot serve this call any more.
    void on_service_lost(std::int64_t now_ms);

    FlowState state() const { return state_; }
    bool bridged() const { return bridged_; }

private:
    void collect(FlowState state, Prompt prompt, std::int64_t now_ms);
    void digits_complete(std::int64_t now_ms);
    void goodbye(Prompt prompt, std::int64_t now_ms);
    void clear_digits();

    CallActions& actions_;
    FlowSettings settings_;
    FlowState state_ = FlowState::CollectRoom;
    Prompt collecting_prompt_ = Prompt::Welcome;
    std::string digits_;        // what the caller typed for the current field (wiped)
    std::string room_number_;   // kept while the PIN is typed (wiped)
    bool prompt_playing_ = false;
    std::int64_t deadline_ms_ = -1;  // digit timeout; -1 while a prompt plays
    int reprompts_left_ = 0;
    int attempts_left_ = 0;
    Prompt after_prompt_ = Prompt::Welcome;  // Invalid is followed by the greeting again
    bool then_collect_ = false;
    bool bridged_ = false;
    bool consent_asked_ = false;
    bool consented_ = false;
    bool recording_ = false;
};

}  // namespace counsel::phone
