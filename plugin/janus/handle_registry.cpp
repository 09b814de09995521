#include "janus/handle_registry.hpp"

namespace counsel::janus {

// One attached Janus handle. While it lives it holds a reference on the Janus
// handle; janus_plugin_session.plugin_handle points at it while it is in the
// registry (cleared under the mutex when it leaves).
struct HandleRegistry::Entry {
    Entry(janus_plugin_session* session, HandleId id) : session(session), id(id) {
        janus_refcount_increase(&session->ref);
    }
    ~Entry() { janus_refcount_decrease(&session->ref); }
    Entry(const Entry&) = delete;
    Entry& operator=(const Entry&) = delete;

    janus_plugin_session* const session;
    const HandleId id;
};

HandleRegistry& HandleRegistry::instance() {
    static HandleRegistry registry;
    return registry;
}

void HandleRegistry::open(janus_callbacks* callbacks, janus_plugin* plugin) {
    {
        std::lock_guard lock(mutex_);
        accepting_ = true;
    }
    plugin_.store(plugin);
    callbacks_.store(callbacks);
}

void HandleRegistry::close() {
    std::unordered_map<HandleId, std::shared_ptr<Entry>> dropped;
    {
        std::lock_guard lock(mutex_);
        for (auto& [id, entry] : entries_) entry->session->plugin_handle = nullptr;
        dropped.swap(entries_);
        accepting_ = false;
    }
    callbacks_.store(nullptr);
    initialized_.store(false);
    stopping_.store(false);
}

HandleId HandleRegistry::attach(janus_plugin_session* session) {
    std::lock_guard lock(mutex_);
    if (!accepting_ || !session) return 0;
    auto entry = std::make_shared<Entry>(session, next_id_++);
    session->plugin_handle = entry.get();
    entries_.emplace(entry->id, entry);
    return entry->id;
}

HandleRegistry::Detached HandleRegistry::detach(janus_plugin_session* session) {
    std::lock_guard lock(mutex_);
    auto* entry = session ? static_cast<Entry*>(session->plugin_handle) : nullptr;
    if (!entry) return {};
    session->plugin_handle = nullptr;
    auto it = entries_.find(entry->id);
    if (it == entries_.end()) return {};
    Detached out{it->first, std::move(it->second)};
    entries_.erase(it);
    return out;
}

HandleId HandleRegistry::id_of(janus_plugin_session* session) {
    if (!session) return 0;
    std::lock_guard lock(mutex_);
    auto* entry = static_cast<Entry*>(session->plugin_handle);
    return entry ? entry->id : 0;
}

HandleId HandleRegistry::media_id(janus_plugin_session* session) const {
    if (!session || g_atomic_int_get(&session->stopped) || !ready()) return 0;
    auto* entry = static_cast<Entry*>(g_atomic_pointer_get(&session->plugin_handle));
    return entry ? entry->id : 0;
}

janus_plugin_session* HandleRegistry::acquire(HandleId id) {
    if (id == 0) return nullptr;
    std::lock_guard lock(mutex_);
    auto it = entries_.find(id);
    if (it == entries_.end()) return nullptr;
    janus_refcount_increase(&it->second->session->ref);
    return it->second->session;
}

void HandleRegistry::release(janus_plugin_session* session) {
    if (session) janus_refcount_decrease(&session->ref);
}

}  // namespace counsel::janus
