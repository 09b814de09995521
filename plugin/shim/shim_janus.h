/* What the shim lends the media layer (plugin/media): Janus's callbacks, our
 * plugin descriptor, and references on Janus handles by the shim's handle id.
 * The media layer moves packets with these directly (relay_rtp, relay_rtcp,
 * relay_data, send_pli_stream, push_event with a JSEP); the shim decides
 * nothing. Include <glib.h> and <jansson.h> before this header. */
#ifndef COUNSEL_SHIM_JANUS_H
#define COUNSEL_SHIM_JANUS_H

#include <stdint.h>

#include <plugins/plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Janus's callbacks (valid for the life of the process once the plugin was
 * initialised), or NULL before init. */
const janus_callbacks *counsel_shim_callbacks(void);
/* The janus_plugin descriptor, for push_event. */
janus_plugin *counsel_shim_plugin(void);
/* The Janus handle of a shim handle id with a new reference on it
 * (janus_plugin_session.ref), or NULL if the id is unknown or detached. The
 * memory stays valid until counsel_shim_session_release; Janus itself refuses
 * calls on a stopped handle. */
janus_plugin_session *counsel_shim_session_acquire(uint64_t id);
void counsel_shim_session_release(janus_plugin_session *session);

#ifdef __cplusplus
}
#endif

#endif
