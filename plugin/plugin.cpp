// The composition root: the one place that builds the parts (webhook, room
// ledger, recorder, media layer, room thread) and wires them to each other
// and to Janus (janus/). Rules live in core/, checks of configured values in
// core::Config::problem().
#include "plugin.hpp"

#include <sodium.h>

#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <shared_mutex>

#include "core/clock.hpp"
#include "core/json_wipe.hpp"
#include "core/profile.hpp"
#include "core/room_thread.hpp"
#include "janus/janus_gateway.hpp"
#include "media/media_layer.hpp"
#include "media/media_stats.hpp"
#include "recording/mjr_sink.hpp"
#include "recording/recorder.hpp"
#include "recording/recorder_setup.hpp"
#include "store/room_ledger_factory.hpp"
#include "events/webhook_sender.hpp"

namespace counsel::plugin {
namespace {

struct Parts {
    SystemClock clock;
    // Before the gateway, which posts to it. Null without events_url.
    std::unique_ptr<events::WebhookSender> webhook;
    std::unique_ptr<janus::JanusGateway> gateway;
    std::unique_ptr<RoomLedger> ledger;
    // Declared before the media layer and the thread: both call it until they stop.
    // Null when recording is off (rooms then answer `record` with 487).
    std::unique_ptr<recording::MjrSinkFactory> sinks;
    std::unique_ptr<recording::Recorder> recorder;
    // Declared before the thread: the room thread calls it until it stops.
    std::unique_ptr<media::MediaLayer> media;
    std::unique_ptr<RoomThread> thread;
};

// Janus threads read `parts` under a shared lock; start/stop take it exclusively.
std::shared_mutex parts_mutex;
std::unique_ptr<Parts> parts;

constexpr int kAdminTimeoutMs = 2000;
// Janus calls query_session holding the handle's lock; the room thread may need
// that lock to push an event to the same handle, so wait only briefly.
constexpr int kQueryHandleTimeoutMs = 200;

// Runs `fn` on the parts if the plugin is started.
template <typename Fn>
void with_parts(Fn&& fn) {
    std::shared_lock lock(parts_mutex);
    if (parts && parts->thread) fn(*parts);
}

// Starts the recorder, or explains (for the log) why this server records nothing.
std::unique_ptr<recording::Recorder> start_recorder(const recording::RecorderSettings& settings,
                                                    recording::TrackSinkFactory& sinks, Gateway& gateway) {
    std::string why;
    if (auto tool = recording::missing_tool(settings.tools)) {
        gateway.log(Gateway::Level::Error,
                    "[counsel] recording is off: " + *tool + " is missing (apt-get install janus-tools ffmpeg)");
        return nullptr;
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

Json to_json(const ServiceStats& st) {
    return Json::object()
        .set("counsel", "stats")
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
}

// Counts only; null when this server does not record.
Json recording_json(recording::Recorder* recorder) {
    if (!recorder) return Json::adopt(json_null());
    const recording::RecorderStats r = recorder->stats();
    return Json::object()
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
        .set("links", static_cast<std::int64_t>(recorder->links().count()));
}

}  // namespace

bool start(Config config, janus::HandleRegistry& handles, std::string& error) {
    if (sodium_init() < 0) {
        error = "libsodium could not be initialised";
        return false;
    }
    if (auto problem = config.problem()) {
        error = "invalid configuration: " + *problem;
        return false;
    }
    const bool may_record = profile_allows_recording(config.profile_kind());
    std::string problem;
    auto recorder_settings = recording::recorder_settings_from(config, problem);
    if (!recorder_settings) {
        error = "invalid configuration: " + problem;
        return false;
    }
    if (!may_record) {
        if (auto leftovers = recording::unrecorded_leftovers(config)) {
            error = "invalid configuration: " + *leftovers;
            return false;
        }
    }
    std::optional<events::WebhookSettings> webhook_settings;
    if (!config.events_url.empty()) {
        events::WebhookSettings w;
        w.url = config.events_url;
        w.secret = config.events_secret;
        if (!events::WebhookSender::valid(w, problem)) {
            error = "invalid configuration: " + problem;
            return false;
        }
        webhook_settings = std::move(w);
    }
    std::unique_lock lock(parts_mutex);
    if (parts) {
        error = "the core is already started";
        return false;
    }
    media::lend_janus_handles(&handles);
    auto fresh = std::make_unique<Parts>();
    if (webhook_settings) fresh->webhook = std::make_unique<events::WebhookSender>(std::move(*webhook_settings));
    fresh->gateway = std::make_unique<janus::JanusGateway>(handles, fresh->webhook.get());
    if (fresh->webhook) fresh->gateway->log(Gateway::Level::Info, "[counsel] room events also go to events_url (signed)");
    LedgerSettings store;
    store.store = config.store;
    store.state_db = config.state_db;
    store.postgres_conninfo = config.postgres_conninfo;
    store.node_id = config.node_id;
    OpenedLedger opened = open_room_ledger(store);
    if (!opened.ledger) {
        error = opened.error;
        return false;
    }
    fresh->ledger = std::move(opened.ledger);
    if (store.store == "postgres")
        fresh->gateway->log(Gateway::Level::Info,
                            "[counsel] room ledger: PostgreSQL, shared, this node is " + store.node_id);
    if (int swept = opened.tombstoned_at_open)
        fresh->gateway->log(Gateway::Level::Warn, "[counsel] " + std::to_string(swept) +
                                                      " room(s) left live by an unclean stop are now tombstoned");
    // Recording: leftovers of a crash are classified (and queued for
    // finalization) before any room can exist.
    if (may_record) {
        fresh->sinks = std::make_unique<recording::MjrSinkFactory>();
        fresh->recorder = start_recorder(*recorder_settings, *fresh->sinks, *fresh->gateway);
    } else {
        fresh->gateway->log(Gateway::Level::Info, std::string("[counsel] profile ") +
                                                      profile_name(config.profile_kind()) +
                                                      ": every room end-to-end encrypted, recording off (nothing is "
                                                      "written to rec_dir), no knock chime by default");
    }
    fresh->media = std::make_unique<media::MediaLayer>(*fresh->gateway);
    fresh->media->set_offer_timeout_ms(config.offer_timeout_s * 1000);
    if (fresh->recorder) fresh->media->set_recording_tap(fresh->recorder.get());
    fresh->thread = std::make_unique<RoomThread>(std::move(config), *fresh->gateway, *fresh->ledger, fresh->clock,
                                                 fresh->media.get(), fresh->recorder.get());
    fresh->media->set_poster([thread = fresh->thread.get()](std::function<void()> job) {
        thread->post([job = std::move(job)](RoomService&) { job(); });
    });
    parts = std::move(fresh);
    return true;
}

void stop() {
    std::unique_ptr<Parts> old;
    {
        std::unique_lock lock(parts_mutex);
        old = std::move(parts);
    }
    if (!old) return;
    if (old->thread) old->thread->stop();
    // After the room thread: queued media events are delivered, the RTP path forwards nothing more.
    if (old->media) old->media->stop();
    // Last: finalizations the end of the rooms queued are taken up again at the next start.
    if (old->recorder) old->recorder->stop();
    // Events of the rooms that just ended still go out (bounded wait).
    if (old->webhook) {
        old->webhook->wait_idle(3000);
        old->webhook->stop();
    }
}

void attached(HandleId handle) {
    with_parts([&](Parts& p) { p.thread->post([handle](RoomService& s) { s.attach(handle); }); });
}

void detached(HandleId handle) {
    with_parts([&](Parts& p) { p.thread->post([handle](RoomService& s) { s.detach(handle); }); });
}

void message(HandleId handle, std::string transaction, Json body, Json jsep) {
    with_parts([&](Parts& p) {
        p.thread->post([handle, txn = std::move(transaction), body = std::move(body), jsep = std::move(jsep)](
                           RoomService& s) {
            s.handle(handle, txn, body, jsep);
            wipe_json_strings(body.get());
        });
    });
}

void media_up(HandleId handle) {
    with_parts([&](Parts& p) {
        p.thread->post([media = p.media.get(), handle](RoomService& s) {
            media->media_up(handle);
            s.media_up(handle);
        });
    });
}

void media_down(HandleId handle) {
    with_parts([&](Parts& p) {
        p.thread->post([media = p.media.get(), handle](RoomService& s) {
            media->media_down(handle);
            s.media_down(handle);
        });
    });
}

Json admin_stats() {
    auto out = std::make_shared<Json>(Json::object());
    bool answered = false;
    with_parts([&](Parts& p) {
        answered = p.thread->call([out](RoomService& s) { *out = to_json(s.stats()); }, kAdminTimeoutMs);
        if (answered) {
            out->set("media", media::media_totals());
            out->set("recording", recording_json(p.recorder.get()));
        }
    });
    if (!answered)
        return Json::object().set("counsel", "error").set("error_code", std::int64_t{499}).set("error",
                                                                                          "the core did not answer");
    return std::move(*out);
}

Json describe_handle(HandleId handle) {
    auto out = std::make_shared<Json>(Json::object());
    bool answered = false;
    with_parts([&](Parts& p) {
        answered = p.thread->call([out, handle](RoomService& s) { *out = s.describe_handle(handle); },
                                  kQueryHandleTimeoutMs);
    });
    // After a timeout the job may still run: leave `out` to it.
    if (!answered) return Json::object().set("state", "unknown");
    // The media counts come from the RTP path's snapshot, not the room thread.
    out->set("media", media::describe_handle_media(handle));
    return std::move(*out);
}

}  // namespace counsel::plugin
