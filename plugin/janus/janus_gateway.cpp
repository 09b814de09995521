#include "janus/janus_gateway.hpp"

#include <cinttypes>

namespace counsel::janus {

void JanusGateway::push_event(HandleId handle, const std::string& transaction, const Json& event) {
    const janus_callbacks* api = handles_.callbacks();
    if (!api || !event.get()) return;
    janus_plugin_session* session = handles_.acquire(handle);
    if (!session) return;  // Already detached: nothing to deliver to.
    // Janus takes its own reference on the event: it stays borrowed.
    int res = api->push_event(session, handles_.plugin(), transaction.empty() ? nullptr : transaction.c_str(),
                              event.get(), nullptr);
    if (res != 0) JANUS_LOG(LOG_VERB, "[counsel] handle %" PRIu64 ": event not delivered (%d)\n", handle, res);
    handles_.release(session);
}

void JanusGateway::close_pc(HandleId handle) {
    const janus_callbacks* api = handles_.callbacks();
    if (!api) return;
    janus_plugin_session* session = handles_.acquire(handle);
    if (!session) return;
    api->close_pc(session);
    handles_.release(session);
}

void JanusGateway::notify_event(const Json& event) {
    const janus_callbacks* api = handles_.callbacks();
    // Janus leaks events that are not objects instead of releasing them.
    // notify_event steals the reference it is given, while we only borrow `event`.
    if (api && event.get() && json_is_object(event.get()) && api->events_is_enabled())
        api->notify_event(handles_.plugin(), nullptr, json_incref(event.get()));
    if (webhook_) webhook_->post(event.dump());
}

void JanusGateway::log(Level level, const std::string& line) {
    int janus_level = static_cast<int>(level);
    if (janus_level < LOG_FATAL) janus_level = LOG_FATAL;
    if (janus_level > LOG_MAX) janus_level = LOG_MAX;
    JANUS_LOG(janus_level, "%s\n", line.c_str());
}

}  // namespace counsel::janus
