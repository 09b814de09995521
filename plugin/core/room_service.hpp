// The rooms: the lobby, the moderator seat, media routing, consent, purges
// (who may enter at all is Admission's part).
// Single-threaded by design: the room thread owns one instance and is the
// only caller, so no state here needs a lock. It talks to Janus only through
// Gateway and to the disk only through RoomLedger.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>

#include "core/admission.hpp"
#include "core/argon2id_checker.hpp"
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/ports/gateway.hpp"
#include "core/ports/media.hpp"
#include "core/ports/recording.hpp"
#include "core/requests.hpp"
#include "core/room.hpp"
#include "core/ports/room_ledger.hpp"

namespace counsel {

// Counts for the admin API; never names.
struct ServiceStats {
    std::size_t rooms = 0;
    std::size_t lobby = 0;
    std::size_t admitted = 0;
    std::size_t handles = 0;
    std::uint64_t rooms_created = 0;
    std::uint64_t rooms_ended = 0;
    AttemptCounts attempts;
};

enum class EndReason { Moderator, Expired, Idle, Shutdown };

class RoomService {
public:
    // `media` may be null: a core without a media layer (the table is then unused).
    // `recorder` may be null: recording rooms then answer `record` with 487.
    RoomService(Config config, Gateway& gateway, RoomLedger& ledger, const Clock& clock,
                   MediaPort* media = nullptr, RecordingPort* recorder = nullptr);
    ~RoomService();

    void attach(HandleId handle);
    void detach(HandleId handle);
    // One request from a handle (with its JSEP, if any: a null Json otherwise);
    // every outcome is answered with `transaction`.
    void handle(HandleId handle, const std::string& transaction, const Json& body, const Json& jsep);
    // Timers: expiry, idle end, lobby timeout, reconnect grace. Call often (e.g. every 250 ms).
    void tick();
    // Janus's PeerConnection events for a handle (setup_media / hangup_media):
    // an admitted person's connection is down or back (reconnection.cpp).
    void media_up(HandleId handle);
    void media_down(HandleId handle);
    // Ends every room (the plugin is being unloaded): tombstoned, everyone told.
    void end_all();

    // From now on Argon2id checks run on a thread of their own and their
    // results come back through `post` (RoomThread does this; without it they
    // run inline, as the unit tests want). stop_background_work ends that thread.
    void check_argon2id_off_thread(Argon2idChecker::Post post);
    void stop_background_work();

    ServiceStats stats() const;
    // Admin view of one handle: role and state, no names.
    Json describe_handle(HandleId handle) const;
    const Config& config() const { return config_; }

private:
    struct Seat {  // where a handle sits, if anywhere
        Room* room = nullptr;
        std::uint64_t participant = 0;
    };
    struct Context {
        HandleId handle;
        const std::string& transaction;
        // The request carries a JSEP offer on a handle without a negotiated
        // PeerConnection: Janus built an ICE agent for it before we saw it.
        bool fresh_offer = false;
    };

    void on_create(const Context& ctx, CreateRequest& req);
    // The rest of create once Admission judged the practitioner key.
    void create_for(const Context& ctx, CreateRequest& req, const Admission::KeyVerdict& verdict);
    void on_join(const Context& ctx, JoinRequest& req);
    void on_target(const Context& ctx, const TargetRequest& req);
    void on_deny_password(const Context& ctx, const DenyPasswordRequest& req);
    // Keeps a denied lobby member from knocking again; says what was banned.
    static const char* ban_knocker(Room& room, const Participant& knocker);
    void on_mute(const Context& ctx, const MuteRequest& req);
    void on_lock(const Context& ctx, const LockRequest& req);
    void on_end(const Context& ctx);
    void on_leave(const Context& ctx);
    void on_incident(const Context& ctx, const IncidentRequest& req);
    void on_negotiate(const Context& ctx, const NegotiateRequest& req, const Json& body, const Json& jsep);
    void on_configure(const Context& ctx, const ConfigureRequest& req);
    void on_message(const Context& ctx, MessageRequest& req);
    void on_record(const Context& ctx, const RecordRequest& req);
    void on_consent(const Context& ctx, const ConsentRequest& req);
    // Phone dial-in (phone_join.cpp).
    void on_phone_join(const Context& ctx, PhoneJoinRequest& req);
    void on_prompt(const Context& ctx, const PromptRequest& req);
    void on_phone_media(const Context& ctx, const PhoneMediaRequest& req);
    // Receiving handles (receiving_handle.cpp).
    void on_receive(const Context& ctx, ReceiveRequest& req);
    // Their seat moved to another handle (or none), or the receiving handle
    // went: it is unbound (with `close`, its PeerConnection closed), and the
    // others' streams go to the publishing handle again until the page binds a
    // new one.
    void forget_receiver(Participant& person, bool close = true);
    // Ends the forwarding to a person's receiving handle (and with `close`, its PeerConnection).
    void unbind_receiver(Participant& person, bool close);
    // Whose receiving handle `handle` is; an empty seat if none.
    Seat receiver_seat(HandleId handle) const;
    // A fresh room number and one PIN per invite (their digests go into
    // `invites`); the PINs in clear are for the create answer only.
    struct PhoneGrant {
        std::string room_number;
        std::vector<std::string> pins;
    };
    PhoneGrant grant_phone_credentials(std::vector<Invite>& invites);
    // Whether counsel-phone's service key is right (rate-limited like practitioner keys).
    bool phone_service_allowed(const Context& ctx, SecretString& key);
    // After any change to a room's consent ledger: tell everyone, drive the recorder.
    // `ask` are the people to send a consent request now.
    void consent_changed(Room& room, RecordingState before, bool was_writing, const std::vector<std::uint64_t>& ask);
    // The recorder stopped writing a room's span: everyone is told, what was written stays.
    void recording_failed(const RecordingFailure& failure);
    // The ledger's log as JSON (ids and times only).
    static Json consent_metadata(const Room& room);

