#include "media/slot_plan.hpp"

#include <algorithm>
#include <set>

namespace counsel::media {

const char* kind_name(Kind kind) {
    switch (kind) {
        case Kind::Audio: return "audio";
        case Kind::Video: return "video";
        case Kind::Data: return "data";
        case Kind::Other: return "other";
    }
    return "other";
}

std::string fresh_mid(const std::vector<Slot>& slots) {
    std::set<std::string> used;
    for (const Slot& s : slots) used.insert(s.mid);
    for (std::size_t n = slots.size();; ++n) {
        std::string mid = std::to_string(n);
        if (!used.count(mid)) return mid;
    }
}

std::vector<Slot> plan_slots(const std::vector<Slot>& current, const std::vector<Wanted>& wanted) {
    std::vector<Slot> next = current;
    // Sources that left free their slot (the codec stays: an inactive m-line keeps its last codec).
    for (Slot& slot : next) {
        if (slot.use != Slot::Use::Receive) continue;
        const bool still = std::any_of(wanted.begin(), wanted.end(), [&](const Wanted& w) {
            return w.source == slot.source && w.kind == slot.kind;
        });
        if (!still) {
            slot.use = Slot::Use::Free;
            slot.source = SourceKey{};
            slot.participant = 0;
        }
    }
    for (const Wanted& w : wanted) {
        if (w.kind != Kind::Audio && w.kind != Kind::Video) continue;
        const bool placed = std::any_of(next.begin(), next.end(), [&](const Slot& s) {
            return s.use == Slot::Use::Receive && s.source == w.source;
        });
        if (placed) continue;
        auto free = std::find_if(next.begin(), next.end(),
                                 [&](const Slot& s) { return s.use == Slot::Use::Free && s.kind == w.kind; });
        if (free != next.end()) {
            free->use = Slot::Use::Receive;
            free->source = w.source;
            free->participant = w.participant;
            free->codec = SlotCodec{};  // chosen again for the new source
            continue;
        }
        Slot slot;
        slot.mid = fresh_mid(next);
        slot.kind = w.kind;
        slot.use = Slot::Use::Receive;
        slot.source = w.source;
        slot.participant = w.participant;
        next.push_back(std::move(slot));
    }
    return next;
}

bool same_roles(const std::vector<Slot>& a, const std::vector<Slot>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!a[i].same_role(b[i])) return false;
    return true;
}

}  // namespace counsel::media
