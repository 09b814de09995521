// The core's C API (counsel_capi.h): the one place that wires the core to
// Janus (through the shim's gateway ops) and to the SQLite ledger. Every entry
// point catches everything: no exception crosses into C.
#include "counsel_capi.h"

#include <grp.h>
#include <sodium.h>
#include <unistd.h>

#include <cstring>
#include <exception>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/gateway.hpp"
#include "core/json_wipe.hpp"
#include "core/profile.hpp"
#include "core/room_thread.hpp"
#include "transports/webhook_sender.hpp"
#include "media/media_sessions.hpp"
#include "media/media_stats.hpp"
#include "recording/mjr_sink.hpp"
#include "recording/recorder.hpp"
#include "store/room_ledger_factory.hpp"
#include "transports/private_fs.hpp"

namespace {

using namespace counsel;

// Gateway over the shim's function table; events also go to the webhook when one is set.
class ShimGateway final : public Gateway {
public:
    ShimGateway(const counsel_gateway_ops& ops, transports::WebhookSender* webhook) : ops_(ops), webhook_(webhook) {}
    void push_event(HandleId handle, const std::string& transaction, const Json& event) override {
        ops_.push_event(ops_.ctx, handle, transaction.empty() ? nullptr : transaction.c_str(), event.get(), nullptr);
    }
    void close_pc(HandleId handle) override { ops_.close_pc(ops_.ctx, handle); }
    void notify_event(const Json& event) override {
        if (ops_.events_enabled && ops_.events_enabled(ops_.ctx)) ops_.notify_event(ops_.ctx, 0, event.get());
        if (webhook_) webhook_->post(event.dump());
    }
    void log(Level level, const std::string& line) override {
        if (ops_.log) ops_.log(ops_.ctx, static_cast<int>(level), line.c_str());
    }

private:
    counsel_gateway_ops ops_;
    transports::WebhookSender* webhook_;
};

struct Plugin {
    SystemClock clock;
    // Before the gateway, which posts to it. Null without events_url.
    std::unique_ptr<transports::WebhookSender> webhook;
    std::unique_ptr<ShimGateway> gateway;
    std::unique_ptr<RoomLedger> ledger;
    // Declared before the media layer and the thread: both call it until they stop.
    // Null when recording is off (rooms then answer `record` with 487).
    std::unique_ptr<recording::MjrSinkFactory> sinks;
    std::unique_ptr<recording::Recorder> recorder;
    // Declared before the thread: the room thread calls it until it stops.
    std::unique_ptr<media::MediaLayer> media;
    std::unique_ptr<RoomThread> thread;
};

// Janus threads read `plugin` under a shared lock; start/stop take it exclusively.
std::shared_mutex plugin_mutex;
std::unique_ptr<Plugin> plugin;

constexpr int kAdminTimeoutMs = 2000;
// Janus calls query_session holding the handle's lock; the room thread may need
// that lock to push an event to the same handle, so wait only briefly.
constexpr int kQueryHandleTimeoutMs = 200;

void write_error(char* out, std::size_t len, const std::string& text) {
    if (!out || len == 0) return;
    std::strncpy(out, text.c_str(), len - 1);
    out[len - 1] = '\0';
}

Config config_from(const counsel_settings& s) {
    Config c;
    if (s.state_db && *s.state_db) c.state_db = s.state_db;
    if (s.rec_dir && *s.rec_dir) c.rec_dir = s.rec_dir;
    if (s.events_url) c.events_url = s.events_url;
    if (s.notice_text && *s.notice_text) c.notice_text = s.notice_text;
    if (s.max_duration_s != COUNSEL_UNSET) c.max_duration_s = s.max_duration_s;
    if (s.lobby_timeout_s != COUNSEL_UNSET) c.lobby_timeout_s = s.lobby_timeout_s;
    if (s.idle_end_s != COUNSEL_UNSET) c.idle_end_s = s.idle_end_s;
    if (s.max_participants != COUNSEL_UNSET) c.max_participants = s.max_participants;
    if (s.max_advance_s != COUNSEL_UNSET) c.max_advance_s = s.max_advance_s;
    if (s.phone_number) c.phone_number = s.phone_number;
    if (s.phone_service_key_hash) c.phone_service_key_hash = s.phone_service_key_hash;
    if (s.reconnect_grace_s != COUNSEL_UNSET) c.reconnect_grace_s = s.reconnect_grace_s;
    if (s.profile) c.profile = s.profile;
    for (std::size_t i = 0; i < s.practitioners_count; ++i) {
        const counsel_practitioner& p = s.practitioners[i];
        c.practitioners.push_back({p.id ? p.id : "", p.key_hash ? p.key_hash : ""});
    }
    return c;
}

// The recorder's settings, or nullopt with `problem` set (an invalid value:
// the plugin does not start, as with any other invalid option).
constexpr std::int64_t kDefaultRetentionDays = 7;
// Long enough for a slow phone to answer, short enough that a stuck one does
// not keep the others' streams from it for long.
constexpr std::int64_t kDefaultOfferTimeoutS = 15;
// Recordings are health data on the server, and their link files and state
// are metadata about a session: neither outlives the three months German rules
// allow for metadata of video consultations. The practice's archive is
// elsewhere (rec_webdav_url).
constexpr std::int64_t kMaxRetentionDays = 90;

std::optional<recording::RecorderSettings> recorder_settings_from(const counsel_settings& s, const Config& config,
                                                                  std::string& problem) {
    recording::RecorderSettings out;
    out.rec_dir = config.rec_dir;
    out.retention_days = kDefaultRetentionDays;
    if (s.rec_retention_days != COUNSEL_UNSET && s.rec_retention_days != 0) {
        if (s.rec_retention_days < 1 || s.rec_retention_days > kMaxRetentionDays) {
            problem = "rec_retention_days must be 1 .. " + std::to_string(kMaxRetentionDays);
            return std::nullopt;
        }
        out.retention_days = s.rec_retention_days;
    }
    if (!out.rec_dir.empty() && out.rec_dir[0] != '/') {
        problem = "rec_dir must be an absolute path";
        return std::nullopt;
    }
    if (s.rec_reader_group && *s.rec_reader_group) {
        // The page server's group (README "Install"): looked up once, here.
        struct group entry {};
        struct group* found = nullptr;
        std::vector<char> buffer(16384);
        if (::getgrnam_r(s.rec_reader_group, &entry, buffer.data(), buffer.size(), &found) != 0 || !found) {
            problem = "rec_reader_group: no such group (the .deb makes janus-counsel-web; else "
                      "adduser --system --group janus-counsel-web)";
            return std::nullopt;
        }
        out.reader_group = static_cast<unsigned>(found->gr_gid);
    }
    if (s.rec_webdav_url && *s.rec_webdav_url) {
        transports::WebdavTarget target;
        target.url = s.rec_webdav_url;
        if (!transports::WebdavUploader::valid_url(target.url, problem)) return std::nullopt;
        target.user = s.rec_webdav_user ? s.rec_webdav_user : "";
        target.password = s.rec_webdav_password ? s.rec_webdav_password : "";
        if (target.user.empty() != target.password.empty()) {
            problem = "rec_webdav_user and rec_webdav_password go together";
            return std::nullopt;
        }
        out.webdav = std::move(target);
    }
    return out;
}

// Under a profile without recording nothing is ever written to rec_dir, so
// nothing there would ever expire either: recordings left from before the
// profile must be dealt with first (README "KBV profile").
std::optional<std::string> unrecorded_leftovers(const Config& config) {
    if (!transports::is_dir(config.rec_dir)) return std::nullopt;
    for (const std::string& name : transports::list_dir(config.rec_dir)) {
        const std::string path = config.rec_dir + "/" + name;
        if (name == "_links" && transports::is_dir(path) && transports::list_dir(path).empty()) continue;
        return "profile " + std::string(profile_name(config.profile_kind())) + " records nothing, but rec_dir " +
               config.rec_dir + " still holds recordings (or their links) that would then never expire: "
               "move them away or delete them, or start without the profile until their retention ends";
    }
    return std::nullopt;
}

// Starts the recorder, or explains (for the log) why this server records nothing.
std::unique_ptr<recording::Recorder> start_recorder(const recording::RecorderSettings& settings,
                                                    recording::TrackSinkFactory& sinks, Gateway& gateway) {
    std::string why;
    for (const std::string* tool : {&settings.tools.pp_rec, &settings.tools.ffmpeg, &settings.tools.ffprobe}) {
        if (::access(tool->c_str(), X_OK) != 0) {
            gateway.log(Gateway::Level::Error, "[counsel] recording is off: " + *tool +
                                                   " is missing (apt-get install janus-tools ffmpeg)");
            return nullptr;
        }
    }
    if (!recording::MjrSinkFactory::usable(settings.rec_dir, why)) {
        gateway.log(Gateway::Level::Error, "[counsel] recording is off: " + why);
        return nullptr;
    }
    auto recorder = std::make_unique<recording::Recorder>(settings, sinks, gateway);
    if (!recorder->start(why)) {
        gateway.log(Gateway::Level::Error, "[counsel] recording is off: " + why);
        return nullptr;
    }
    return recorder;
}

// Runs `fn` on the plugin if it is started; swallows every exception.
template <typename Fn>
void with_plugin(Fn&& fn) {
    try {
        std::shared_lock lock(plugin_mutex);
        if (plugin && plugin->thread) fn(*plugin);
    } catch (...) {
        // Nothing may cross into C; the request is lost and the client times out.
    }
}

}  // namespace

