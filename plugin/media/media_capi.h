/* The media layer's entry points for the shim's media callbacks. Called on
 * Janus's loop threads with the shim's handle id; they read the forwarding
 * snapshot only (no lock the room thread holds, no allocation per RTP packet)
 * and never throw. Include <glib.h> and <jansson.h> before this header. */
#ifndef COUNSEL_MEDIA_CAPI_H
#define COUNSEL_MEDIA_CAPI_H

#include <stdint.h>

#include <plugins/plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

void counsel_media_incoming_rtp(uint64_t handle, janus_plugin_rtp *packet);
void counsel_media_incoming_rtcp(uint64_t handle, janus_plugin_rtcp *packet);
void counsel_media_incoming_data(uint64_t handle, janus_plugin_data *packet);
void counsel_media_slow_link(uint64_t handle, int mindex, int video, int uplink);

#ifdef __cplusplus
}
#endif

#endif