    // The media view of a room, and the whole table the RTP path reads.
    std::shared_ptr<const MediaRoom> media_room(const Room& room) const;
    // Marks the table stale; it is rebuilt and published once per call into the service.
    void media_changed() { media_dirty_ = true; }
    void publish_media_if_changed();

    // The moderator seat the handle holds, or nullptr after answering 487.
    Room* moderated_room(const Context& ctx);
    Participant* seated_participant(HandleId handle);
    void reply(const Context& ctx, Json answer);
    // An error answer; refusing a fresh offer also closes the PeerConnection Janus began for it.
    void fail(const Context& ctx, const Error& failure);
    void send(HandleId handle, Json event);

    // Coming back after a network drop (reconnection.cpp). A new resume
    // secret for an admitted seat: its hash is kept, the secret is for their page.
    std::string issue_resume(Participant& person);
    // The handle of a seated person went away: true if their seat waits for them.
    bool keep_seat(Room& room, Participant& person);
    // A join with the seat's resume secret: the seat moves to this handle.
    void resume_seat(const Context& ctx, Room& room, Participant& person);
    void set_quiet(HandleId handle, bool quiet);
    // Applies `change` to the admitted person on `handle`; everyone is told
    // when that changed whether they are reconnecting.
    void update_connection(HandleId handle, const std::function<void(Participant&)>& change);
    void expire_away_seats(std::int64_t now_ms);

    // Removes a person from their room (leave, detach, deny, kick, timeout)
    // and tells the others what changed.
    // `tell_moderator` false: the caller sends the lobby view itself (after a batch).
    void unseat(Room& room, std::uint64_t id, bool tell_moderator = true);
    void broadcast_participants(Room& room);
    void send_lobby_to_moderator(Room& room);
    // Ends a room: tombstone, tell everyone, purge. Returns the purge's duration.
    void end_room(Room& room, EndReason reason, const Context* by_moderator);
    void notify(const char* event, const Room& room, Json details = Json::object());

    // Why a guest with this credential cannot enter the room's lobby now (locked, in use, full).
    std::optional<Error> lobby_refusal(const Room& room, const CredentialRef& credential) const;
    std::uint64_t new_participant_id(Room& room);


    Config config_;
    Gateway& gateway_;
    NoMedia no_media_;
    MediaPort& media_;
    RecordingPort* recorder_;
    bool media_dirty_ = false;
    std::uint64_t media_version_ = 0;
    RoomLedger& ledger_;
    const Clock& clock_;

    std::map<Digest, std::unique_ptr<Room>> rooms_;
    std::map<std::string, Digest> phone_rooms_;  // dial-in room number -> room, live rooms only
    std::unordered_map<HandleId, Seat> handles_;
    // Receiving handles bound to a person (never in handles_ as a seat).
    std::unordered_map<HandleId, Seat> receivers_;
    // Tombstones whose durable write failed: refused in memory, retried on tick.
    std::set<Digest> pending_tombstones_;

    std::uint64_t rooms_created_ = 0;
    std::uint64_t rooms_ended_ = 0;
    // Last: destroyed (its Argon2id thread joined) before anything its verdicts use.
    Admission admission_;
};

}  // namespace counsel
