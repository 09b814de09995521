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

// The streams the person on publishing handle `receiver` should get in
// `room`; `decodable(kind, codec)` says whether their browser can take a
// stream (others are left out). `receiving_handle`: asked for their receiving
// handle. The others' streams go to the publishing handle until the person
// bound a receiving handle (MediaMember::receives_apart), then to that one
// alone: the other handle gets nothing.
std::vector<Wanted> wanted_streams(const MediaRoom& room, HandleId receiver,
                                   const std::map<HandleId, Published>& published,
                                   const std::function<bool(Kind, const SlotCodec&)>& decodable,
                                   bool receiving_handle = false);

}  // namespace counsel::media
