// The SIP side of counsel-phone, with Sofia-SIP's NUA (the user agent Janus's
// SIP plugin and FreeSWITCH use): it answers INVITEs from the practice's PBX
// or SIP trunk, sends BYE, and hears BYE and CANCEL. SDP is ours (media is
// off in the NUA, sdp_media.cpp reads the offer and writes the answer).
// Nothing of a SIP message is logged: From, To, Contact and the source
// address carry the caller's number and network (Sofia's own logs and
// message dumps are switched off before it starts).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

struct su_root_s;
struct nua_s;
struct nua_handle_s;

namespace counsel::phone {

using CallId = std::uint64_t;

class SipListener {
public:
    virtual ~SipListener() = default;
    // A new call with its SDP offer (may be empty). Answer with ringing /
    // answer / reject. `trusted`: it came from an allowed source address.
    virtual void on_invite(CallId call, const std::string& offer, bool trusted) = 0;
    // The caller hung up (BYE, CANCEL) or the dialog died; `call` is gone after this.
    virtual void on_hangup(CallId call) = 0;
};

struct SipSettings {
    std::string listen;                  // a Sofia URL: sip:0.0.0.0:5060 (UDP and TCP), ;transport=udp for UDP only
    std::vector<std::string> allowed;    // source IPs allowed to call; empty: any
};

class SipAgent {
public:
    SipAgent(su_root_s* root, SipSettings settings, SipListener& listener);
    ~SipAgent();
    SipAgent(const SipAgent&) = delete;
    SipAgent& operator=(const SipAgent&) = delete;

    bool start(std::string& why);
    void ringing(CallId call);
    // 200 OK with our SDP (re-INVITEs in the dialog get the same answer).
    void answer(CallId call, const std::string& sdp);
    void reject(CallId call, int status);
    void bye(CallId call);
    // Ends every call (BYE), then the NUA; returns when it is down or after `wait_ms`.
    void shutdown(int wait_ms);
    std::size_t calls() const { return calls_.size(); }

    // Sofia's callback (public for the C trampoline only).
    void on_event(int event, int status, nua_handle_s* nh, void* hmagic, const void* sip, int callstate);

private:
    struct Call {
        nua_handle_s* nh = nullptr;
        std::string answer;  // the SDP we answered with
        bool hung_up = false;
    };
    Call* find(CallId call);
    void forget(CallId call, bool tell);

    su_root_s* root_;
    SipSettings settings_;
    SipListener& listener_;
    nua_s* nua_ = nullptr;
    bool shut_down_ = false;  // no new calls
    bool nua_down_ = false;   // the NUA finished its shutdown
    CallId next_id_ = 0;
    std::map<CallId, Call> calls_;
};

// Switches off Sofia-SIP's logging and message dumps (they would print SIP
// headers, i.e. callers' numbers). Call before anything of Sofia starts.
void silence_sofia();

}  // namespace counsel::phone
