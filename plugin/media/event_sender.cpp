#include "media/event_sender.hpp"

#include <cinttypes>

#include "media/rtp_snapshot.hpp"

namespace counsel::media {

EventSender::EventSender() : thread_([this] { run(); }) {}

EventSender::~EventSender() { stop(); }

void EventSender::send(std::shared_ptr<Endpoint> to, std::string transaction, Json event, Json jsep, Done done) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        queue_.push_back(Job{std::move(to), std::move(transaction), std::move(event), std::move(jsep), std::move(done)});
    }
    wake_.notify_one();
}

void EventSender::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && !thread_.joinable()) return;
        stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
}

void EventSender::run() {
    for (;;) {
        Job job;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping, nothing left
            job = std::move(queue_.front());
            queue_.pop_front();
        }
        bool delivered = false;
        try {
            const janus_callbacks* api = janus_api();
            janus_plugin* plugin = janus_handles().plugin();
            // Someone who left their room gets nothing more from the media layer.
            if (api && plugin && job.to && job.to->live.load()) {
                const int res = api->push_event(job.to->session, plugin,
                                                job.transaction.empty() ? nullptr : job.transaction.c_str(),
                                                job.event.get(), job.jsep ? job.jsep.get() : nullptr);
                delivered = res == 0;
                if (res != 0)
                    JANUS_LOG(LOG_WARN, "[counsel] handle %" PRIu64 ": a media event was not delivered (%d)\n",
                              job.to->id, res);
            }
            if (job.done) job.done(delivered);
        } catch (...) {
            // Nothing may escape into Janus's thread; the event is lost.
        }
    }
}

}  // namespace counsel::media
