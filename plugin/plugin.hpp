// The plugin as Janus runs it: the composition root (plugin.cpp) builds every
// part from the read configuration and wires them together; the C entries
// (shim/capi.cpp) call only these. Any thread; every call but start and stop
// does nothing when the plugin is not started.
#pragma once

#include <string>

#include "core/config.hpp"
#include "core/json.hpp"
#include "janus/handle_registry.hpp"

namespace counsel::plugin {

// Checks `config`, then starts the webhook, the ledger, the recorder, the
// media layer and the room thread. False with `error` (no personal data).
bool start(Config config, janus::HandleRegistry& handles, std::string& error);
// Stops everything in order. Idempotent.
void stop();

void attached(HandleId handle);
void detached(HandleId handle);
// A request: the copies are the plugin's (and wiped of their strings once used).
void message(HandleId handle, std::string transaction, Json body, Json jsep);
void media_up(HandleId handle);
void media_down(HandleId handle);

// Admin API: counts only, never names.
Json admin_stats();
// Admin API per-handle info: role and state only.
Json describe_handle(HandleId handle);

}  // namespace counsel::plugin
