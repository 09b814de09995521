/* janus.plugin.counsel: the C shim between Janus and the counsel core.
 *
 * This file only translates. It holds the janus_plugin table (the
 * configuration file is read by shim_config.c), keeps a registry that
 * maps each Janus handle to an opaque 64-bit id for the core, forwards every
 * Janus callback to the core's C API (counsel_capi.h) and offers the core a
 * table of gateway operations on top of janus_callbacks. Every rule lives in
 * the core.
 *
 * Log lines carry handle ids only: never display names, tokens, passwords,
 * practitioner key hashes, request bodies or IP addresses. For the same
 * reason the configuration is never printed (janus_config_print would show
 * the key hashes). */

/* Janus's headers use POSIX functions (localtime_r, ...): ask for them, so
 * the file builds with -std=c11 as well as with CMake's default gnu11. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <jansson.h>

#include <config.h>
#include <debug.h>
#include <mutex.h>
#include <plugins/plugin.h>
#include <refcount.h>

#include "counsel_capi.h"
#include "shim_config.h"
#include "media/media_capi.h"
#include "shim_janus.h"

#define COUNSEL_SHIM_API_VERSION_NUMBER 1
#ifndef COUNSEL_VERSION_STRING
#define COUNSEL_VERSION_STRING "0.1.0"
#endif
#define COUNSEL_NAME "JANUS Counsel plugin"
#define COUNSEL_AUTHOR "janus-counsel"
#define COUNSEL_DESCRIPTION \
	"Confidential counseling sessions: invited participants only, an always-on waiting room, " \
	"one moderator, single-use rooms purged when the session ends."

/* Plugin methods. `create` is the one symbol the library exports (the build
 * hides everything else): Janus finds the plugin by it. */
__attribute__((visibility("default"))) janus_plugin *create(void);
static int counsel_shim_init(janus_callbacks *callback, const char *config_path);
static void counsel_shim_destroy(void);
static int counsel_shim_get_api_compatibility(void);
static int counsel_shim_get_version(void);
static const char *counsel_shim_get_version_string(void);
static const char *counsel_shim_get_description(void);
static const char *counsel_shim_get_name(void);
static const char *counsel_shim_get_author(void);
static const char *counsel_shim_get_package(void);
static void counsel_shim_create_session(janus_plugin_session *handle, int *error);
static struct janus_plugin_result *counsel_shim_handle_message(janus_plugin_session *handle,
	char *transaction, json_t *message, json_t *jsep);
static json_t *counsel_shim_handle_admin_message(json_t *message);
static void counsel_shim_setup_media(janus_plugin_session *handle);
static void counsel_shim_incoming_rtp(janus_plugin_session *handle, janus_plugin_rtp *packet);
static void counsel_shim_incoming_rtcp(janus_plugin_session *handle, janus_plugin_rtcp *packet);
static void counsel_shim_incoming_data(janus_plugin_session *handle, janus_plugin_data *packet);
static void counsel_shim_slow_link(janus_plugin_session *handle, int mindex, gboolean video, gboolean uplink);
static void counsel_shim_hangup_media(janus_plugin_session *handle);
static void counsel_shim_destroy_session(janus_plugin_session *handle, int *error);
static json_t *counsel_shim_query_session(janus_plugin_session *handle);

