// The C entries (counsel_capi.h): conversion only. Each catches everything
// (no exception crosses into C), turns Janus handles into handle ids through
// the registry and borrowed JSON into copies, and calls the composition root
// (plugin/plugin.hpp) or the media path. Decisions live elsewhere.
#include "media/janus.hpp"
#include "shim/counsel_capi.h"

#include <cinttypes>
#include <string>

#include "core/json_wipe.hpp"
#include "janus/config_file.hpp"
#include "janus/handle_registry.hpp"
#include "media/rtp_path.hpp"
#include "plugin.hpp"

namespace {

using counsel::HandleId;
using counsel::Json;
using counsel::janus::HandleRegistry;

HandleRegistry& handles() { return HandleRegistry::instance(); }

// Runs `fn`; on any exception returns `fallback` (the request is lost, the
// client times out).
template <typename Fn, typename T = std::invoke_result_t<Fn>>
T wrap(Fn&& fn, T fallback = T()) noexcept {
    try {
        return fn();
    } catch (...) {
        return fallback;
    }
}

template <typename Fn>
void wrap_void(Fn&& fn) noexcept {
    try {
        fn();
    } catch (...) {
    }
}

// setup_media / hangup_media: the PeerConnection's state to the room thread.
void peer_connection(janus_plugin_session* handle, bool up) {
    wrap_void([&] {
        HandleId id = handles().ready() ? handles().id_of(handle) : 0;
        if (id == 0) return;
        JANUS_LOG(LOG_VERB, "[counsel] handle %" PRIu64 ": PeerConnection %s\n", id, up ? "up" : "down");
        up ? counsel::plugin::media_up(id) : counsel::plugin::media_down(id);
    });
}

}  // namespace

extern "C" int counsel_init(janus_plugin* plugin, janus_callbacks* callbacks, const char* config_path) {
    return wrap([&] {
        if (handles().stopping() || !callbacks || !config_path) return -1;
        counsel::Config config;
        if (!counsel::janus::read_config_file(config_path, config)) {
            JANUS_LOG(LOG_FATAL, "[counsel] invalid configuration: %s not started\n", COUNSEL_NAME);
            return -1;
        }
        handles().open(callbacks, plugin);
        std::string error;
        if (!counsel::plugin::start(std::move(config), handles(), error)) {
            JANUS_LOG(LOG_FATAL, "[counsel] the core could not start: %s\n",
                      error.empty() ? "no reason given" : error.c_str());
            handles().close();
            return -1;
        }
        handles().mark_initialized();
        JANUS_LOG(LOG_INFO, "%s initialized!\n", COUNSEL_NAME);
        return 0;
    }, -1);
}

extern "C" void counsel_destroy(void) {
    wrap_void([] {
        if (!handles().initialized()) return;
        handles().mark_stopping();
        // Stops the room thread: no gateway operation runs after this.
        counsel::plugin::stop();
        handles().close();
        JANUS_LOG(LOG_INFO, "%s destroyed!\n", COUNSEL_NAME);
    });
}

extern "C" void counsel_create_session(janus_plugin_session* handle, int* error) {
    wrap_void([&] {
        HandleId id = handles().ready() ? handles().attach(handle) : 0;
        if (id == 0) {
            *error = -1;
            return;
        }
        JANUS_LOG(LOG_VERB, "[counsel] handle %" PRIu64 " attached\n", id);
        counsel::plugin::attached(id);
    });
}

extern "C" void counsel_destroy_session(janus_plugin_session* handle, int* error) {
    wrap_void([&] {
        if (!handles().initialized()) {
            *error = -1;
            return;
        }
        // Out of the registry first: from now on the core's events for this id are dropped.
        HandleRegistry::Detached gone = handles().detach(handle);
        if (gone.id == 0) {
            JANUS_LOG(LOG_ERR, "[counsel] no session associated with this handle\n");
            *error = -2;
            return;
        }
        JANUS_LOG(LOG_VERB, "[counsel] handle %" PRIu64 " detached\n", gone.id);
        counsel::plugin::detached(gone.id);
    });
}

extern "C" json_t* counsel_query_session(janus_plugin_session* handle) {
    return wrap([&]() -> json_t* {
        HandleId id = handles().ready() ? handles().id_of(handle) : 0;
        return id ? counsel::plugin::describe_handle(id).release() : nullptr;
    });
}

extern "C" struct janus_plugin_result* counsel_handle_message(janus_plugin_session* handle, char* transaction,
                                                                json_t* message, json_t* jsep) {
    janus_plugin_result* result = wrap([&] {
        if (!handles().ready())
            return janus_plugin_result_new(JANUS_PLUGIN_ERROR,
                                           handles().stopping() ? "Shutting down" : "Plugin not initialized", nullptr);
        HandleId id = handles().id_of(handle);
        if (id == 0)
            return janus_plugin_result_new(JANUS_PLUGIN_ERROR, "No session associated with this handle", nullptr);
        // Copies: Janus frees the originals right after. Janus's body is wiped
        // (names and credentials must not linger in freed heap), the copy once used.
        Json body = message ? Json::adopt(json_deep_copy(message)) : Json();
        Json jsep_copy = jsep ? Json::adopt(json_deep_copy(jsep)) : Json();
        if (message) counsel::wipe_json_strings(message);
        counsel::plugin::message(id, transaction ? transaction : "", std::move(body), std::move(jsep_copy));
        return janus_plugin_result_new(JANUS_PLUGIN_OK_WAIT, nullptr, nullptr);
    }, static_cast<janus_plugin_result*>(nullptr));
    g_free(transaction);
    json_decref(message);
    json_decref(jsep);
    return result;
}

extern "C" json_t* counsel_handle_admin_message(json_t*) {
    return wrap([]() -> json_t* { return handles().ready() ? counsel::plugin::admin_stats().release() : nullptr; });
}

extern "C" void counsel_setup_media(janus_plugin_session* handle) { peer_connection(handle, true); }

extern "C" void counsel_hangup_media(janus_plugin_session* handle) { peer_connection(handle, false); }

extern "C" void counsel_incoming_rtp(janus_plugin_session* handle, janus_plugin_rtp* packet) {
    wrap_void([&] {
        if (HandleId id = handles().media_id(handle); id && packet) counsel::media::forward_rtp(id, packet);
    });
}

extern "C" void counsel_incoming_rtcp(janus_plugin_session* handle, janus_plugin_rtcp* packet) {
    wrap_void([&] {
        if (HandleId id = handles().media_id(handle); id && packet) counsel::media::on_rtcp(id, packet);
    });
}

extern "C" void counsel_incoming_data(janus_plugin_session* handle, janus_plugin_data* packet) {
    wrap_void([&] {
        if (HandleId id = handles().media_id(handle); id && packet) counsel::media::relay_chat(id, packet);
    });
}

extern "C" void counsel_slow_link(janus_plugin_session* handle, int mindex, int video, int uplink) {
    wrap_void([&] {
        if (HandleId id = handles().media_id(handle))
            counsel::media::on_slow_link(id, mindex, video != 0, uplink != 0);
    });
}
