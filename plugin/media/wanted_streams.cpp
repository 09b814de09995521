#include "media/wanted_streams.hpp"

namespace counsel::media {

std::vector<Wanted> wanted_streams(const MediaRoom& room, HandleId receiver,
                                   const std::map<HandleId, Published>& published,
                                   const std::function<bool(Kind, const SlotCodec&)>& decodable,
                                   Asking asking) {
    std::vector<Wanted> out;
    bool here = false;
    for (const MediaMember& m : room.members) {
        if (m.handle != receiver) continue;
        switch (asking) {
            case Asking::ReceivingHandle: here = m.receives_apart; break;
            case Asking::PublishingHandleWithReceiverUp: here = !m.receives_apart; break;
            case Asking::PublishingHandle: here = true; break;
        }
    }
    if (!here) return out;
    for (const MediaMember& m : room.members) {
        if (m.handle == receiver) continue;
        auto it = published.find(m.handle);
        if (it == published.end()) continue;
        for (const Published::Stream& s : it->second.streams)
            if (decodable(s.kind, s.codec)) out.push_back(Wanted{SourceKey{m.handle, it->second.epoch, s.mindex}, m.id, s.kind});
    }
    return out;
}

}  // namespace counsel::media