/* JANUS_PLUGIN_INIT sets every member to NULL first and our designated
 * initializers then override them: that is how Janus means it to be used,
 * but -Wextra (-Woverride-init) would reject it. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
static janus_plugin janus_counsel_plugin =
	JANUS_PLUGIN_INIT(
		.init = counsel_shim_init,
		.destroy = counsel_shim_destroy,

		.get_api_compatibility = counsel_shim_get_api_compatibility,
		.get_version = counsel_shim_get_version,
		.get_version_string = counsel_shim_get_version_string,
		.get_description = counsel_shim_get_description,
		.get_name = counsel_shim_get_name,
		.get_author = counsel_shim_get_author,
		.get_package = counsel_shim_get_package,

		.create_session = counsel_shim_create_session,
		.handle_message = counsel_shim_handle_message,
		.handle_admin_message = counsel_shim_handle_admin_message,
		.setup_media = counsel_shim_setup_media,
		.incoming_rtp = counsel_shim_incoming_rtp,
		.incoming_rtcp = counsel_shim_incoming_rtcp,
		.incoming_data = counsel_shim_incoming_data,
		.slow_link = counsel_shim_slow_link,
		.hangup_media = counsel_shim_hangup_media,
		.destroy_session = counsel_shim_destroy_session,
		.query_session = counsel_shim_query_session,
	);
#pragma GCC diagnostic pop

janus_plugin *create(void) {
	JANUS_LOG(LOG_VERB, "%s created!\n", COUNSEL_NAME);
	return &janus_counsel_plugin;
}

static int counsel_shim_get_api_compatibility(void) {
	return JANUS_PLUGIN_API_VERSION;
}
static int counsel_shim_get_version(void) {
	return COUNSEL_SHIM_API_VERSION_NUMBER;
}
static const char *counsel_shim_get_version_string(void) {
	return COUNSEL_VERSION_STRING;
}
static const char *counsel_shim_get_description(void) {
	return COUNSEL_DESCRIPTION;
}
static const char *counsel_shim_get_name(void) {
	return COUNSEL_NAME;
}
static const char *counsel_shim_get_author(void) {
	return COUNSEL_AUTHOR;
}
static const char *counsel_shim_get_package(void) {
	return COUNSEL_PACKAGE;
}

/* ---------------------------------------------------------------------- */
/* State                                                                  */

static volatile gint initialized = 0, stopping = 0;
static janus_callbacks *gateway = NULL;

/* One Janus handle as the shim knows it. The registry holds one reference;
 * anyone using it outside the registry mutex holds another. While the struct
 * lives it holds a reference on the Janus handle (`handle->ref`), so the
 * janus_plugin_session stays valid memory for as long as we may pass it to
 * Janus (Janus itself refuses calls on a stopped handle). */
typedef struct counsel_shim_handle {
	janus_plugin_session *handle;
	uint64_t id;
	janus_refcount ref;
} counsel_shim_handle;

/* id -> counsel_shim_handle*, guarded by handles_mutex. The key points at the
 * struct's own `id`, which lives as long as the registry's reference. */
static GHashTable *handles = NULL;
static janus_mutex handles_mutex = JANUS_MUTEX_INITIALIZER;
/* Handle ids are unique for the lifetime of the process and start at 1;
 * 0 means "no handle" towards the core. Only used under handles_mutex. */
static uint64_t next_handle_id = 1;

static void counsel_shim_handle_free(const janus_refcount *ref) {
	counsel_shim_handle *h = janus_refcount_containerof(ref, counsel_shim_handle, ref);
	/* Release our reference on the Janus handle. */
	janus_refcount_decrease(&h->handle->ref);
	g_free(h);
}

static void counsel_shim_handle_unref(gpointer data) {
	counsel_shim_handle *h = (counsel_shim_handle *)data;
	if(h != NULL)
		janus_refcount_decrease(&h->ref);
}

/* The registry entry of a Janus handle, with a reference taken, or NULL. */
static counsel_shim_handle *counsel_shim_lookup_session(janus_plugin_session *handle) {
	counsel_shim_handle *h = NULL;
	if(handle == NULL)
		return NULL;
	janus_mutex_lock(&handles_mutex);
	/* plugin_handle is cleared under this mutex when the handle leaves the
	 * registry, so a non-NULL value here is a live registry entry. */
	h = (counsel_shim_handle *)handle->plugin_handle;
	if(h != NULL)
		janus_refcount_increase(&h->ref);
	janus_mutex_unlock(&handles_mutex);
	return h;
}

/* The registry entry of a core handle id, with a reference taken, or NULL. */
static counsel_shim_handle *counsel_shim_lookup_id(uint64_t id) {
	counsel_shim_handle *h = NULL;
	if(id == 0)
		return NULL;
	janus_mutex_lock(&handles_mutex);
	if(handles != NULL)
		h = (counsel_shim_handle *)g_hash_table_lookup(handles, &id);
	if(h != NULL)
		janus_refcount_increase(&h->ref);
	janus_mutex_unlock(&handles_mutex);
	return h;
}

static gboolean counsel_shim_ready(void) {
	return g_atomic_int_get(&initialized) && !g_atomic_int_get(&stopping);
}

/* ---------------------------------------------------------------------- */
/* Gateway operations handed to the core                                  */