extern "C" int counsel_start(const counsel_settings* settings, const counsel_gateway_ops* ops, char* error,
                             std::size_t error_len) {
    try {
        if (!settings || !ops || !ops->push_event || !ops->close_pc || !ops->notify_event) {
            write_error(error, error_len, "counsel_start needs settings and gateway ops");
            return -1;
        }
        if (sodium_init() < 0) {
            write_error(error, error_len, "libsodium could not be initialised");
            return -1;
        }
        Config config = config_from(*settings);
        if (auto problem = config.problem()) {
            write_error(error, error_len, "invalid configuration: " + *problem);
            return -1;
        }
        std::string rec_problem;
        auto recorder_settings = recorder_settings_from(*settings, config, rec_problem);
        if (!recorder_settings) {
            write_error(error, error_len, "invalid configuration: " + rec_problem);
            return -1;
        }
        const bool may_record = profile_allows_recording(config.profile_kind());
        if (!may_record && recorder_settings->webdav) {
            write_error(error, error_len, std::string("invalid configuration: profile ") +
                                              profile_name(config.profile_kind()) +
                                              " records nothing: remove rec_webdav_url");
            return -1;
        }
        if (!may_record) {
            if (auto leftovers = unrecorded_leftovers(config)) {
                write_error(error, error_len, "invalid configuration: " + *leftovers);
                return -1;
            }
        }
        std::int64_t offer_timeout_s = kDefaultOfferTimeoutS;
        if (settings->offer_timeout_s != COUNSEL_UNSET) {
            if (settings->offer_timeout_s < 2 || settings->offer_timeout_s > 300) {
                write_error(error, error_len, "invalid configuration: offer_timeout_s must be 2 .. 300");
                return -1;
            }
            offer_timeout_s = settings->offer_timeout_s;
        }
        std::optional<transports::WebhookSettings> webhook_settings;
        if (!config.events_url.empty()) {
            transports::WebhookSettings w;
            w.url = config.events_url;
            w.secret = settings->events_secret ? settings->events_secret : "";
            std::string why;
            if (!transports::WebhookSender::valid(w, why)) {
                write_error(error, error_len, "invalid configuration: " + why);
                return -1;
            }
            webhook_settings = std::move(w);
        }
        std::unique_lock lock(plugin_mutex);
        if (plugin) {
            write_error(error, error_len, "the core is already started");
            return -1;
        }
        auto fresh = std::make_unique<Plugin>();
        if (webhook_settings) fresh->webhook = std::make_unique<transports::WebhookSender>(std::move(*webhook_settings));
        fresh->gateway = std::make_unique<ShimGateway>(*ops, fresh->webhook.get());
        if (fresh->webhook) fresh->gateway->log(Gateway::Level::Info, "[counsel] room events also go to events_url (signed)");
        LedgerSettings store;
        if (settings->store && *settings->store) store.store = settings->store;
        store.state_db = config.state_db;
        if (settings->postgres_conninfo) store.postgres_conninfo = settings->postgres_conninfo;
        if (settings->node_id) store.node_id = settings->node_id;
        OpenedLedger opened = open_room_ledger(store);
        if (!opened.ledger) {
            write_error(error, error_len, opened.error);
            return -1;
        }
        fresh->ledger = std::move(opened.ledger);
        if (store.store == "postgres")
            fresh->gateway->log(Gateway::Level::Info, "[counsel] room ledger: PostgreSQL, shared, this node is " +
                                                          store.node_id);
        if (int swept = opened.tombstoned_at_open)
            fresh->gateway->log(Gateway::Level::Warn, "[counsel] " + std::to_string(swept) +
                                                          " room(s) left live by an unclean stop are now tombstoned");
        // Recording: leftovers of a crash are classified (and queued for
        // finalization) before any room can exist.
        if (may_record) {
            fresh->sinks = std::make_unique<recording::MjrSinkFactory>();
            fresh->recorder = start_recorder(*recorder_settings, *fresh->sinks, *fresh->gateway);
        } else {
            fresh->gateway->log(Gateway::Level::Info,
                                std::string("[counsel] profile ") + profile_name(config.profile_kind()) +
                                    ": every room end-to-end encrypted, recording off (nothing is written to "
                                    "rec_dir), no knock chime by default");
        }
        fresh->media = std::make_unique<media::MediaLayer>(*fresh->gateway);
        fresh->media->set_offer_timeout_ms(offer_timeout_s * 1000);
        if (fresh->recorder) fresh->media->set_recording_tap(fresh->recorder.get());
        fresh->thread = std::make_unique<RoomThread>(std::move(config), *fresh->gateway, *fresh->ledger, fresh->clock,
                                                     fresh->media.get(), fresh->recorder.get());
        fresh->media->set_poster([thread = fresh->thread.get()](std::function<void()> job) {
            thread->post([job = std::move(job)](CounselService&) { job(); });
        });
        plugin = std::move(fresh);
        return 0;
    } catch (const std::exception& e) {
        write_error(error, error_len, std::string("the core could not start: ") + e.what());
    } catch (...) {
        write_error(error, error_len, "the core could not start");
    }
    return -1;
}

