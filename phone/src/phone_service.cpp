#include "phone_service.hpp"

#include <signal.h>
#include <sofia-sip/su_wait.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "log.hpp"

namespace counsel::phone {
namespace {

constexpr long kTickNs = 20'000'000;  // 20 ms: one G.711 packet to every caller

int wakeup(su_root_magic_t*, su_wait_t*, su_wakeup_arg_t* arg) {
    (*reinterpret_cast<std::function<void()>*>(arg))();
    return 0;
}

// Reads an eventfd or timerfd: how often it fired since the last read.
std::uint64_t drain(int fd) {
    std::uint64_t total = 0, value = 0;
    while (::read(fd, &value, sizeof(value)) == static_cast<ssize_t>(sizeof(value))) total += value;
    return total;
}

// A loop that was not scheduled for a while catches up on this many ticks at most
// (every caller's audio stays in time; a longer stall is lost, not queued).
constexpr std::uint64_t kMaxCatchUpTicks = 10;

}  // namespace

// One call: its flow, its media, its Janus handle, and what the flow asks for.
class PhoneService::Call final : public CallActions {
public:
    Call(PhoneService& service, CallId id, std::unique_ptr<CallMedia> media, FlowSettings settings)
        : service_(service), id_(id), media_(std::move(media)), flow_(*this, settings) {}

    CallFlow& flow() { return flow_; }
    CallMedia& media() { return *media_; }
    std::uint64_t handle = 0;
    bool answered = false;
    bool hang_up_requested = false;
    std::int64_t started_ms = 0;

    // The request name of a transaction this call sent, or "".
    std::string take_pending(const std::string& transaction) {
        auto it = pending_.find(transaction);
        if (it == pending_.end()) return {};
        std::string name = std::move(it->second);
        pending_.erase(it);
        return name;
    }

