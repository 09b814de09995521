#include "sip_agent.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sofia-sip/msg_addr.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_log.h>
#include <sofia-sip/su_wait.h>

#include <chrono>
#include <cstdlib>
#include <cstring>

extern "C" {
// Sofia's per-module logs (exported by libsofia-sip-ua, declared in its private headers).
extern su_log_t nua_log[], nta_log[], tport_log[], soa_log[], nea_log[], iptsec_log[], sresolv_log[], stun_log[],
    nth_client_log[], nth_server_log[];
}

namespace counsel::phone {
namespace {

void discard(void*, const char*, va_list) {}

void trampoline(nua_event_t event, int status, const char*, nua_t*, nua_magic_t* magic, nua_handle_t* nh,
                nua_hmagic_t* hmagic, const sip_t* sip, tagi_t tags[]) {
    const tagi_t* state = tl_find(tags, nutag_callstate);
    static_cast<SipAgent*>(magic)->on_event(event, status, nh, hmagic, sip,
                                            state ? static_cast<int>(state->t_value) : -1);
}

// The source address of the request being handled, as text (never logged).
std::string source_ip(nua_t* nua) {
    msg_t* msg = nua_current_request(nua);
    su_addrinfo_t* ai = msg ? msg_addrinfo(msg) : nullptr;
    char text[INET6_ADDRSTRLEN] = "";
    if (ai && ai->ai_addr && ai->ai_family == AF_INET)
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(ai->ai_addr)->sin_addr, text, sizeof(text));
    else if (ai && ai->ai_addr && ai->ai_family == AF_INET6)
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(ai->ai_addr)->sin6_addr, text, sizeof(text));
    return text;
}

CallId id_of(void* hmagic) { return static_cast<CallId>(reinterpret_cast<std::uintptr_t>(hmagic)); }
void* magic_of(CallId id) { return reinterpret_cast<void*>(static_cast<std::uintptr_t>(id)); }

}  // namespace

void silence_sofia() {
    for (const char* name : {"SOFIA_DEBUG", "SU_DEBUG", "NUA_DEBUG", "NTA_DEBUG", "NTH_DEBUG", "TPORT_DEBUG",
                             "TPORT_LOG", "TPORT_DUMP", "TPORT_CAPT", "SOA_DEBUG", "NEA_DEBUG", "IPTSEC_DEBUG",
                             "SRESOLV_DEBUG", "STUN_DEBUG"})
        ::unsetenv(name);
    su_log_t* logs[] = {su_log_default, su_log_global, nua_log, nta_log, tport_log, soa_log, nea_log, iptsec_log,
                        sresolv_log, stun_log, nth_client_log, nth_server_log};
    for (su_log_t* log : logs) {
        su_log_redirect(log, discard, nullptr);
        su_log_set_level(log, 0);
    }
}

SipAgent::SipAgent(su_root_s* root, SipSettings settings, SipListener& listener)
    : root_(root), settings_(std::move(settings)), listener_(listener) {}

SipAgent::~SipAgent() {
    if (nua_) nua_destroy(nua_);
}

bool SipAgent::start(std::string& why) {
    // What a plain phone leg needs: INVITE/ACK/BYE/CANCEL/OPTIONS, no reliable
    // provisional responses, no session timer of ours (a re-INVITE from the
    // PBX gets the same answer), no MESSAGE or SUBSCRIBE.
    nua_ = nua_create(root_, trampoline, this, NUTAG_URL(settings_.listen.c_str()), NUTAG_MEDIA_ENABLE(0),
                      NUTAG_AUTOANSWER(0), NUTAG_AUTOALERT(0), NUTAG_ENABLEMESSAGE(0), NUTAG_SESSION_TIMER(0),
                      SIPTAG_ALLOW_STR("INVITE, ACK, BYE, CANCEL, OPTIONS"), SIPTAG_SUPPORTED(nullptr),
                      SIPTAG_USER_AGENT_STR("counsel-phone"), TAG_NULL());
    if (!nua_) {
        why = "cannot listen for SIP on " + settings_.listen + " (address in use, or not an address of this machine)";
        return false;
    }
    return true;
}