extern "C" void counsel_stop(void) {
    try {
        std::unique_ptr<Plugin> old;
        {
            std::unique_lock lock(plugin_mutex);
            old = std::move(plugin);
        }
        if (old && old->thread) old->thread->stop();
        // After the room thread: queued media events are delivered, the RTP path forwards nothing more.
        if (old && old->media) old->media->stop();
        // Last: finalizations the end of the rooms queued are taken up again at the next start.
        if (old && old->recorder) old->recorder->stop();
        // Events of the rooms that just ended still go out (bounded wait).
        if (old && old->webhook) {
            old->webhook->wait_idle(3000);
            old->webhook->stop();
        }
    } catch (...) {
    }
}

extern "C" void counsel_handle_attached(uint64_t handle) {
    with_plugin([&](Plugin& p) { p.thread->post([handle](CounselService& s) { s.attach(handle); }); });
}

extern "C" void counsel_handle_detached(uint64_t handle) {
    with_plugin([&](Plugin& p) { p.thread->post([handle](CounselService& s) { s.detach(handle); }); });
}

extern "C" void counsel_handle_message(uint64_t handle, const char* transaction, json_t* body, json_t* jsep) {
    with_plugin([&](Plugin& p) {
        // Copies: Janus frees the originals as soon as we return. Both are
        // wiped once used (names and credentials must not linger in freed heap).
        std::string txn = transaction ? transaction : "";
        Json copy = body ? Json::adopt(json_deep_copy(body)) : Json();
        Json jsep_copy = jsep ? Json::adopt(json_deep_copy(jsep)) : Json();
        if (body) wipe_json_strings(body);
        p.thread->post([handle, txn = std::move(txn), copy = std::move(copy), jsep_copy = std::move(jsep_copy)](
                           CounselService& s) {
            s.handle(handle, txn, copy, jsep_copy);
            wipe_json_strings(copy.get());
        });
    });
}