static void counsel_ops_push_event(void *ctx, uint64_t id, const char *transaction, json_t *event, json_t *jsep) {
	(void)ctx;
	if(event == NULL || gateway == NULL)
		return;
	counsel_shim_handle *h = counsel_shim_lookup_id(id);
	if(h == NULL)
		return;	/* Already detached: nothing to deliver to. */
	/* Janus takes its own references on event and jsep: both stay borrowed. */
	int res = gateway->push_event(h->handle, &janus_counsel_plugin, transaction, event, jsep);
	if(res != 0)
		JANUS_LOG(LOG_VERB, "[counsel] handle %"PRIu64": event not delivered (%d)\n", id, res);
	janus_refcount_decrease(&h->ref);
}

static void counsel_ops_close_pc(void *ctx, uint64_t id) {
	(void)ctx;
	if(gateway == NULL)
		return;
	counsel_shim_handle *h = counsel_shim_lookup_id(id);
	if(h == NULL)
		return;
	gateway->close_pc(h->handle);
	janus_refcount_decrease(&h->ref);
}

static void counsel_ops_notify_event(void *ctx, uint64_t id, json_t *event) {
	(void)ctx;
	/* Janus leaks events that are not objects instead of releasing them. */
	if(gateway == NULL || event == NULL || !json_is_object(event) || !gateway->events_is_enabled())
		return;
	/* Id 0 (or a handle that is already gone) means an event about no
	 * particular handle. */
	counsel_shim_handle *h = counsel_shim_lookup_id(id);
	/* notify_event steals the reference it is given (Janus releases it when
	 * the handlers are done), while the core only lends us `event`. */
	gateway->notify_event(&janus_counsel_plugin, h ? h->handle : NULL, json_incref(event));
	if(h != NULL)
		janus_refcount_decrease(&h->ref);
}

static int counsel_ops_events_enabled(void *ctx) {
	(void)ctx;
	return (gateway != NULL && gateway->events_is_enabled()) ? 1 : 0;
}

static void counsel_ops_log(void *ctx, int level, const char *line) {
	(void)ctx;
	if(line == NULL)
		return;
	if(level < LOG_FATAL)
		level = LOG_FATAL;
	if(level > LOG_MAX)
		level = LOG_MAX;
	JANUS_LOG(level, "%s\n", line);
}

static const counsel_gateway_ops counsel_ops = {
	.ctx = NULL,
	.push_event = counsel_ops_push_event,
	.close_pc = counsel_ops_close_pc,
	.notify_event = counsel_ops_notify_event,
	.events_enabled = counsel_ops_events_enabled,
	.log = counsel_ops_log,
};

/* ---------------------------------------------------------------------- */
/* Plugin lifecycle                                                       */

static int counsel_shim_init(janus_callbacks *callback, const char *config_path) {
	if(g_atomic_int_get(&stopping))
		return -1;
	if(callback == NULL || config_path == NULL)
		return -1;

	janus_config *config = NULL;
	counsel_practitioner *practitioners = NULL;
	counsel_settings settings;
	if(counsel_config_load(config_path, &config, &settings, &practitioners) < 0) {
		JANUS_LOG(LOG_FATAL, "[counsel] invalid configuration: %s not started\n", COUNSEL_NAME);
		g_free(practitioners);
		janus_config_destroy(config);
		return -1;
	}

	janus_mutex_lock(&handles_mutex);
	handles = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, counsel_shim_handle_unref);
	janus_mutex_unlock(&handles_mutex);
	gateway = callback;

	char error[512] = "";
	int res = counsel_start(&settings, &counsel_ops, error, sizeof(error));
	/* The core has copied what it keeps. */
	g_free(practitioners);
	janus_config_destroy(config);
	if(res != 0) {
		JANUS_LOG(LOG_FATAL, "[counsel] the core could not start: %s\n",
			error[0] ? error : "no reason given");
		gateway = NULL;
		janus_mutex_lock(&handles_mutex);
		g_hash_table_destroy(handles);
		handles = NULL;
		janus_mutex_unlock(&handles_mutex);
		return -1;
	}

	g_atomic_int_set(&initialized, 1);
	JANUS_LOG(LOG_INFO, "%s initialized!\n", COUNSEL_NAME);
	return 0;
}

