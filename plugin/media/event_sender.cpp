#include "media/event_sender.hpp"

#include <cinttypes>

#include "media/rtp_snapshot.hpp"

namespace counsel::media {

// Runs what is queued at stop; an exception is swallowed (the default): nothing
// may escape into Janus's thread, the event is lost.
EventSender::EventSender() : worker_(SerialWorkerOptions{}) {}

EventSender::~EventSender() { stop(); }

void EventSender::send(std::shared_ptr<Endpoint> to, std::string transaction, Json event, Json jsep, Done done) {
    worker_.post([job = Job{std::move(to), std::move(transaction), std::move(event), std::move(jsep), std::move(done)}] {
        deliver(job);
    });
}

void EventSender::stop() { worker_.stop(); }

void EventSender::deliver(const Job& job) {
    bool delivered = false;
    const janus_callbacks* api = janus_api();
    janus_plugin* plugin = janus_handles().plugin();
    // Someone who left their room gets nothing more from the media layer.
    if (api && plugin && job.to && job.to->live.load()) {
        const int res = api->push_event(job.to->session, plugin, job.transaction.empty() ? nullptr : job.transaction.c_str(),
                                        job.event.get(), job.jsep ? job.jsep.get() : nullptr);
        delivered = res == 0;
        if (res != 0)
            JANUS_LOG(LOG_WARN, "[counsel] handle %" PRIu64 ": a media event was not delivered (%d)\n", job.to->id, res);
    }
    if (job.done) job.done(delivered);
}

}  // namespace counsel::media
