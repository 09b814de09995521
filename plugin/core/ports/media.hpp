// The boundary between the rules and the media path. The core decides who
// may send to whom; the media layer (plugin/media) negotiates PeerConnections
// and moves packets. The core never sees an SDP line or an RTP packet.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/ports/gateway.hpp"
#include "core/json.hpp"

namespace counsel {

// One admitted person as the media path needs to know them.
struct MediaMember {
    HandleId handle;
    std::uint64_t id;        // participant id, for the client to match streams to tiles
    bool muted_audio;        // by the moderator or themselves: their audio is dropped
    bool muted_video;
    bool phone = false;      // a phone caller: one audio stream over plain RTP (connect_phone)
    bool receive_video = true;  // false: audio only for them (their own choice); no video is forwarded to them
    // They bound a receiving handle (at some point): the others' streams go
    // to that handle alone, never to `handle` (which carries their own streams).
    bool receives_apart = false;
};

// One room as the media path needs to know it: who is admitted, nothing personal.
struct MediaRoom {
    std::string ref;          // tombstone reference, for logs
    bool e2ee;                // every stream end-to-end encrypted (negotiated with Janus's e2ee flag)
    bool prefer_h264;         // recording rooms: H.264 first, so recordings need no re-encoding
    bool recording = false;   // every member has consented right now: the recorder taps this room
    std::vector<MediaMember> members;  // admitted people, in order of arrival
};

// What the RTP path may do, published whole by the room thread after every
// change and never modified afterwards. A handle that is not in it (lobby,
// unknown, removed) has everything it sends dropped and receives nothing.
struct ForwardingTable {
    std::map<HandleId, std::shared_ptr<const MediaRoom>> rooms_by_handle;
    std::uint64_t version = 0;
};

class MediaPort {
public:
    virtual ~MediaPort() = default;
    // A new table. Called on the room thread; the media layer swaps it in
    // atomically and renegotiates receivers whose set of peers changed.
    virtual void publish(std::shared_ptr<const ForwardingTable> table) = 0;
    // An admitted person's `publish` (JSEP offer) or `answer` (JSEP answer).
    // Called on the room thread. The media layer answers an accepted one
    // itself (with a JSEP) through the gateway; a refusal it returns, and the
    // core answers it (and cleans up after a refused first offer).
    virtual std::optional<Error> negotiate(HandleId handle, const std::string& transaction, const std::string& request,
                                           const Json& body, const Json& jsep, const MediaRoom& room) = 0;
    // An admitted phone caller's plain RTP with counsel-phone: a UDP socket on
    // 127.0.0.1 towards `port` there. Called on the room thread; the media
    // layer answers a connected one itself ({counsel:"rtp", port, payload_type}),
    // a refusal it returns for the core to answer.
    virtual std::optional<Error> connect_phone(HandleId handle, const std::string& transaction, int port,
                                               const MediaRoom& room) = 0;
    // An admitted person (`person`: their publishing handle) bound `receiver`
    // as their receiving handle, or asked again on it after its PeerConnection
    // went down: the media layer offers everybody else's streams there (once
    // the table says receives_apart and the person's codecs are known).
    // Called on the room thread after the core answered the request.
    virtual void receive(HandleId receiver, HandleId person) { (void)receiver, (void)person; }
    // The person left their room, or a receiving handle was unbound: forget
    // its negotiation state (and close a phone caller's socket).
    virtual void release(HandleId handle) = 0;
    // The room thread's timer (every 250 ms): offers nobody answered expire here.
    virtual void tick() {}
    // The person's page is back on the same handle after its WebSocket was
    // down: an offer sent meanwhile may never have reached it, so offer again.
    virtual void resync(HandleId) {}
    // Handles from which nothing arrived for a while (true) or that were heard
    // again (false), since the last call; the core shows them as reconnecting.
    virtual std::vector<std::pair<HandleId, bool>> take_quiet_changes() { return {}; }
};

// A MediaPort for a core without media (unit tests of other rules).
class NoMedia final : public MediaPort {
public:
    void publish(std::shared_ptr<const ForwardingTable>) override {}
    std::optional<Error> negotiate(HandleId, const std::string&, const std::string&, const Json&, const Json&,
                                   const MediaRoom&) override {
        return std::nullopt;
    }
    std::optional<Error> connect_phone(HandleId, const std::string&, int, const MediaRoom&) override {
        return std::nullopt;
    }
    void release(HandleId) override {}
};

}  // namespace counsel
