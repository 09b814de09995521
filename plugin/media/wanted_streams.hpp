// Who should receive what, from the forwarding table the core publishes:
// every admitted person receives every stream of every other admitted person
// of their room who has a PeerConnection up, in order of arrival. Lobby
// members are not in the table: they neither receive nor are received. Pure.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "core/ports/media.hpp"
#include "media/slot_plan.hpp"

namespace counsel::media {

// What one person sends right now (their PeerConnection is up).
struct Published {
    std::uint32_t epoch = 0;
    struct Stream {
        int mindex = -1;
        Kind kind = Kind::Audio;
        SlotCodec codec;
    };
    std::vector<Stream> streams;
};

// Which of a person's handles asks, and for the publishing one whether the
// receiving handle's PeerConnection is up.
enum class Asking {
    PublishingHandle,                // no receiving handle up: it gets the others' streams
    PublishingHandleWithReceiverUp,  // gets them only if the person never bound a receiving handle
    ReceivingHandle,
};

// The streams the person on publishing handle `receiver` should get in
// `room`; `decodable(kind, codec)` says whether their browser can take a
// stream (others are left out). The others' streams go to the publishing
// handle until the person bound a receiving handle
// (MediaMember::receives_apart), from then on to that one; the publishing
// handle keeps them until the receiving handle's PeerConnection is up, so
// that the person sees the others while it connects (and if it never does).
std::vector<Wanted> wanted_streams(const MediaRoom& room, HandleId receiver,
                                   const std::map<HandleId, Published>& published,
                                   const std::function<bool(Kind, const SlotCodec&)>& decodable,
                                   Asking asking);

}  // namespace counsel::media
