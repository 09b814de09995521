// One person's negotiation with the plugin: the m-lines both sides agreed on,
// at most one plugin offer in flight, and the latest wish (which streams this
// person should receive). Changes that arrive while an offer is in flight are
// not lost and not offered one by one: the next offer, made once the answer
// is in, covers whatever the wish is by then. Pure: no Janus, no SDP.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "media/slot_plan.hpp"

namespace counsel::media {

class Negotiation {
public:
    // The person's own offer was answered: these are their m-lines now (their
    // own streams, and for a later publish, the receive slots kept as they were).
    void published(std::vector<Slot> slots);
    // Their PeerConnection is up (plugin offers wait for it) or gone (everything is forgotten).
    void set_connected(bool up);
    // What they should receive now; replaces the previous wish.
    void want(std::vector<Wanted> wanted);

    // The plan to offer now, if one is due: published, connected, nothing in
    // flight, and the wish differs from what is agreed. The plan is then in
    // flight until answered() or offer_failed().
    std::optional<std::vector<Slot>> next_offer();
    // Codecs chosen for the plan in flight (the media layer fills them in before sending).
    std::vector<Slot>* pending() { return pending_ ? &*pending_ : nullptr; }

    // The answer to the offer in flight: `accepted[i]` tells whether m-line i was
    // accepted (port != 0). Rejected m-lines are dead from now on. Returns false
    // (and changes nothing) if no offer was in flight.
    bool answered(const std::vector<bool>& accepted);
    // The offer could not be delivered, or was not answered in time: forget it
    // (the next next_offer() offers the same wish again).
    void offer_failed();
    // The offer in flight left at `now_ms`; it expires when it has waited
    // `timeout_ms` for its answer (a peer that never answers must not block
    // every later renegotiation of this person).
    void offer_sent(std::int64_t now_ms) { offered_at_ms_ = now_ms; }
    bool offer_expired(std::int64_t now_ms, std::int64_t timeout_ms) const {
        return pending_.has_value() && now_ms - offered_at_ms_ >= timeout_ms;
    }

    bool offer_in_flight() const { return pending_.has_value(); }
    std::size_t pending_size() const { return pending_ ? pending_->size() : 0; }
    bool is_published() const { return published_; }
    bool connected() const { return connected_; }
    // The m-lines both sides agreed on (the RTP path forwards to these only).
    const std::vector<Slot>& agreed() const { return agreed_; }
    std::uint64_t offers_made() const { return offers_; }

private:
    std::vector<Slot> agreed_;
    std::optional<std::vector<Slot>> pending_;
    std::vector<Wanted> wanted_;
    bool published_ = false;
    bool connected_ = false;
    std::uint64_t offers_ = 0;
    std::int64_t offered_at_ms_ = 0;
};

}  // namespace counsel::media
