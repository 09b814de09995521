/* The C entries of the C++ plugin: the only surface the C shim (shim.c)
 * calls, one per Janus plugin callback, with Janus's own arguments. They are
 * implemented in capi.cpp, which only converts (an exception barrier at every
 * entry, Janus handles to handle ids, borrowed JSON to copies) and calls the
 * composition root (plugin/plugin.hpp). Safe from any Janus thread; none
 * throws. Include <glib.h> and <jansson.h> before this header. */
#ifndef COUNSEL_CAPI_H
#define COUNSEL_CAPI_H

#ifdef __cplusplus
extern "C" {
#endif
#include <plugins/plugin.h>
#ifdef __cplusplus
}
#endif

#define COUNSEL_PACKAGE "janus.plugin.counsel"
#define COUNSEL_NAME "JANUS Counsel plugin"

#ifdef __cplusplus
extern "C" {
#endif

/* init: reads the configuration file and starts the plugin; 0 or -1 (logged). */
int counsel_init(janus_plugin *plugin, janus_callbacks *callbacks, const char *config_path);
void counsel_destroy(void);

void counsel_create_session(janus_plugin_session *handle, int *error);
void counsel_destroy_session(janus_plugin_session *handle, int *error);
json_t *counsel_query_session(janus_plugin_session *handle);
/* Takes transaction, message and jsep (Janus hands them over). */
struct janus_plugin_result *counsel_handle_message(janus_plugin_session *handle, char *transaction,
	json_t *message, json_t *jsep);
/* `message` is borrowed; the answer is a new reference. */
json_t *counsel_handle_admin_message(json_t *message);
void counsel_setup_media(janus_plugin_session *handle);
void counsel_hangup_media(janus_plugin_session *handle);

/* The media path: on the handle's loop thread, no lock the room thread holds. */
void counsel_incoming_rtp(janus_plugin_session *handle, janus_plugin_rtp *packet);
void counsel_incoming_rtcp(janus_plugin_session *handle, janus_plugin_rtcp *packet);
void counsel_incoming_data(janus_plugin_session *handle, janus_plugin_data *packet);
void counsel_slow_link(janus_plugin_session *handle, int mindex, int video, int uplink);

#ifdef __cplusplus
}
#endif

#endif
