// counsel-phone's loop: one thread (Sofia's su_root) runs SIP, every call's
// flow and, every 20 ms (a timerfd), every call's media. The Janus client's
// threads post what they hear into it (an eventfd), so no call state is ever
// touched by two threads.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "call_flow.hpp"
#include "call_media.hpp"
#include "janus_client.hpp"
#include "phone_config.hpp"
#include "prompts.hpp"
#include "sip_agent.hpp"

struct su_root_s;

namespace counsel::phone {

class PhoneService final : public SipListener {
public:
    PhoneService(PhoneConfig config, PromptLibrary prompts);
    ~PhoneService() override;
    PhoneService(const PhoneService&) = delete;
    PhoneService& operator=(const PhoneService&) = delete;

    // Runs until SIGTERM or SIGINT; returns the exit status.
    int run();

    // SipListener
    void on_invite(CallId call, const std::string& offer, bool trusted) override;
    void on_hangup(CallId call) override;

private:
    class Call;
    friend class Call;

    void post(std::function<void()> job);  // any thread
    void drain_posted();
    void tick();
    void on_janus_event(const Json& event);
    void on_janus_lost();
    void attached(CallId id, std::optional<std::uint64_t> handle);
    // Ends the call on our side: BYE (unless the caller is gone), handle detached, media closed.
    void finish(CallId id, bool send_bye, const char* why);
    static std::int64_t now_ms();

    PhoneConfig config_;
    PromptLibrary prompts_;
    su_root_s* root_ = nullptr;
    std::unique_ptr<SipAgent> sip_;
    std::unique_ptr<JanusClient> janus_;
    std::map<CallId, std::unique_ptr<Call>> calls_;
    std::unordered_map<std::uint64_t, CallId> by_handle_;

    std::mutex posted_mutex_;
    std::deque<std::function<void()>> posted_;
    int post_fd_ = -1;
    int timer_fd_ = -1;
    int signal_fd_ = -1;
    bool stopping_ = false;
};

}  // namespace counsel::phone