extern "C" void counsel_media_up(uint64_t handle) {
    with_plugin([&](Plugin& p) {
        p.thread->post([media = p.media.get(), handle](CounselService& s) {
            media->media_up(handle);
            s.media_up(handle);
        });
    });
}

extern "C" void counsel_media_down(uint64_t handle) {
    with_plugin([&](Plugin& p) {
        p.thread->post([media = p.media.get(), handle](CounselService& s) {
            media->media_down(handle);
            s.media_down(handle);
        });
    });
}

extern "C" json_t* counsel_admin_message(json_t*) {
    try {
        auto out = std::make_shared<Json>(Json::object());
        bool answered = false;
        with_plugin([&](Plugin& p) {
            answered = p.thread->call(
                [out](CounselService& s) {
                    const ServiceStats st = s.stats();
                    out->set("counsel", "stats")
                        .set("rooms", static_cast<std::int64_t>(st.rooms))
                        .set("lobby", static_cast<std::int64_t>(st.lobby))
                        .set("admitted", static_cast<std::int64_t>(st.admitted))
                        .set("handles", static_cast<std::int64_t>(st.handles))
                        .set("rooms_created", st.rooms_created)
                        .set("rooms_ended", st.rooms_ended)
                        .set("attempts", Json::object()
                                             .set("create_refused", st.attempts.create_refused)
                                             .set("create_limited", st.attempts.create_limited)
                                             .set("join_refused", st.attempts.join_refused)
                                             .set("join_limited", st.attempts.join_limited)
                                             .set("argon2id_checks", st.attempts.argon2id_checks));
                },
                kAdminTimeoutMs);
            if (answered) {
                out->set("media", media::media_totals());
                // Counts only; "recording": null when this server does not record.
                if (!p.recorder) {
                    out->set("recording", Json::adopt(json_null()));
                } else {
                    const recording::RecorderStats r = p.recorder->stats();
                    out->set("recording", Json::object()
                                              .set("spans_started", r.spans_started)
                                              .set("tracks_opened", r.tracks_opened)
                                              .set("discarded", r.discarded)
                                              .set("finalized", r.finalized)
                                              .set("write_failures", r.write_failures)
                                              .set("finalize_failed", r.finalize_failed)
                                              .set("finalize_retried", r.finalize_retried)
                                              .set("finalize_waiting", r.finalize_waiting)
                                              .set("recovered", r.recovered)
                                              .set("deleted_at_start", r.deleted_at_start)
                                              .set("expired", r.expired)
                                              .set("uploaded", r.uploaded)
                                              .set("upload_failed", r.upload_failed)
                                              .set("last_finalize_ms", r.last_finalize_ms)
                                              .set("last_recording_ms", r.last_recording_ms)
                                              .set("links", static_cast<std::int64_t>(p.recorder->links().count())));
                }
            }
        });
        if (!answered)
            return json_pack("{s:s, s:i, s:s}", "counsel", "error", "error_code", 499, "error", "the core did not answer");
        return out->release();
    } catch (...) {
        return nullptr;
    }
}

extern "C" json_t* counsel_query_handle(uint64_t handle) {
    try {
        auto out = std::make_shared<Json>(Json::object());
        bool answered = false;
        with_plugin([&](Plugin& p) {
            answered = p.thread->call([out, handle](CounselService& s) { *out = s.describe_handle(handle); },
                                      kQueryHandleTimeoutMs);
        });
        // After a timeout the job may still run: leave `out` to it.
        if (!answered) return json_pack("{s:s}", "state", "unknown");
        // The media counts come from the RTP path's snapshot, not the room thread.
        out->set("media", media::describe_handle_media(handle));
        return out->release();
    } catch (...) {
        return nullptr;
    }
}
