// The shim's media callbacks into the media layer: nothing may cross back into C.
#include "media/janus.hpp"
#include "media/media_capi.h"
#include "media/rtp_path.hpp"

extern "C" void counsel_media_incoming_rtp(uint64_t handle, janus_plugin_rtp* packet) {
    try {
        counsel::media::forward_rtp(handle, packet);
    } catch (...) {
    }
}

extern "C" void counsel_media_incoming_rtcp(uint64_t handle, janus_plugin_rtcp* packet) {
    try {
        counsel::media::on_rtcp(handle, packet);
    } catch (...) {
    }
}

extern "C" void counsel_media_incoming_data(uint64_t handle, janus_plugin_data* packet) {
    try {
        counsel::media::relay_chat(handle, packet);
    } catch (...) {
    }
}

extern "C" void counsel_media_slow_link(uint64_t handle, int mindex, int video, int uplink) {
    try {
        counsel::media::on_slow_link(handle, mindex, video != 0, uplink != 0);
    } catch (...) {
    }
}
