// The core's Gateway on Janus: answers and events to a handle through the
// registry and janus_callbacks, room events also to Janus's event handlers
// and, when events_url is set, to the webhook.
#pragma once

#include "core/ports/gateway.hpp"
#include "janus/handle_registry.hpp"
#include "events/webhook_sender.hpp"

namespace counsel::janus {

class JanusGateway final : public Gateway {
public:
    // `webhook` may be null (no events_url); both must outlive the gateway.
    JanusGateway(HandleRegistry& handles, events::WebhookSender* webhook) : handles_(handles), webhook_(webhook) {}

    void push_event(HandleId handle, const std::string& transaction, const Json& event) override;
    void close_pc(HandleId handle) override;
    void notify_event(const Json& event) override;
    void log(Level level, const std::string& line) override;

private:
    HandleRegistry& handles_;
    events::WebhookSender* webhook_;
};

}  // namespace counsel::janus