SipAgent::Call* SipAgent::find(CallId call) {
    auto it = calls_.find(call);
    return it == calls_.end() ? nullptr : &it->second;
}

void SipAgent::ringing(CallId call) {
    if (Call* c = find(call)) nua_respond(c->nh, SIP_180_RINGING, TAG_END());
}

void SipAgent::answer(CallId call, const std::string& sdp) {
    Call* c = find(call);
    if (!c) return;
    c->answer = sdp;
    nua_respond(c->nh, SIP_200_OK, SIPTAG_CONTENT_TYPE_STR("application/sdp"), SIPTAG_PAYLOAD_STR(c->answer.c_str()),
                TAG_END());
}

void SipAgent::reject(CallId call, int status) {
    Call* c = find(call);
    if (!c) return;
    nua_respond(c->nh, status, sip_status_phrase(status), TAG_END());
    c->hung_up = true;
}

void SipAgent::bye(CallId call) {
    Call* c = find(call);
    if (!c || c->hung_up) return;
    c->hung_up = true;
    nua_bye(c->nh, TAG_END());
}

void SipAgent::forget(CallId call, bool tell) {
    auto it = calls_.find(call);
    if (it == calls_.end()) return;
    nua_handle_bind(it->second.nh, nullptr);
    nua_handle_destroy(it->second.nh);
    calls_.erase(it);
    if (tell) listener_.on_hangup(call);
}

void SipAgent::on_event(int event, int status, nua_handle_s* nh, void* hmagic, const void* raw_sip, int callstate) {
    const sip_t* sip = static_cast<const sip_t*>(raw_sip);
    switch (event) {
        case nua_i_invite: {
            if (hmagic) {  // a re-INVITE in the dialog (session refresh, hold): the same answer
                if (Call* c = find(id_of(hmagic)); c && !c->answer.empty())
                    nua_respond(nh, SIP_200_OK, SIPTAG_CONTENT_TYPE_STR("application/sdp"),
                                SIPTAG_PAYLOAD_STR(c->answer.c_str()), TAG_END());
                else
                    nua_respond(nh, SIP_491_REQUEST_PENDING, TAG_END());
                return;
            }
            if (shut_down_) {
                nua_respond(nh, SIP_503_SERVICE_UNAVAILABLE, TAG_END());
                nua_handle_destroy(nh);
                return;
            }
            const std::string source = source_ip(nua_);
            bool trusted = settings_.allowed.empty();
            for (const auto& ip : settings_.allowed) trusted = trusted || ip == source;
            const CallId id = ++next_id_;
            calls_[id] = Call{nh, {}, false};
            nua_handle_bind(nh, magic_of(id));
            std::string offer;
            if (sip && sip->sip_payload && sip->sip_payload->pl_data)
                offer.assign(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
            listener_.on_invite(id, offer, trusted);
            return;
        }
        case nua_i_state:
            // The end of a dialog, whoever ended it: BYE either way, CANCEL, a final error.
            if (hmagic && callstate == nua_callstate_terminated) forget(id_of(hmagic), true);
            return;
        case nua_i_bye:
        case nua_i_cancel:
            if (hmagic) forget(id_of(hmagic), true);
            return;
        case nua_r_bye:
            if (hmagic && status >= 200) forget(id_of(hmagic), true);
            return;
        case nua_r_shutdown:
            if (status >= 200) nua_down_ = true;
            return;
        default:
            return;
    }
}

void SipAgent::shutdown(int wait_ms) {
    if (!nua_ || shut_down_) return;
    std::vector<CallId> ids;
    for (const auto& [id, call] : calls_) ids.push_back(id);
    for (CallId id : ids) bye(id);
    shut_down_ = true;  // refuse new calls from now on
    nua_shutdown(nua_);
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
    while (!nua_down_ && std::chrono::steady_clock::now() < until) su_root_step(root_, 100);
}

}  // namespace counsel::phone
