// Which Janus handle is which handle id. The core and the media layer know
// handles only by an opaque 64-bit id (unique for the life of the process,
// from 1; 0 means "no handle"); this registry maps the two ways and holds a
// reference on every Janus handle it knows, so the janus_plugin_session stays
// valid memory for as long as we may pass it to Janus. It is lent to the
// media layer as media::JanusHandles.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "media/janus.hpp"

namespace counsel::janus {

class HandleRegistry final : public media::JanusHandles {
public:
    // The one registry: it lives as long as the process, like Janus's plugin.
    static HandleRegistry& instance();

    // init: Janus's callbacks and our descriptor, from now on handles attach.
    void open(janus_callbacks* callbacks, janus_plugin* plugin);
    // destroy (after the core stopped): every handle still attached loses its
    // link to us and our reference; no handle attaches any more.
    void close();
    // The core started (after open) / destroy began (before close).
    void mark_initialized() { initialized_.store(true); }
    void mark_stopping() { stopping_.store(true); }
    bool initialized() const { return initialized_.load(); }
    bool stopping() const { return stopping_.load(); }
    // Initialized and not stopping: Janus's calls are taken.
    bool ready() const { return initialized_.load() && !stopping_.load(); }

    // create_session: a new id (0 if the registry is closed).
    HandleId attach(janus_plugin_session* session);
    // destroy_session: the id it had (0 if none). Out of the registry at once,
    // so events for it are dropped from now on; the reference on the Janus
    // handle goes when the returned holder does (after the core was told).
    struct Detached {
        HandleId id = 0;
        std::shared_ptr<void> hold;
    };
    Detached detach(janus_plugin_session* session);
    // The id of a Janus handle, 0 if it is not (or no longer) attached.
    HandleId id_of(janus_plugin_session* session);
    // The same without a lock, for the media callbacks: Janus calls them on the
    // handle's loop thread, which also calls destroy_session for it, so the
    // entry stays valid while they run.
    HandleId media_id(janus_plugin_session* session) const;

    // media::JanusHandles
    const janus_callbacks* callbacks() const override { return callbacks_.load(); }
    janus_plugin* plugin() const override { return plugin_.load(); }
    janus_plugin_session* acquire(HandleId id) override;
    void release(janus_plugin_session* session) override;

private:
    struct Entry;
    std::atomic<janus_callbacks*> callbacks_{nullptr};
    std::atomic<janus_plugin*> plugin_{nullptr};
    std::atomic<bool> initialized_{false};
    std::atomic<bool> stopping_{false};
    std::mutex mutex_;
    std::unordered_map<HandleId, std::shared_ptr<Entry>> entries_;  // guarded by mutex_
    bool accepting_ = false;                                         // guarded by mutex_
    HandleId next_id_ = 1;                                           // guarded by mutex_
};

}  // namespace counsel::janus