static void counsel_shim_destroy(void) {
	if(!g_atomic_int_get(&initialized))
		return;
	g_atomic_int_set(&stopping, 1);

	/* Stops the room thread: no gateway operation runs after this. */
	counsel_stop();

	janus_mutex_lock(&handles_mutex);
	if(handles != NULL) {
		/* Handles still attached lose their link to us, then the registry
		 * drops its references (and with them ours on the Janus handles). */
		GHashTableIter iter;
		gpointer value = NULL;
		g_hash_table_iter_init(&iter, handles);
		while(g_hash_table_iter_next(&iter, NULL, &value))
			((counsel_shim_handle *)value)->handle->plugin_handle = NULL;
		g_hash_table_destroy(handles);
	}
	handles = NULL;
	janus_mutex_unlock(&handles_mutex);
	gateway = NULL;

	g_atomic_int_set(&initialized, 0);
	g_atomic_int_set(&stopping, 0);
	JANUS_LOG(LOG_INFO, "%s destroyed!\n", COUNSEL_NAME);
}

/* ---------------------------------------------------------------------- */
/* Handles                                                                */

static void counsel_shim_create_session(janus_plugin_session *handle, int *error) {
	if(!counsel_shim_ready()) {
		*error = -1;
		return;
	}
	counsel_shim_handle *h = g_new0(counsel_shim_handle, 1);
	/* Keep the Janus handle alive while we may refer to it. */
	janus_refcount_increase(&handle->ref);
	h->handle = handle;
	janus_refcount_init(&h->ref, counsel_shim_handle_free);	/* The registry's reference. */

	janus_mutex_lock(&handles_mutex);
	if(handles == NULL) {
		janus_mutex_unlock(&handles_mutex);
		janus_refcount_decrease(&h->ref);
		*error = -1;
		return;
	}
	h->id = next_handle_id++;
	g_hash_table_insert(handles, &h->id, h);
	handle->plugin_handle = h;
	uint64_t id = h->id;
	janus_mutex_unlock(&handles_mutex);

	JANUS_LOG(LOG_VERB, "[counsel] handle %"PRIu64" attached\n", id);
	counsel_handle_attached(id);
}

static void counsel_shim_destroy_session(janus_plugin_session *handle, int *error) {
	if(!g_atomic_int_get(&initialized)) {
		*error = -1;
		return;
	}
	janus_mutex_lock(&handles_mutex);
	counsel_shim_handle *h = handle ? (counsel_shim_handle *)handle->plugin_handle : NULL;
	if(h == NULL) {
		janus_mutex_unlock(&handles_mutex);
		JANUS_LOG(LOG_ERR, "[counsel] no session associated with this handle\n");
		*error = -2;
		return;
	}
	/* Out of the registry first: from now on the core's events for this id
	 * are dropped here (Janus would refuse them anyway, the handle is
	 * stopped). The registry's reference becomes ours. */
	handle->plugin_handle = NULL;
	uint64_t id = h->id;
	g_hash_table_steal(handles, &id);
	janus_mutex_unlock(&handles_mutex);

	JANUS_LOG(LOG_VERB, "[counsel] handle %"PRIu64" detached\n", id);
	counsel_handle_detached(id);
	janus_refcount_decrease(&h->ref);
}

static json_t *counsel_shim_query_session(janus_plugin_session *handle) {
	if(!counsel_shim_ready())
		return NULL;
	counsel_shim_handle *h = counsel_shim_lookup_session(handle);
	if(h == NULL)
		return NULL;
	json_t *info = counsel_query_handle(h->id);
	janus_refcount_decrease(&h->ref);
	return info;
}

static struct janus_plugin_result *counsel_shim_handle_message(janus_plugin_session *handle,
		char *transaction, json_t *message, json_t *jsep) {
	/* Janus hands us the transaction, the message and the jsep: the core
	 * copies what it keeps, so all three are released here. */
	struct janus_plugin_result *result = NULL;
	counsel_shim_handle *h = NULL;
	if(!counsel_shim_ready()) {
		result = janus_plugin_result_new(JANUS_PLUGIN_ERROR,
			g_atomic_int_get(&stopping) ? "Shutting down" : "Plugin not initialized", NULL);
	} else if((h = counsel_shim_lookup_session(handle)) == NULL) {
		result = janus_plugin_result_new(JANUS_PLUGIN_ERROR, "No session associated with this handle", NULL);
	} else {
		counsel_handle_message(h->id, transaction, message, jsep);
		janus_refcount_decrease(&h->ref);
		result = janus_plugin_result_new(JANUS_PLUGIN_OK_WAIT, NULL, NULL);
	}
	g_free(transaction);
	json_decref(message);
	json_decref(jsep);
	return result;
}

