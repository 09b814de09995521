/* janus.plugin.counsel: the C shim between Janus and the C++ plugin.
 *
 * This file only holds the janus_plugin table, its getters and one-line
 * forwards of every Janus callback to the C entries (counsel_capi.h,
 * implemented in capi.cpp). The handle registry and the gateway are in
 * plugin/janus/, the parts are wired in plugin/plugin.cpp, every rule lives
 * in plugin/core/.
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

#include <glib.h>
#include <jansson.h>

#include <debug.h>
#include <plugins/plugin.h>

#include "counsel_capi.h"

#define COUNSEL_SHIM_API_VERSION_NUMBER 1
#ifndef COUNSEL_VERSION_STRING
#define COUNSEL_VERSION_STRING "0.1.0"
#endif
#define COUNSEL_AUTHOR "janus-counsel"
#define COUNSEL_DESCRIPTION \
	"Confidential counseling sessions: invited participants only, an always-on waiting room, " \
	"one moderator, single-use rooms purged when the session ends."

/* `create` is the one symbol the library exports (the build hides everything
 * else): Janus finds the plugin by it. */
__attribute__((visibility("default"))) janus_plugin *create(void);
static int counsel_shim_init(janus_callbacks *callback, const char *config_path);
static int counsel_shim_get_api_compatibility(void) { return JANUS_PLUGIN_API_VERSION; }
static int counsel_shim_get_version(void) { return COUNSEL_SHIM_API_VERSION_NUMBER; }
static const char *counsel_shim_get_version_string(void) { return COUNSEL_VERSION_STRING; }
static const char *counsel_shim_get_description(void) { return COUNSEL_DESCRIPTION; }
static const char *counsel_shim_get_name(void) { return COUNSEL_NAME; }
static const char *counsel_shim_get_author(void) { return COUNSEL_AUTHOR; }
static const char *counsel_shim_get_package(void) { return COUNSEL_PACKAGE; }
static void counsel_shim_slow_link(janus_plugin_session *handle, int mindex, gboolean video, gboolean uplink) {
	counsel_slow_link(handle, mindex, video ? 1 : 0, uplink ? 1 : 0);
}

/* JANUS_PLUGIN_INIT sets every member to NULL first and our designated
 * initializers then override them: that is how Janus means it to be used,
 * but -Wextra (-Woverride-init) would reject it. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
static janus_plugin janus_counsel_plugin =
	JANUS_PLUGIN_INIT(
		.init = counsel_shim_init,
		.destroy = counsel_destroy,

		.get_api_compatibility = counsel_shim_get_api_compatibility,
		.get_version = counsel_shim_get_version,
		.get_version_string = counsel_shim_get_version_string,
		.get_description = counsel_shim_get_description,
		.get_name = counsel_shim_get_name,
		.get_author = counsel_shim_get_author,
		.get_package = counsel_shim_get_package,

		.create_session = counsel_create_session,
		.handle_message = counsel_handle_message,
		.handle_admin_message = counsel_handle_admin_message,
		.setup_media = counsel_setup_media,
		.incoming_rtp = counsel_incoming_rtp,
		.incoming_rtcp = counsel_incoming_rtcp,
		.incoming_data = counsel_incoming_data,
		.slow_link = counsel_shim_slow_link,
		.hangup_media = counsel_hangup_media,
		.destroy_session = counsel_destroy_session,
		.query_session = counsel_query_session,
	);
#pragma GCC diagnostic pop

janus_plugin *create(void) {
	JANUS_LOG(LOG_VERB, "%s created!\n", COUNSEL_NAME);
	return &janus_counsel_plugin;
}

/* The C++ side needs our descriptor (push_event names the plugin). */
static int counsel_shim_init(janus_callbacks *callback, const char *config_path) {
	return counsel_init(&janus_counsel_plugin, callback, config_path);
}