    // CallActions
    void play(Prompt prompt) override { media_->play(service_.prompts_.get(prompt)); }
    void stop_prompt() override { media_->stop_prompt(); }
    void request(const std::string& name, Json body) override {
        if (!handle) return;
        if (name == "phone_join") body.set("service_key", service_.config_.service_key);
        if (name == "rtp") body.set("port", media_->room_port());
        const std::string transaction = "c" + std::to_string(id_) + "-" + std::to_string(++requests_);
        pending_[transaction] = name;
        PhoneService& service = service_;
        const CallId id = id_;
        service_.janus_->message(handle, transaction, std::move(body), [&service, id] {
            service.post([&service, id] {
                auto it = service.calls_.find(id);
                if (it != service.calls_.end()) it->second->flow().on_service_lost(now_ms());
            });
        });
        log::verbose("call " + std::to_string(id_) + ": " + name);
    }
    void connect_room(int plugin_port) override {
        media_->connect_room(plugin_port);
        log::info("call " + std::to_string(id_) + ": in the session (audio both ways)");
    }
    void hang_up() override { hang_up_requested = true; }

private:
    PhoneService& service_;
    const CallId id_;
    std::unique_ptr<CallMedia> media_;
    CallFlow flow_;
    std::map<std::string, std::string> pending_;
    std::uint64_t requests_ = 0;
};

PhoneService::PhoneService(PhoneConfig config, PromptLibrary prompts)
    : config_(std::move(config)), prompts_(std::move(prompts)) {}

PhoneService::~PhoneService() {
    calls_.clear();
    janus_.reset();
    sip_.reset();
    if (root_) su_root_destroy(root_);
    for (int fd : {post_fd_, timer_fd_, signal_fd_})
        if (fd >= 0) ::close(fd);
}

std::int64_t PhoneService::now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void PhoneService::post(std::function<void()> job) {
    {
        std::lock_guard lock(posted_mutex_);
        posted_.push_back(std::move(job));
    }
    const std::uint64_t one = 1;
    (void)::write(post_fd_, &one, sizeof(one));
}

void PhoneService::drain_posted() {
    drain(post_fd_);
    std::deque<std::function<void()>> jobs;
    {
        std::lock_guard lock(posted_mutex_);
        jobs.swap(posted_);
    }
    for (auto& job : jobs) job();
}

int PhoneService::run() {
    root_ = su_root_create(nullptr);
    if (!root_) {
        log::error("cannot create the event loop");
        return 1;
    }
    post_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    timer_fd_ = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    signal_fd_ = ::signalfd(-1, &signals, SFD_NONBLOCK | SFD_CLOEXEC);
    if (post_fd_ < 0 || timer_fd_ < 0 || signal_fd_ < 0) {
        log::error("cannot create the loop's file descriptors");
        return 1;
    }
    std::function<void()> on_post = [this] { drain_posted(); };
    std::function<void()> on_timer = [this] {
        const std::uint64_t due = std::min(drain(timer_fd_), kMaxCatchUpTicks);
        for (std::uint64_t i = 0; i < due; ++i) tick();
    };
    std::function<void()> on_signal = [this] {
        signalfd_siginfo info;
        while (::read(signal_fd_, &info, sizeof(info)) == static_cast<ssize_t>(sizeof(info))) {
        }
        stopping_ = true;
        su_root_break(root_);
    };
    su_wait_t waits[3];
    const int fds[3] = {post_fd_, timer_fd_, signal_fd_};
    std::function<void()>* handlers[3] = {&on_post, &on_timer, &on_signal};
    for (int i = 0; i < 3; ++i) {
        su_wait_create(&waits[i], fds[i], SU_WAIT_IN);
        su_root_register(root_, &waits[i], wakeup, reinterpret_cast<su_wakeup_arg_t*>(handlers[i]), 0);
    }
    itimerspec every{{0, kTickNs}, {0, kTickNs}};
    timerfd_settime(timer_fd_, 0, &every, nullptr);

    sip_ = std::make_unique<SipAgent>(root_, SipSettings{config_.sip_listen, config_.allowed_sources}, *this);
    std::string why;
    if (!sip_->start(why)) {
        log::error(why);
        return 1;
    }
    janus_ = std::make_unique<JanusClient>(
        JanusSettings{config_.janus_url, config_.token_secret},
        [this](Json event) { post([this, event = std::move(event)] { on_janus_event(event); }); },
        [this] { post([] { log::info("connected to Janus"); }); },
        [this] { post([this] { on_janus_lost(); }); });
    janus_->start();
    log::info("counsel-phone is listening for SIP (" + std::to_string(config_.allowed_sources.size()) +
              " allowed source(s)), at most " + std::to_string(config_.max_calls) + " calls");

    su_root_run(root_);

    log::info("stopping: " + std::to_string(calls_.size()) + " call(s) ended");
    for (auto& [id, call] : calls_)
        if (call->handle) janus_->detach(call->handle);
    sip_->shutdown(2000);
    calls_.clear();
    janus_->stop();
    return 0;
}

void PhoneService::on_invite(CallId id, const std::string& offer, bool trusted) {
    // The reasons are logged; nothing of the INVITE is.
    if (!trusted) {
        log::warn("call " + std::to_string(id) + ": refused (403: not from an allowed source)");
        return sip_->reject(id, 403);
    }
    if (calls_.size() >= static_cast<std::size_t>(config_.max_calls)) {
        log::warn("call " + std::to_string(id) + ": refused (486: max_calls reached)");
        return sip_->reject(id, 486);
    }
    if (!janus_->ready()) {
        log::warn("call " + std::to_string(id) + ": refused (503: Janus is not reachable)");
        return sip_->reject(id, 503);
    }
    std::string why;
    auto line = read_offer(offer, why);
    if (!line) {
        log::warn("call " + std::to_string(id) + ": refused (488: " + why + ")");
        return sip_->reject(id, 488);
    }
    auto media = CallMedia::open(config_.media_address, config_.rtp_port_min, config_.rtp_port_max, why);
    if (!media) {
        log::error("call " + std::to_string(id) + ": refused (503: " + why + ")");
        return sip_->reject(id, 503);
    }
    media->set_line(*line);
    const std::string answer =
        write_answer(*line, config_.media_address, media->line_port(), static_cast<unsigned long long>(now_ms()), 1);
    FlowSettings settings;
    settings.digit_timeout_ms = config_.digit_timeout_s * 1000;
    auto call = std::make_unique<Call>(*this, id, std::move(media), settings);
    call->started_ms = now_ms();
    calls_.emplace(id, std::move(call));
    sip_->ringing(id);
    janus_->attach([this, id, answer](std::optional<std::uint64_t> handle) {
        post([this, id, answer, handle] {
            auto it = calls_.find(id);
            if (it == calls_.end()) {
                if (handle) janus_->detach(*handle);  // the caller gave up meanwhile
                return;
            }
            if (!handle) {
                log::warn("call " + std::to_string(id) + ": refused (503: no Janus handle)");
                calls_.erase(it);
                return sip_->reject(id, 503);
            }
            Call& call = *it->second;
            call.handle = *handle;
            by_handle_[*handle] = id;
            sip_->answer(id, answer);
            call.answered = true;
            call.flow().start(now_ms());
            log::info("call " + std::to_string(id) + ": answered");
        });
    });
}

void PhoneService::on_hangup(CallId id) {
    auto it = calls_.find(id);
    if (it == calls_.end()) return;
    log::info("call " + std::to_string(id) + ": the caller hung up (" + flow_state_name(it->second->flow().state()) +
              ", " + std::to_string((now_ms() - it->second->started_ms) / 1000) + " s)");
    finish(id, false, nullptr);
}

void PhoneService::finish(CallId id, bool send_bye, const char* why) {
    auto it = calls_.find(id);
    if (it == calls_.end()) return;
    Call& call = *it->second;
    if (why)
        log::info("call " + std::to_string(id) + ": " + why + " (" + std::to_string((now_ms() - call.started_ms) / 1000) +
                  " s)");
    const MediaCounts& c = call.media().counts();
    const ConferenceMix::Counts& m = call.media().mix_counts();
    log::verbose("call " + std::to_string(id) + ": line " + std::to_string(c.line_in) + " in / " +
                 std::to_string(c.line_out) + " out, room " + std::to_string(c.room_in) + " in / " +
                 std::to_string(c.room_out) + " out; mix " + std::to_string(m.frames) + " frames, " +
                 std::to_string(m.underruns) + " underruns, " + std::to_string(m.concealed) + " concealed, " +
                 std::to_string(m.late) + " late, " + std::to_string(m.dropped) + " dropped");
    // Detaching is leaving: the plugin seats nobody on a detached handle.
    if (call.handle) {
        janus_->detach(call.handle);
        by_handle_.erase(call.handle);
    }
    calls_.erase(it);
    if (send_bye) sip_->bye(id);
}

void PhoneService::tick() {
    const std::int64_t now = now_ms();
    std::vector<CallId> done;
    for (auto& [id, call] : calls_) {
        if (!call->answered) continue;
        const FlowState before = call->flow().state();
        const CallMedia::Tick t = call->media().tick();
        for (char digit : t.digits) call->flow().on_digit(digit, now);
        if (t.prompt_ended) call->flow().on_prompt_done(now);
        call->flow().tick(now);
        // States and counts only: never the keys themselves.
        if (!t.digits.empty()) log::verbose("call " + std::to_string(id) + ": " + std::to_string(t.digits.size()) + " key(s)");
        if (call->flow().state() != before)
            log::verbose("call " + std::to_string(id) + ": " + flow_state_name(before) + " -> " +
                         flow_state_name(call->flow().state()));
        if (call->hang_up_requested) done.push_back(id);
    }
    for (CallId id : done) finish(id, true, "hung up by counsel-phone");
}

void PhoneService::on_janus_event(const Json& event) {
    json_t* sender = event.field("sender");
    if (!json_is_integer(sender)) return;
    auto found = by_handle_.find(static_cast<std::uint64_t>(json_integer_value(sender)));
    if (found == by_handle_.end()) return;
    auto it = calls_.find(found->second);
    if (it == calls_.end()) return;
    Call& call = *it->second;
    const std::string kind = event.string_at("janus").value_or("");
    if (kind == "detached" || kind == "hangup") return call.flow().on_service_lost(now_ms());
    if (kind != "event") return;
    const Json data = Json::borrow(json_object_get(event.field("plugindata"), "data"));
    if (!data) return;
    const std::string request = call.take_pending(event.string_at("transaction").value_or(""));
    const std::string counsel = data.string_at("counsel").value_or("");
    if (!request.empty()) {
        log::verbose("call " + std::to_string(found->second) + ": " + request + " -> " + counsel);
        call.flow().on_answer(request, data, now_ms());
    } else {
        log::verbose("call " + std::to_string(found->second) + ": event " + counsel);
        call.flow().on_event(data, now_ms());
    }
    if (counsel == "waiting") log::info("call " + std::to_string(found->second) + ": waits in the lobby");
    if (counsel == "admitted") log::info("call " + std::to_string(found->second) + ": admitted");
}

void PhoneService::on_janus_lost() {
    log::warn("lost the Janus session: " + std::to_string(calls_.size()) + " call(s) told the service is unavailable");
    by_handle_.clear();
    for (auto& [id, call] : calls_) {
        call->handle = 0;
        call->flow().on_service_lost(now_ms());
    }
}

}  // namespace counsel::phone
