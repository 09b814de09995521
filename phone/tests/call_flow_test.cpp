// The call as the caller experiences it, driven through CallFlow with a
// recording CallActions: prompts, keys, the plugin's answers and events, time.
#include <string>
#include <vector>

#include "call_flow.hpp"
// cmocka last.
#include "cmocka_cpp.hpp"

using namespace counsel;
using namespace counsel::phone;

namespace {

struct Actions final : CallActions {
    void play(Prompt p) override { played.push_back(p); }
    void stop_prompt() override { ++stops; }
    void request(const std::string& name, Json body) override {
        requests.push_back(name);
        bodies.push_back(body);
    }
    void connect_room(int port) override { room_port = port; }
    void hang_up() override { hung_up = true; }
    std::vector<Prompt> played;
    std::vector<std::string> requests;
    std::vector<Json> bodies;
    int stops = 0;
    int room_port = 0;
    bool hung_up = false;
};

Json parse(const char* text) {
    json_error_t e;
    return Json::adopt(json_loads(text, 0, &e));
}

// One call from its start, with helpers for the steps most tests pass through.
struct Call {
    explicit Call(FlowSettings settings = {}) : f(a, settings) { f.start(now); }
    void keys(const std::string& digits) {
        for (char c : digits) f.on_digit(c, now += 200);
    }
    void knock() { keys("123456012345678901"); }
    void to_lobby() {
        knock();
        f.on_answer("phone_join", parse("{\"counsel\":\"waiting\",\"id\":1}"), now);
    }
    void to_session() {
        to_lobby();
        f.on_event(parse("{\"counsel\":\"admitted\",\"id\":1}"), now);
        f.on_answer("rtp", parse("{\"counsel\":\"rtp\",\"port\":40000}"), now);
    }
    Actions a;
    CallFlow f;
    std::int64_t now = 0;
};

void greeting_room_pin_knock_admit_bridge_end(void**) {
    Call c;
    auto& [a, f, now] = c;
    assert_true(a.played.back() == Prompt::Welcome);
    c.keys("123456");
    assert_int_equal(a.stops, 1);  // the first key stopped the greeting
    assert_true(f.state() == FlowState::CollectPin);
    assert_true(a.played.back() == Prompt::EnterPin);
    c.keys("012345678901");
    assert_true(f.state() == FlowState::Checking);
    assert_string_equal(a.requests.back().c_str(), "phone_join");
    assert_string_equal(a.bodies.back().string_at("room_number")->c_str(), "123456");
    assert_string_equal(a.bodies.back().string_at("pin")->c_str(), "012345678901");
    f.on_answer("phone_join", parse("{\"counsel\":\"waiting\",\"id\":7}"), now);
    assert_true(f.state() == FlowState::Lobby);
    assert_true(a.played.back() == Prompt::Waiting);
    c.keys("99");  // keys in the lobby do nothing
    assert_int_equal(a.requests.size(), 1);
    f.on_event(parse("{\"counsel\":\"prompt\",\"prompt\":\"wait\"}"), now);
    assert_true(a.played.back() == Prompt::PleaseWait);
    f.on_event(parse("{\"counsel\":\"admitted\",\"id\":7}"), now);
    assert_string_equal(a.requests.back().c_str(), "rtp");
    assert_true(a.played.back() == Prompt::Admitted);
    f.on_answer("rtp", parse("{\"counsel\":\"rtp\",\"port\":41234,\"payload_type\":111}"), now);
    assert_true(f.bridged());
    assert_int_equal(a.room_port, 41234);
    f.on_event(parse("{\"counsel\":\"ended\",\"reason\":\"moderator\"}"), now);
    assert_true(a.played.back() == Prompt::Ended);
    assert_false(a.hung_up);
    f.on_prompt_done(now);
    assert_true(a.hung_up);
    assert_true(f.state() == FlowState::Done);
}

void hash_ends_a_field_star_starts_it_again_and_a_short_field_is_wrong(void**) {
    Call c;
    c.keys("12*");
    c.keys("654321");
    assert_true(c.f.state() == FlowState::CollectPin);
    c.keys("123#");  // too short: the same as a wrong PIN
    assert_true(c.a.played.back() == Prompt::Invalid);
    assert_true(c.f.state() == FlowState::CollectRoom);
    c.f.on_prompt_done(c.now);
    assert_true(c.a.played.back() == Prompt::Welcome);
    assert_int_equal(c.a.requests.size(), 0);
}

void three_refusals_end_the_call(void**) {
    Call c;
    for (int i = 0; i < 3; ++i) {
        c.knock();
        c.f.on_answer("phone_join", parse("{\"counsel\":\"error\",\"error_code\":482}"), c.now);
        if (i < 2) {
            assert_true(c.a.played.back() == Prompt::Invalid);
            c.f.on_prompt_done(c.now);
            assert_true(c.a.played.back() == Prompt::Welcome);
        }
    }
    assert_true(c.a.played.back() == Prompt::TooMany);
    assert_true(c.f.state() == FlowState::Goodbye);
    c.f.on_prompt_done(c.now);
    assert_true(c.a.hung_up);
}

void plugin_refusals_have_their_own_goodbyes(void**) {
    const std::pair<int, Prompt> cases[] = {{486, Prompt::TooMany}, {485, Prompt::Locked}, {490, Prompt::InUse},
                                            {489, Prompt::Full}, {499, Prompt::Unavailable}};
    for (const auto& [code, prompt] : cases) {
        Call c;
        c.knock();
        c.f.on_answer("phone_join", parse(("{\"counsel\":\"error\",\"error_code\":" + std::to_string(code) + "}").c_str()),
                      c.now);
        assert_true(c.a.played.back() == prompt);
        assert_true(c.f.state() == FlowState::Goodbye);
    }
}

void no_keys_repeat_the_prompt_once_then_goodbye(void**) {
    FlowSettings s;
    s.digit_timeout_ms = 3000;
    Call c(s);
    auto& [a, f, now] = c;
    f.tick(now += 60'000);  // the greeting is still playing: no timeout yet
    assert_int_equal(a.played.size(), 1);
    f.on_prompt_done(now);
    f.tick(now += 2999);
    assert_int_equal(a.played.size(), 1);
    f.tick(now += 1);
    assert_int_equal(a.played.size(), 2);
    assert_true(a.played.back() == Prompt::Welcome);
    f.on_prompt_done(now);
    f.tick(now += 3000);
    assert_true(a.played.back() == Prompt::NoInput);
    f.on_prompt_done(now);
    assert_true(a.hung_up);
}

void a_goodbye_that_never_ends_still_hangs_up(void**) {
    Call c;
    c.f.on_service_lost(c.now);
    assert_true(c.a.played.back() == Prompt::Unavailable);
    c.f.tick(c.now += 29'000);
    assert_false(c.a.hung_up);
    c.f.tick(c.now += 1'000);
    assert_true(c.a.hung_up);
}

void an_answer_that_never_comes_ends_the_call(void**) {
    Call c;
    c.knock();
    assert_true(c.f.state() == FlowState::Checking);
    c.f.tick(c.now += 29'000);
    assert_true(c.f.state() == FlowState::Checking);
    c.f.tick(c.now += 1'000);
    assert_true(c.a.played.back() == Prompt::Unavailable);
}

void lobby_endings(void**) {
    const std::pair<const char*, Prompt> endings[] = {
        {"{\"counsel\":\"denied\"}", Prompt::Denied}, {"{\"counsel\":\"timeout\"}", Prompt::LobbyTimeout},
        {"{\"counsel\":\"removed\"}", Prompt::Removed}};
    for (const auto& [event, prompt] : endings) {
        Call c;
        c.to_lobby();
        c.f.on_event(parse(event), c.now);
        assert_true(c.a.played.back() == prompt);
        c.f.on_prompt_done(c.now);
        assert_true(c.a.hung_up);
    }
}

void mute_and_consent_by_keypad(void**) {
    Call c;
    c.to_session();
    auto& [a, f, now] = c;
    c.keys("12");  // nobody asked: nothing
    assert_int_equal(a.requests.size(), 2);
    f.on_event(parse("{\"counsel\":\"muted\",\"muted\":{\"audio\":true,\"video\":false}}"), now);
    assert_true(a.played.back() == Prompt::Muted);
    f.on_event(parse("{\"counsel\":\"consent_request\"}"), now);
    assert_true(a.played.back() == Prompt::Consent);
    c.keys("1");
    assert_string_equal(a.requests.back().c_str(), "consent");
    assert_true(json_is_true(a.bodies.back().field("recording")));
    assert_true(a.played.back() == Prompt::ConsentYes);
    f.on_event(parse("{\"counsel\":\"recording\",\"state\":\"recording\",\"pending\":0}"), now);
    assert_true(a.played.back() == Prompt::RecordingOn);
    c.keys("2");  // withdraws
    assert_true(json_is_false(a.bodies.back().field("recording")));
    assert_true(a.played.back() == Prompt::ConsentNo);
    f.on_event(parse("{\"counsel\":\"recording\",\"state\":\"aborted\",\"pending\":0}"), now);
    assert_true(a.played.back() == Prompt::RecordingOff);
    c.keys("2");  // nothing left to refuse
    assert_int_equal(a.requests.size(), 4);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(greeting_room_pin_knock_admit_bridge_end),
        cmocka_unit_test(hash_ends_a_field_star_starts_it_again_and_a_short_field_is_wrong),
        cmocka_unit_test(three_refusals_end_the_call),
        cmocka_unit_test(plugin_refusals_have_their_own_goodbyes),
        cmocka_unit_test(no_keys_repeat_the_prompt_once_then_goodbye),
        cmocka_unit_test(a_goodbye_that_never_ends_still_hangs_up),
        cmocka_unit_test(an_answer_that_never_comes_ends_the_call),
        cmocka_unit_test(lobby_endings),
        cmocka_unit_test(mute_and_consent_by_keypad),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
