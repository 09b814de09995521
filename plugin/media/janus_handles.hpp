// What the media layer borrows from the Janus adapter (plugin/janus/
// handle_registry.hpp): Janus's callbacks, the plugin descriptor, and a
// reference on the Janus handle behind a handle id. The media layer moves
// packets with these directly (relay_rtp, relay_rtcp, relay_data,
// send_pli_stream, push_event with a JSEP). Include media/janus.hpp first.
#pragma once

#include "core/ports/gateway.hpp"

namespace counsel::media {

class JanusHandles {
public:
    virtual ~JanusHandles() = default;
    // Janus's callbacks while the plugin runs, else null.
    virtual const janus_callbacks* callbacks() const = 0;
    virtual janus_plugin* plugin() const = 0;
    // The Janus handle of an id with a new reference on it, or null if the id
    // is unknown or detached. Valid memory until release(); Janus itself
    // refuses calls on a stopped handle.
    virtual janus_plugin_session* acquire(HandleId id) = 0;
    virtual void release(janus_plugin_session* session) = 0;
};

// Lent once by the composition root (plugin/plugin.cpp); it lives as long as
// the process (Janus does not unload plugins), so the RTP path needs no lock.
void lend_janus_handles(JanusHandles* handles);
JanusHandles& janus_handles();

}  // namespace counsel::media