static json_t *counsel_shim_handle_admin_message(json_t *message) {
	/* `message` is borrowed; the answer is a new reference Janus consumes. */
	if(!counsel_shim_ready())
		return NULL;
	return counsel_admin_message(message);
}

static void counsel_shim_setup_media(janus_plugin_session *handle) {
	if(!counsel_shim_ready())
		return;
	counsel_shim_handle *h = counsel_shim_lookup_session(handle);
	if(h == NULL)
		return;
	JANUS_LOG(LOG_VERB, "[counsel] handle %"PRIu64": PeerConnection up\n", h->id);
	counsel_media_up(h->id);
	janus_refcount_decrease(&h->ref);
}

static void counsel_shim_hangup_media(janus_plugin_session *handle) {
	if(!counsel_shim_ready())
		return;
	counsel_shim_handle *h = counsel_shim_lookup_session(handle);
	if(h == NULL)
		return;
	JANUS_LOG(LOG_VERB, "[counsel] handle %"PRIu64": PeerConnection down\n", h->id);
	counsel_media_down(h->id);
	janus_refcount_decrease(&h->ref);
}

/* ---------------------------------------------------------------------- */
/* Media                                                                  */

/* Janus calls these on the handle's loop thread, the same thread that later
 * calls destroy_session for it: while they run, handle->plugin_handle (and
 * the registry entry it points to) stays valid without taking handles_mutex,
 * so the per-packet path takes no lock. The media layer does the rest. */
static counsel_shim_handle *counsel_shim_media_handle(janus_plugin_session *handle) {
	if(handle == NULL || g_atomic_int_get(&handle->stopped) || !counsel_shim_ready())
		return NULL;
	return (counsel_shim_handle *)g_atomic_pointer_get(&handle->plugin_handle);
}

static void counsel_shim_incoming_rtp(janus_plugin_session *handle, janus_plugin_rtp *packet) {
	counsel_shim_handle *h = counsel_shim_media_handle(handle);
	if(h != NULL && packet != NULL)
		counsel_media_incoming_rtp(h->id, packet);
}

static void counsel_shim_incoming_rtcp(janus_plugin_session *handle, janus_plugin_rtcp *packet) {
	counsel_shim_handle *h = counsel_shim_media_handle(handle);
	if(h != NULL && packet != NULL)
		counsel_media_incoming_rtcp(h->id, packet);
}

static void counsel_shim_incoming_data(janus_plugin_session *handle, janus_plugin_data *packet) {
	counsel_shim_handle *h = counsel_shim_media_handle(handle);
	if(h != NULL && packet != NULL)
		counsel_media_incoming_data(h->id, packet);
}

static void counsel_shim_slow_link(janus_plugin_session *handle, int mindex, gboolean video, gboolean uplink) {
	counsel_shim_handle *h = counsel_shim_media_handle(handle);
	if(h != NULL)
		counsel_media_slow_link(h->id, mindex, video ? 1 : 0, uplink ? 1 : 0);
}

/* ---------------------------------------------------------------------- */
/* What the media layer borrows (shim_janus.h)                            */

const janus_callbacks *counsel_shim_callbacks(void) {
	return (const janus_callbacks *)g_atomic_pointer_get(&gateway);
}

janus_plugin *counsel_shim_plugin(void) {
	return &janus_counsel_plugin;
}

janus_plugin_session *counsel_shim_session_acquire(uint64_t id) {
	janus_plugin_session *session = NULL;
	counsel_shim_handle *h = counsel_shim_lookup_id(id);
	if(h == NULL)
		return NULL;
	session = h->handle;
	janus_refcount_increase(&session->ref);
	janus_refcount_decrease(&h->ref);
	return session;
}

void counsel_shim_session_release(janus_plugin_session *session) {
	if(session != NULL)
		janus_refcount_decrease(&session->ref);
}
