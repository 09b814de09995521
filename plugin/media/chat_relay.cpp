// Chat over the data channel: text from an admitted person goes, as
// {"from":<participant id>,"text":"..."}, to every other admitted person of
// their room who has a data channel. Nothing is stored and nothing of the
// text is logged; what does not pass chat_validation is dropped and the sender
// told (at most once a second).
#include <string.h>

#include "media/chat_validation.hpp"
#include "media/rtp_snapshot.hpp"
#include "media/rtp_path.hpp"

namespace counsel::media {
namespace {

constexpr std::int64_t kErrorGapUs = 1'000'000;

void tell_sender(const janus_callbacks* api, Endpoint& sender, std::int64_t now_us) {
    std::int64_t last = sender.last_chat_error_us.load(std::memory_order_relaxed);
    if (last != 0 && now_us - last < kErrorGapUs) return;
    if (!sender.last_chat_error_us.compare_exchange_strong(last, now_us, std::memory_order_relaxed)) return;
    janus_plugin* plugin = janus_handles().plugin();
    if (!plugin) return;
    json_t* event = json_pack("{s:s, s:i, s:s}", "counsel", "error", "error_code", 481, "error",
                              "chat message too large or not UTF-8");
    if (!event) return;
    api->push_event(sender.session, plugin, nullptr, event, nullptr);
    json_decref(event);
}

}  // namespace

void relay_chat(HandleId handle, janus_plugin_data* packet) {
    const janus_callbacks* api = janus_api();
    if (!api || !packet) return;
    const std::shared_ptr<const Snapshot> snapshot = load_snapshot();
    if (!snapshot) return;
    const auto it = snapshot->handles.find(handle);
    if (it == snapshot->handles.end()) {
        // Not admitted (or gone): nothing they send goes anywhere.
        counters().chat_dropped_unknown.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    const HandleView& view = it->second;
    const std::string_view bytes(packet->buffer ? packet->buffer : "", packet->buffer ? packet->length : 0);
    if (check_chat(bytes, packet->binary) != ChatVerdict::Ok) {
        counters().chat_rejected.fetch_add(1, std::memory_order_relaxed);
        tell_sender(api, *view.self, janus_get_monotonic_time());
        return;
    }
    std::string text = chat_relay_json(view.participant, bytes);
    janus_plugin_data out;
    out.label = packet->label;
    out.protocol = packet->protocol;
    out.binary = FALSE;
    out.buffer = text.data();
    out.length = static_cast<uint16_t>(text.size());
    for (const std::shared_ptr<Endpoint>& peer : view.chat_peers) api->relay_data(peer->session, &out);
    counters().chat_relayed.fetch_add(1, std::memory_order_relaxed);
    // The copy of the text is overwritten before it is freed (the freed heap keeps no chat).
    explicit_bzero(text.data(), text.size());
}

}  // namespace counsel::media
