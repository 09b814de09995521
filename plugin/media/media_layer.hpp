// The media layer as the core sees it (counsel::MediaPort): one record per
// admitted person with a PeerConnection, all on the room thread, no locks.
//
//   publish (client offer)  -> answer: their own streams (recvonly for us)
//   table / publish / answer / PeerConnection up or down
//                           -> per person: which streams of the others they
//                              should receive; if that differs from what is
//                              agreed and no offer is in flight, a plugin offer
//                              ({counsel:"media"} + JSEP offer)
//                           -> a new forwarding snapshot for the RTP path
//   answer (client answer)  -> the offered m-lines are agreed; the RTP path
//                              starts forwarding to the new ones
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/ports/gateway.hpp"
#include "core/ports/media.hpp"
#include "media/codec_table.hpp"
#include "media/event_sender.hpp"
#include "media/liveness.hpp"
#include "media/negotiation.hpp"
#include "media/phone_link.hpp"
#include "media/sdp_negotiator.hpp"
#include "recording/recording_tap.hpp"
#include "media/wanted_streams.hpp"

namespace counsel::media {

class Endpoint;
struct SourceState;
struct Leg;
struct RecordingLeg;

class MediaLayer final : public MediaPort {
public:
    // Runs a job on the room thread (set by the wiring; used to report failed deliveries).
    using Poster = std::function<void(std::function<void()>)>;

    explicit MediaLayer(Gateway& gateway);
    ~MediaLayer() override;
    MediaLayer(const MediaLayer&) = delete;
    MediaLayer& operator=(const MediaLayer&) = delete;

    void set_poster(Poster post) { post_ = std::move(post); }
    // The recorder (may stay unset: nothing is recorded). Asked for a sink per
    // published stream of each person in a room whose MediaRoom.recording is
    // true, whenever the snapshot is rebuilt; must outlive this layer.
    void set_recording_tap(recording::RecordingTap* tap) { tap_ = tap; }
    // Delivers queued events, empties the forwarding snapshot. Call after the room thread stopped.
    void stop();

    // MediaPort, on the room thread.
    void publish(std::shared_ptr<const ForwardingTable> table) override;
    std::optional<Error> negotiate(HandleId handle, const std::string& transaction, const std::string& request,
                                   const Json& body, const Json& jsep, const MediaRoom& room) override;
    std::optional<Error> connect_phone(HandleId handle, const std::string& transaction, int port,
                                       const MediaRoom& room) override;
    void release(HandleId handle) override;
    void receive(HandleId receiver, HandleId person) override;

    // Offers not answered within `timeout_ms` are dropped, the person is told
    // ({counsel:"offer_timeout"}) and offered again (offer_timeout_s, default 15 s).
    void set_offer_timeout_ms(std::int64_t timeout_ms) { offer_timeout_ms_ = timeout_ms; }
    void tick() override;
    std::vector<std::pair<HandleId, bool>> take_quiet_changes() override;
    void resync(HandleId handle) override;

    // Janus's PeerConnection events (setup_media / hangup_media), on the room thread.
    void media_up(HandleId handle);
    void media_down(HandleId handle);

private:
    struct Stream {
        OwnStream info;
        std::shared_ptr<SourceState> state;
        std::map<HandleId, std::shared_ptr<Leg>> legs;  // by receiver
        std::shared_ptr<RecordingLeg> rec;               // while recorded
    };
    struct Session {
        HandleId handle = 0;
        std::uint64_t participant = 0;
        bool e2ee = false;
        std::shared_ptr<Endpoint> endpoint;
        std::uint32_t epoch = 0;  // PeerConnection generation (and own-stream changes)
        Negotiation nego;
        CodecTable codecs;
        Extmaps extmaps;
        std::vector<Stream> streams;
        bool has_data = false;
        std::uint64_t sdp_session_id = 0;
        std::uint64_t sdp_version = 1;
        bool receive_video = true;  // as the last snapshot had it (a switch back asks for keyframes)
        bool codecs_known = false;  // a publish was answered: `codecs` is this browser's
        // A receiving handle (docs/api.md "Media"): `person` is the publishing
        // handle it receives for (0: this is a publishing handle). Its codec
        // table is the person's; the plugin makes every offer. `asked`: a
        // `receive` came since its last PeerConnection went; `pc_up`: Janus
        // reported that PeerConnection up (after the first answer, later
        // offers wait for it, as a publishing handle's wait for its own).
        HandleId person = 0;
        bool asked = false;
        bool answered = false;
        bool pc_up = false;
        // A receiving handle's PeerConnection has been up for kTakeoverMs:
        // only then does the person's publishing handle stop receiving, so
        // that what arrives here is decoded before the other goes.
        std::int64_t pc_up_ms = 0;
        bool took_over = false;
        Liveness liveness;          // while the PeerConnection is up
        // A phone caller (plain RTP, no negotiation): its receiver thread, last
        // so that it stops before anything else of the session goes.
        std::unique_ptr<PhoneReceiver> phone;
    };

    // Both return a refusal for the core to answer; nullopt: answered here.
    std::optional<Error> on_publish(Session& s, const std::string& transaction, const Json& jsep, const MediaRoom& room);
    std::optional<Error> on_answer(Session& s, const std::string& transaction, const Json& jsep);
    // Wishes, due offers, snapshot: after anything changed.
    void refresh();
    // A receiving handle that was asked for and whose person's codecs are
    // known starts its negotiation (an empty plan: every m-line is the plugin's).
    void start_receiving(Session& s);
    // The publishing handle of the person a session belongs to.
    static HandleId person_of(const Session& s) { return s.person ? s.person : s.handle; }
    // What everyone with a PeerConnection up sends right now.
    std::map<HandleId, Published> published_now() const;
    void send_offer(Session& s);
    void rebuild_snapshot();
    // Asks every sender of video that is forwarded to `receiver` for a keyframe.
    void keyframes_for(HandleId receiver, std::int64_t now_us);
    const MediaRoom* room_of(HandleId handle) const;
    const Stream* stream_of(const SourceKey& key) const;
    void log(Gateway::Level level, const std::string& line) { gateway_.log(level, "[counsel] " + line); }

    Gateway& gateway_;
    Poster post_;
    recording::RecordingTap* tap_ = nullptr;
    EventSender sender_;
    std::shared_ptr<const ForwardingTable> table_;
    std::map<HandleId, Session> sessions_;
    std::uint64_t snapshot_version_ = 0;
    bool stopped_ = false;
    std::int64_t offer_timeout_ms_ = 15'000;
    std::vector<std::pair<HandleId, bool>> quiet_changes_;  // for the core's next tick
};

}  // namespace counsel::media
