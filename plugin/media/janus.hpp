// Janus's C headers for the media layer (RTP/RTCP helpers, SDP utilities,
// plugin types) and what the Janus adapter lends (janus_handles.hpp). GLib and Jansson first: the
// Janus headers include each other by bare name and expect them.
#pragma once

#include <glib.h>
#include <jansson.h>

extern "C" {
#include <debug.h>
#include <plugins/plugin.h>
#include <refcount.h>
#include <rtcp.h>
#include <rtp.h>
#include <sdp-utils.h>
#include <utils.h>
}

#include "media/janus_handles.hpp"
