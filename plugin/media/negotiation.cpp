#include "media/negotiation.hpp"

namespace counsel::media {

void Negotiation::published(std::vector<Slot> slots) {
    agreed_ = std::move(slots);
    pending_.reset();
    published_ = true;
}

void Negotiation::set_connected(bool up) {
    connected_ = up;
    if (!up) {
        // A new PeerConnection starts from the person's next publish.
        agreed_.clear();
        pending_.reset();
        published_ = false;
    }
}

void Negotiation::want(std::vector<Wanted> wanted) { wanted_ = std::move(wanted); }

std::optional<std::vector<Slot>> Negotiation::next_offer() {
    if (!published_ || !connected_ || pending_) return std::nullopt;
    std::vector<Slot> plan = plan_slots(agreed_, wanted_);
    if (same_roles(plan, agreed_)) return std::nullopt;
    pending_ = plan;
    ++offers_;
    return plan;
}

bool Negotiation::answered(const std::vector<bool>& accepted) {
    if (!pending_) return false;
    std::vector<Slot> plan = std::move(*pending_);
    pending_.reset();
    for (std::size_t i = 0; i < plan.size(); ++i) {
        const bool ok = i < accepted.size() && accepted[i];
        if (ok) continue;
        // Rejected: the browser stopped that transceiver, its mid is dead.
        plan[i].use = Slot::Use::Dead;
        plan[i].source = SourceKey{};
        plan[i].participant = 0;
    }
    agreed_ = std::move(plan);
    return true;
}

void Negotiation::offer_failed() { pending_.reset(); }

}  // namespace counsel::media
