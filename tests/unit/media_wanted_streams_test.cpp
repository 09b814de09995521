// Who gets what, end to end through the core: the forwarding tables the core
// publishes to its MediaPort (through the gateway fake and a recording port)
// turned into each person's wish by the media layer (plugin/media/wanted_streams).
// Lobby members neither receive nor are received; a kicked person's streams
// leave everyone's wish and their negotiation state is released; mutes and
// audio-only receiving are flags in the table, not renegotiations. A refused
// first offer (no negotiated PeerConnection yet) has its PeerConnection
// closed; a refused update leaves the working one alone.
#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "core/room_service.hpp"
#include "media/wanted_streams.hpp"
#include "support/scenario.hpp"

using namespace counsel;
using namespace counsel::media;
using namespace counsel::testing;

namespace {

class RecordingMediaPort final : public MediaPort {
public:
    void publish(std::shared_ptr<const ForwardingTable> table) override { tables.push_back(std::move(table)); }
    std::optional<Error> negotiate(HandleId handle, const std::string&, const std::string& request, const Json&,
                                   const Json&, const MediaRoom&) override {
        negotiated.push_back({handle, request});
        return refuse;
    }
    std::optional<Error> connect_phone(HandleId handle, const std::string&, int port, const MediaRoom&) override {
        phones.push_back({handle, port});
        return std::nullopt;
    }
    void release(HandleId handle) override { released.push_back(handle); }
    void receive(HandleId receiver, HandleId person) override { receiving.push_back({receiver, person}); }
    std::vector<std::shared_ptr<const ForwardingTable>> tables;
    std::vector<std::pair<HandleId, HandleId>> receiving;
    std::vector<std::pair<HandleId, int>> phones;
    std::vector<std::pair<HandleId, std::string>> negotiated;
    std::vector<HandleId> released;
    std::optional<Error> refuse;  // what negotiate answers (nullopt: accepted)
};

struct World {
    World() = default;
    explicit World(Config c) : config(std::move(c)) {}
    RecordingGateway gateway;
    ManualClock clock;
    MemoryLedger ledger;
    RecordingMediaPort port;
    Config config = test_config();
    RoomService service{config, gateway, ledger, clock, &port};
    int txn = 0;

    Json request(HandleId handle, const std::string& text, Json jsep = Json()) {
        json_error_t err;
        Json body = Json::adopt(json_loads(text.c_str(), 0, &err));
        if (!body) throw std::runtime_error("bad test JSON");
        const std::string t = "w" + std::to_string(++txn);
        service.handle(handle, t, body, jsep);
        for (auto it = gateway.pushed.rbegin(); it != gateway.pushed.rend(); ++it)
            if (it->handle == handle && it->transaction == t) return it->event;
        return Json();
    }
    const ForwardingTable& table() const { return *port.tables.back(); }
    // The wish of `handle` under the latest table, everyone in `sending` having
    // a PeerConnection up (and the person's receiving handle's, if they bound one).
    std::vector<Wanted> wish(HandleId handle, const std::vector<HandleId>& sending,
                             Asking asking = Asking::PublishingHandleWithReceiverUp) const {
        std::map<HandleId, Published> published;
        for (HandleId h : sending) {
            Published p;
            p.epoch = 1;
            p.streams = {{0, Kind::Audio, {"opus", 111, ""}}, {1, Kind::Video, {"vp8", 96, ""}}};
            published.emplace(h, p);
        }
        auto it = table().rooms_by_handle.find(handle);
        if (it == table().rooms_by_handle.end()) return {};
        return wanted_streams(*it->second, handle, published, [](Kind, const SlotCodec&) { return true; }, asking);
    }
    // The same for the receiving handle of the person on publishing handle `handle`.
    std::vector<Wanted> receiving_wish(HandleId handle, const std::vector<HandleId>& sending) const {
        return wish(handle, sending, Asking::ReceivingHandle);
    }
};

Json offer_jsep() { return Json::object().set("type", "offer").set("sdp", "v=0\r\n"); }

std::vector<HandleId> sources(const std::vector<Wanted>& wish) {
    std::vector<HandleId> out;
    for (const Wanted& w : wish)
        if (out.empty() || out.back() != w.source.handle) out.push_back(w.source.handle);
    return out;
}

const MediaMember* member(const ForwardingTable& table, HandleId handle) {
    auto it = table.rooms_by_handle.find(handle);
    if (it == table.rooms_by_handle.end()) return nullptr;
    for (const MediaMember& m : it->second->members)
        if (m.handle == handle) return &m;
    return nullptr;
}

void who_gets_what_through_admission_mute_and_kick(void**) {
    World w;
    const Json created = w.request(kPractitioner, "{\"request\":\"create\",\"practitioner_key\":\"" +
                                                      std::string(kPractitionerKey) +
                                                      "\",\"invitees\":[{\"label\":\"A\"},{\"label\":\"B\"}],\"e2ee\":false}");
    const std::string room = created.string_at("room").value_or("");
    const std::string mod_token = created.string_at("moderator_token").value_or("");
    const std::string a_token = json_string_value(json_object_get(json_array_get(created.field("invites"), 0), "token"));
    const std::string b_token = json_string_value(json_object_get(json_array_get(created.field("invites"), 1), "token"));
    auto join = [&](HandleId h, const std::string& token, const char* name) {
        return w.request(h, "{\"request\":\"join\",\"room\":\"" + room + "\",\"token\":\"" + token +
                                "\",\"display\":\"" + name + "\"}");
    };
    const Json mod = join(kModerator, mod_token, "M");
    const Json a = join(kGuestA, a_token, "A");
    const Json b = join(kGuestB, b_token, "B");
    assert_string_equal(mod.string_at("counsel")->c_str(), "joined");
    assert_string_equal(a.string_at("counsel")->c_str(), "waiting");
    assert_string_equal(b.string_at("counsel")->c_str(), "waiting");
    const std::uint64_t mod_id = static_cast<std::uint64_t>(*mod.integer_at("id"));
    const std::uint64_t a_id = static_cast<std::uint64_t>(*a.integer_at("id"));
    const std::uint64_t b_id = static_cast<std::uint64_t>(*b.integer_at("id"));
    // Everyone pretends to have a PeerConnection up, the lobby member too.
    const std::vector<HandleId> everyone = {kModerator, kGuestA, kGuestB};

    // Only the moderator is admitted: nobody to receive, and the lobby is not in the table.
    assert_non_null(member(w.table(), kModerator));
    assert_null(member(w.table(), kGuestA));
    assert_int_equal(w.wish(kModerator, everyone).size(), 0);
    assert_int_equal(w.wish(kGuestA, everyone).size(), 0);
    // A lobby member asking for media: 487 from the core, the media layer never hears of it.
    assert_int_equal(error_code(w.request(kGuestB, "{\"request\":\"publish\"}", offer_jsep())), 487);
    assert_int_equal(w.port.negotiated.size(), 0);

    // A is admitted: the moderator and A receive each other's two streams; B (lobby) nothing, and nobody B's.
    assert_string_equal(w.request(kModerator, "{\"request\":\"admit\",\"id\":" + std::to_string(a_id) + "}")
                            .string_at("counsel")->c_str(), "ok");
    std::vector<Wanted> m_wish = w.wish(kModerator, everyone);
    assert_int_equal(m_wish.size(), 2);
    assert_true(sources(m_wish) == std::vector<HandleId>{kGuestA});
    assert_true(m_wish[0].participant == a_id && m_wish[0].kind == Kind::Audio && m_wish[1].kind == Kind::Video);
    std::vector<Wanted> a_wish = w.wish(kGuestA, everyone);
    assert_true(sources(a_wish) == std::vector<HandleId>{kModerator});
    assert_true(a_wish[0].participant == mod_id);
    assert_int_equal(w.wish(kGuestB, everyone).size(), 0);
    // A's publish reaches the media layer.
    assert_null(w.request(kGuestA, "{\"request\":\"publish\"}", offer_jsep()).get());
    assert_int_equal(w.port.negotiated.size(), 1);
    assert_true(w.port.negotiated[0] == (std::pair<HandleId, std::string>{kGuestA, "publish"}));

    // B is admitted too: three people, each receives the other two, in order of arrival.
    w.request(kModerator, "{\"request\":\"admit\",\"id\":" + std::to_string(b_id) + "}");
    assert_true(sources(w.wish(kModerator, everyone)) == (std::vector<HandleId>{kGuestA, kGuestB}));
    assert_true(sources(w.wish(kGuestA, everyone)) == (std::vector<HandleId>{kModerator, kGuestB}));
    assert_true(sources(w.wish(kGuestB, everyone)) == (std::vector<HandleId>{kModerator, kGuestA}));
    // Someone without a PeerConnection is not received (but still receives once they have one).
    assert_true(sources(w.wish(kModerator, {kModerator, kGuestB})) == std::vector<HandleId>{kGuestB});

    // The moderator mutes A's audio: a flag in the table, the wishes do not change.
    assert_string_equal(w.request(kModerator, "{\"request\":\"mute\",\"id\":" + std::to_string(a_id) +
                                                   ",\"audio\":true}").string_at("counsel")->c_str(), "ok");
    assert_true(member(w.table(), kGuestA)->muted_audio);
    assert_false(member(w.table(), kGuestA)->muted_video);
    assert_int_equal(w.wish(kModerator, everyone).size(), 4);

    // Kick A: released at once, out of the table, out of every wish.
    w.request(kModerator, "{\"request\":\"kick\",\"id\":" + std::to_string(a_id) + "}");
    assert_true(std::count(w.port.released.begin(), w.port.released.end(), kGuestA) == 1);
    assert_null(member(w.table(), kGuestA));
    assert_true(sources(w.wish(kModerator, everyone)) == std::vector<HandleId>{kGuestB});
    assert_true(sources(w.wish(kGuestB, everyone)) == std::vector<HandleId>{kModerator});
    assert_int_equal(w.wish(kGuestA, everyone).size(), 0);

    // The end: nobody is left in any table.
    w.request(kModerator, "{\"request\":\"end\"}");
    assert_int_equal(w.table().rooms_by_handle.size(), 0);
    assert_true(std::count(w.port.released.begin(), w.port.released.end(), kModerator) == 1);
    assert_true(std::count(w.port.released.begin(), w.port.released.end(), kGuestB) == 1);
}

void an_admitted_phone_caller_is_a_phone_member_and_gets_its_rtp(void**) {
    World w(phone_test_config());
    const Json created = w.request(kPractitioner, "{\"request\":\"create\",\"practitioner_key\":\"" +
                                                      std::string(kPractitionerKey) +
                                                      "\",\"invitees\":[{\"label\":\"A\"}],\"phone\":true}");
    const std::string mod_token = created.string_at("moderator_token").value_or("");
    const std::string number = Json::borrow(created.field("phone")).string_at("room_number").value_or("");
    const std::string pin = json_string_value(json_object_get(json_array_get(created.field("invites"), 0), "pin"));
    w.request(kModerator, "{\"request\":\"join\",\"room\":\"" + created.string_at("room").value_or("") +
                              "\",\"token\":\"" + mod_token + "\",\"display\":\"M\"}");
    const Json waiting = w.request(kGuestA, "{\"request\":\"phone_join\",\"service_key\":\"" +
                                                std::string(kPhoneServiceKey) + "\",\"room_number\":\"" + number +
                                                "\",\"pin\":\"" + pin + "\"}");
    assert_null(member(w.table(), kGuestA));
    w.request(kModerator, "{\"request\":\"admit\",\"id\":" + std::to_string(*waiting.integer_at("id")) + "}");
    const MediaMember* caller = member(w.table(), kGuestA);
    assert_non_null(caller);
    assert_true(caller->phone);
    assert_false(member(w.table(), kModerator)->phone);
    // The caller hears the moderator like anyone admitted would.
    assert_int_equal(w.wish(kGuestA, {kModerator, kGuestA}).size(), 2);
    w.request(kGuestA, "{\"request\":\"rtp\",\"port\":40002}");
    assert_int_equal(w.port.phones.size(), 1);
    assert_int_equal(w.port.phones[0].first, kGuestA);
    assert_int_equal(w.port.phones[0].second, 40002);
}

// A room of the moderator (kModerator) and A (kGuestA) admitted, B (kGuestB) in the lobby.
struct TwoAdmitted {
    World w;
    std::string room;
    std::string a_token, b_token;
    TwoAdmitted(bool e2ee = false) {
        const Json created = w.request(kPractitioner, "{\"request\":\"create\",\"practitioner_key\":\"" +
                                                          std::string(kPractitionerKey) +
                                                          "\",\"invitees\":[{\"label\":\"A\"},{\"label\":\"B\"}],\"e2ee\":" +
                                                          (e2ee ? "true" : "false") + "}");
        room = created.string_at("room").value_or("");
        a_token = json_string_value(json_object_get(json_array_get(created.field("invites"), 0), "token"));
        b_token = json_string_value(json_object_get(json_array_get(created.field("invites"), 1), "token"));
        join(kModerator, created.string_at("moderator_token").value_or(""));
        const Json a = join(kGuestA, a_token);
        join(kGuestB, b_token);
        w.request(kModerator, "{\"request\":\"admit\",\"id\":" + std::to_string(*a.integer_at("id")) + "}");
    }
    Json join(HandleId h, const std::string& token, Json jsep = Json()) {
        return w.request(h, "{\"request\":\"join\",\"room\":\"" + room + "\",\"token\":\"" + token + "\",\"display\":\"X\"}",
                         std::move(jsep));
    }
    std::size_t closed(HandleId h) const { return static_cast<std::size_t>(std::count(w.gateway.closed.begin(), w.gateway.closed.end(), h)); }
};

Json update_jsep() { return offer_jsep().set("update", true); }

void refused_first_offers_close_their_peerconnection_and_refused_updates_do_not(void**) {
    TwoAdmitted t;
    World& w = t.w;
    // The lobby member's offer (487): Janus built an ICE agent for it, so the
    // plugin closes that PeerConnection and says so.
    Json refused = w.request(kGuestB, "{\"request\":\"publish\"}", offer_jsep());
    assert_int_equal(error_code(refused), 487);
    assert_true(json_is_true(refused.field("pc_closed")));
    assert_int_equal(t.closed(kGuestB), 1);
    assert_int_equal(w.service.stats().lobby, 1);  // closing media is not leaving: B still waits
    // Without a JSEP there is nothing to close.
    Json bare = w.request(kGuestB, "{\"request\":\"publish\"}");
    assert_int_equal(error_code(bare), 487);
    assert_null(bare.field("pc_closed"));
    assert_int_equal(t.closed(kGuestB), 1);

    // A's first offer refused by the media layer (e.g. 481, no usable codec): the core answers and closes.
    w.port.refuse = error(ErrorCode::Invalid, "no usable codec in the offer");
    refused = w.request(kGuestA, "{\"request\":\"publish\"}", offer_jsep());
    assert_int_equal(error_code(refused), 481);
    assert_true(json_is_true(refused.field("pc_closed")));
    assert_int_equal(t.closed(kGuestA), 1);
    // The same refusal of an update (a PeerConnection already negotiated) leaves it alone.
    refused = w.request(kGuestA, "{\"request\":\"publish\"}", update_jsep());
    assert_int_equal(error_code(refused), 481);
    assert_null(refused.field("pc_closed"));
    assert_int_equal(t.closed(kGuestA), 1);
    // A malformed publish: closed when fresh, not when an update.
    const Json malformed = w.request(kGuestA, "{\"request\":\"publish\",\"x\":1}", offer_jsep());
    assert_int_equal(error_code(malformed), 480);
    assert_true(json_is_true(malformed.field("pc_closed")));
    assert_int_equal(t.closed(kGuestA), 2);
    assert_int_equal(error_code(w.request(kGuestA, "{\"request\":\"publish\",\"x\":1}", update_jsep())), 480);
    assert_int_equal(t.closed(kGuestA), 2);
    // An accepted offer closes nothing; nor does a refused answer (Janus built nothing for it).
    w.port.refuse.reset();
    assert_null(w.request(kGuestA, "{\"request\":\"publish\"}", offer_jsep()).get());
    w.port.refuse = error(ErrorCode::NotAllowed, "there is no offer from the plugin to answer");
    Json answer = w.request(kGuestA, "{\"request\":\"answer\"}", Json::object().set("type", "answer").set("sdp", "v=0\r\n"));
    assert_int_equal(error_code(answer), 487);
    assert_null(answer.field("pc_closed"));
    assert_int_equal(t.closed(kGuestA), 2);
    assert_int_equal(w.service.stats().admitted, 2);  // nobody left

    // An offer on a request that takes none (a join) is closed too.
    Json join = t.join(kGuestC, t.b_token, offer_jsep());
    assert_int_equal(error_code(join), 480);
    assert_true(json_is_true(join.field("pc_closed")));
    assert_int_equal(t.closed(kGuestC), 1);
}

void an_e2ee_rooms_plain_first_offer_is_488_and_closed(void**) {
    TwoAdmitted t(true);
    Json refused = t.w.request(kGuestA, "{\"request\":\"publish\"}", offer_jsep());
    assert_int_equal(error_code(refused), 488);
    assert_true(json_is_true(refused.field("pc_closed")));
    assert_int_equal(t.closed(kGuestA), 1);
    assert_int_equal(t.w.port.negotiated.size(), 0);
    // With the flag it reaches the media layer.
    assert_null(t.w.request(kGuestA, "{\"request\":\"publish\"}", offer_jsep().set("e2ee", true)).get());
    assert_int_equal(t.w.port.negotiated.size(), 1);
}

void audio_only_is_a_flag_in_the_table_and_tells_nobody(void**) {
    TwoAdmitted t;
    World& w = t.w;
    const std::vector<HandleId> both = {kModerator, kGuestA};
    assert_true(member(w.table(), kGuestA)->receive_video);
    const std::size_t participants_events = w.gateway.count(kModerator, "participants");
    const std::size_t tables = w.port.tables.size();

    Json ok = w.request(kGuestA, "{\"request\":\"configure\",\"receive_video\":false}");
    assert_string_equal(ok.string_at("counsel")->c_str(), "ok");
    assert_true(json_is_false(ok.field("receive_video")));
    assert_int_equal(w.port.tables.size(), tables + 1);
    assert_false(member(w.table(), kGuestA)->receive_video);
    assert_true(member(w.table(), kModerator)->receive_video);  // only their own receiving
    // No renegotiation: the wish (m-lines) stays; the media layer leaves the video legs out.
    assert_int_equal(w.wish(kGuestA, both).size(), 2);
    assert_int_equal(w.gateway.count(kModerator, "participants"), participants_events);
    // The same again changes nothing; back on is a new table.
    w.request(kGuestA, "{\"request\":\"configure\",\"receive_video\":false}");
    assert_int_equal(w.port.tables.size(), tables + 1);
    ok = w.request(kGuestA, "{\"request\":\"configure\",\"receive_video\":true}");
    assert_true(json_is_true(ok.field("receive_video")));
    assert_int_equal(w.port.tables.size(), tables + 2);
    assert_true(member(w.table(), kGuestA)->receive_video);
    assert_int_equal(w.gateway.count(kModerator, "participants"), participants_events);

    // Wrong types are 480; the lobby may not configure (487).
    assert_int_equal(error_code(w.request(kGuestA, "{\"request\":\"configure\",\"receive_video\":\"no\"}")), 480);
    assert_int_equal(error_code(w.request(kGuestB, "{\"request\":\"configure\",\"receive_video\":false}")), 487);
}

// Receiving handles (docs/api.md "Media"): A's second handle kReceiverA binds
// with the resume secret (from `waiting`); the others' streams then go there alone.
constexpr HandleId kReceiverA = 40, kReceiverB = 41, kReceiverM = 42;

std::string receive_body(const std::string& room, std::uint64_t id, const std::string& secret) {
    return "{\"request\":\"receive\",\"room\":\"" + room + "\",\"id\":" + std::to_string(id) +
           ",\"secret\":\"" + secret + "\"}";
}

void a_receiving_handle_takes_over_what_a_person_receives(void**) {
    TwoAdmitted t;
    World& w = t.w;
    const std::vector<HandleId> both = {kModerator, kGuestA};
    const Json admitted = w.gateway.last(kGuestA, "admitted");
    const std::uint64_t a_id = static_cast<std::uint64_t>(*admitted.integer_at("id"));
    const std::string secret = w.gateway.last(kGuestA, "waiting").string_at("resume").value_or("");
    assert_int_equal(secret.size(), 22);
    // The moderator gets one in `joined`, a different one.
    const Json joined = w.gateway.last(kModerator, "joined");
    assert_true(joined.string_at("resume").value_or("").size() == 22);
    assert_true(*joined.string_at("resume") != secret);
    // The secret is for the person alone: in no notification and no log line.
    for (const Json& n : w.gateway.notified) assert_null(strstr(n.dump().c_str(), secret.c_str()));
    for (const std::string& line : w.gateway.logs) assert_null(strstr(line.c_str(), secret.c_str()));

    assert_int_equal(w.wish(kGuestA, both).size(), 2);  // before: on the publishing handle
    const std::size_t tables = w.port.tables.size();
    const Json ok = w.request(kReceiverA, receive_body(t.room, a_id, secret));
    assert_string_equal(ok.string_at("counsel")->c_str(), "receiving");
    assert_int_equal(*ok.integer_at("id"), static_cast<json_int_t>(a_id));
    assert_true(w.port.receiving.back() == (std::pair<HandleId, HandleId>{kReceiverA, kGuestA}));
    assert_int_equal(w.port.tables.size(), tables + 1);
    assert_true(member(w.table(), kGuestA)->receives_apart);
    assert_false(member(w.table(), kModerator)->receives_apart);
    // The receiving handle is no member of its own: nothing it sends is forwarded.
    assert_null(member(w.table(), kReceiverA));
    // While the receiving handle's PeerConnection connects, both get the
    // others' streams (nobody black meanwhile, nor if it never connects)...
    assert_true(sources(w.wish(kGuestA, both, Asking::PublishingHandle)) == std::vector<HandleId>{kModerator});
    assert_true(sources(w.receiving_wish(kGuestA, both)) == std::vector<HandleId>{kModerator});
    // ... once it is up, A's publishing handle receives nothing; their receiving handle what it had.
    assert_int_equal(w.wish(kGuestA, both).size(), 0);
    // Everybody else keeps receiving A's streams and receives on their own handle.
    assert_true(sources(w.wish(kModerator, both)) == std::vector<HandleId>{kGuestA});
    assert_int_equal(w.receiving_wish(kModerator, both).size(), 0);
    // The admin API sees a receiving handle (no names).
    assert_string_equal(w.service.describe_handle(kReceiverA).string_at("state")->c_str(), "receiving");

    // It answers the plugin's offers, and publishes nothing.
    const Json answer = Json::object().set("type", "answer").set("sdp", "v=0\r\n");
    assert_null(w.request(kReceiverA, "{\"request\":\"answer\"}", answer).get());
    assert_true(w.port.negotiated.back() == (std::pair<HandleId, std::string>{kReceiverA, "answer"}));
    const std::size_t negotiated = w.port.negotiated.size();
    assert_int_equal(error_code(w.request(kReceiverA, "{\"request\":\"publish\"}", offer_jsep())), 487);
    assert_int_equal(w.port.negotiated.size(), negotiated);
    // It cannot join a room as a person, nor leave one.
    assert_int_equal(error_code(t.join(kReceiverA, t.b_token)), 487);
    assert_int_equal(error_code(w.request(kReceiverA, "{\"request\":\"leave\"}")), 487);
    // The same bind again on the same handle: answered again (a page asking after its PeerConnection went).
    assert_string_equal(w.request(kReceiverA, receive_body(t.room, a_id, secret)).string_at("counsel")->c_str(), "receiving");
    // A second receiving handle for A replaces nothing: 487.
    assert_int_equal(error_code(w.request(kReceiverB, receive_body(t.room, a_id, secret))), 487);
    // The publishing handle cannot bind itself.
    assert_int_equal(error_code(w.request(kGuestA, receive_body(t.room, a_id, secret))), 487);

    // Detaching only the receiving handle (the page gave up on it): released,
    // nothing closed (the handle is gone); A stays, and their publishing
    // handle takes the others' streams back.
    const std::size_t closed_before = t.closed(kReceiverA);
    w.service.detach(kReceiverA);
    assert_true(std::count(w.port.released.begin(), w.port.released.end(), kReceiverA) == 1);
    assert_int_equal(t.closed(kReceiverA), closed_before);
    assert_int_equal(w.service.stats().admitted, 2);
    assert_false(member(w.table(), kGuestA)->receives_apart);
    assert_true(sources(w.wish(kGuestA, both)) == std::vector<HandleId>{kModerator});
    // Another handle may bind now.
    assert_string_equal(w.request(kReceiverB, receive_body(t.room, a_id, secret)).string_at("counsel")->c_str(), "receiving");
    // A leaves: their receiving handle is released and its PeerConnection closed.
    w.request(kGuestA, "{\"request\":\"leave\"}");
    assert_true(std::count(w.port.released.begin(), w.port.released.end(), kReceiverB) == 1);
    assert_int_equal(t.closed(kReceiverB), 1);
    assert_string_equal(w.service.describe_handle(kReceiverB).string_at("state")->c_str(), "idle");
    assert_int_equal(error_code(w.request(kReceiverB, "{\"request\":\"answer\"}", answer)), 487);
    // Their secret died with their seat.
    assert_int_equal(error_code(w.request(kReceiverB, receive_body(t.room, a_id, secret))), 482);
}

void wrong_secrets_are_482_and_limited_and_the_lobby_is_487(void**) {
    TwoAdmitted t;
    World& w = t.w;
    const Json admitted = w.gateway.last(kGuestA, "admitted");
    const std::uint64_t a_id = static_cast<std::uint64_t>(*admitted.integer_at("id"));
    const std::string secret = w.gateway.last(kGuestA, "waiting").string_at("resume").value_or("");
    const std::string moderator_secret = w.gateway.last(kModerator, "joined").string_at("resume").value_or("");
    const std::string wrong = "AAAAAAAAAAAAAAAAAAAAAA";
    // Malformed and out of range.
    assert_int_equal(error_code(w.request(kReceiverA, "{\"request\":\"receive\",\"room\":\"" + t.room + "\"}")), 480);
    assert_int_equal(error_code(w.request(kReceiverA, receive_body(t.room, a_id, "short"))), 481);
    std::string extra = receive_body(t.room, a_id, secret);
    extra.insert(extra.size() - 1, ",\"x\":1");
    assert_int_equal(error_code(w.request(kReceiverA, extra)), 480);
    // A wrong secret, someone else's secret, an unknown id, an unknown room: all 482.
    assert_int_equal(error_code(w.request(kReceiverA, receive_body(t.room, a_id, wrong))), 482);
    assert_int_equal(error_code(w.request(kReceiverA, receive_body(t.room, a_id, moderator_secret))), 482);
    assert_int_equal(error_code(w.request(kReceiverA, receive_body(t.room, a_id + 1, secret))), 482);
    assert_int_equal(error_code(w.request(kReceiverA, receive_body(wrong, a_id, secret))), 482);
    assert_int_equal(w.port.receiving.size(), 0);
    // The lobby member B cannot bind (and has no secret).
    const std::uint64_t b_id = static_cast<std::uint64_t>(*w.gateway.last(kGuestB, "waiting").integer_at("id"));
    assert_int_equal(error_code(w.request(kReceiverB, receive_body(t.room, b_id, secret))), 487);
    assert_null(member(w.table(), kGuestB));
    // Guessing is limited per handle like tokens: 486 after a few, even with the right secret.
    int code = 0;
    for (int i = 0; i < 50 && code != 486; ++i) code = error_code(w.request(kReceiverA, receive_body(t.room, a_id, wrong)));
    assert_int_equal(code, 486);
    assert_int_equal(error_code(w.request(kReceiverA, receive_body(t.room, a_id, secret))), 486);
    // Another handle with the right secret still gets in.
    assert_string_equal(w.request(kReceiverM, receive_body(t.room, a_id, secret)).string_at("counsel")->c_str(), "receiving");
    // Log lines name handles only.
    for (const std::string& line : w.gateway.logs) assert_null(strstr(line.c_str(), secret.c_str()));
}

void kick_and_end_release_and_close_receiving_handles(void**) {
    TwoAdmitted t;
    World& w = t.w;
    const Json admitted = w.gateway.last(kGuestA, "admitted");
    const std::uint64_t a_id = static_cast<std::uint64_t>(*admitted.integer_at("id"));
    const std::uint64_t m_id = static_cast<std::uint64_t>(*w.gateway.last(kModerator, "joined").integer_at("id"));
    w.request(kReceiverA, receive_body(t.room, a_id, w.gateway.last(kGuestA, "waiting").string_at("resume").value_or("")));
    w.request(kReceiverM, receive_body(t.room, m_id,
                                       w.gateway.last(kModerator, "joined").string_at("resume").value_or("")));
    assert_int_equal(w.port.receiving.size(), 2);
    // Kick A: their receiving handle goes with them.
    w.request(kModerator, "{\"request\":\"kick\",\"id\":" + std::to_string(a_id) + "}");
    assert_true(std::count(w.port.released.begin(), w.port.released.end(), kReceiverA) == 1);
    assert_int_equal(t.closed(kReceiverA), 1);
    assert_string_equal(w.service.describe_handle(kReceiverA).string_at("state")->c_str(), "idle");
    // The end: the moderator's receiving handle too, before the room is gone.
    w.request(kModerator, "{\"request\":\"end\"}");
    assert_true(std::count(w.port.released.begin(), w.port.released.end(), kReceiverM) == 1);
    assert_int_equal(t.closed(kReceiverM), 1);
    assert_int_equal(w.table().rooms_by_handle.size(), 0);
    // A detach afterwards finds nothing to do.
    w.service.detach(kReceiverM);
    w.service.detach(kReceiverA);
    assert_true(std::count(w.port.released.begin(), w.port.released.end(), kReceiverM) == 1);
}

void detaching_the_publishing_handle_ends_the_receiving_one(void**) {
    TwoAdmitted t;
    World& w = t.w;
    const Json admitted = w.gateway.last(kGuestA, "admitted");
    const std::uint64_t a_id = static_cast<std::uint64_t>(*admitted.integer_at("id"));
    w.request(kReceiverA, receive_body(t.room, a_id, w.gateway.last(kGuestA, "waiting").string_at("resume").value_or("")));
    w.service.detach(kGuestA);
    assert_true(std::count(w.port.released.begin(), w.port.released.end(), kReceiverA) == 1);
    assert_int_equal(t.closed(kReceiverA), 1);
    assert_null(member(w.table(), kGuestA));
    assert_int_equal(w.service.stats().admitted, 2);  // the seat waits (reconnect_grace_s)
    // While it waits nobody receives for it, not even with the right secret.
    const std::string secret = w.gateway.last(kGuestA, "waiting").string_at("resume").value_or("");
    assert_int_equal(error_code(w.request(kReceiverB, receive_body(t.room, a_id, secret))), 487);
}

// A person who comes back (resume) binds again; a binding made before the drop
// goes with the old handle, or stays when the seat stays on the same handle.
constexpr HandleId kGuestAAgain = 43;

std::string resume_body(const std::string& room, const std::string& token, const std::string& resume) {
    return "{\"request\":\"join\",\"room\":\"" + room + "\",\"token\":\"" + token +
           "\",\"display\":\"X\",\"resume\":\"" + resume + "\"}";
}

void a_resume_keeps_or_ends_the_binding_and_binds_again(void**) {
    TwoAdmitted t;
    World& w = t.w;
    const std::uint64_t a_id = static_cast<std::uint64_t>(*w.gateway.last(kGuestA, "admitted").integer_at("id"));
    const std::string first = w.gateway.last(kGuestA, "waiting").string_at("resume").value_or("");
    assert_string_equal(w.request(kReceiverA, receive_body(t.room, a_id, first)).string_at("counsel")->c_str(),
                        "receiving");
    // The same handle comes back (a claimed Janus session): the binding stays.
    const Json same = w.request(kGuestA, resume_body(t.room, t.a_token, first));
    assert_string_equal(same.string_at("counsel")->c_str(), "resumed");
    assert_string_equal(w.service.describe_handle(kReceiverA).string_at("state")->c_str(), "receiving");
    assert_int_equal(t.closed(kReceiverA), 0);
    const std::string second = same.string_at("resume").value_or("");
    assert_true(second != first);
    // Asking again on the bound handle, with the renewed secret, is fine; the old one is dead.
    assert_int_equal(error_code(w.request(kReceiverB, receive_body(t.room, a_id, first))), 482);
    assert_string_equal(w.request(kReceiverA, receive_body(t.room, a_id, second)).string_at("counsel")->c_str(),
                        "receiving");
    // A new handle takes the seat (a new Janus session): the old binding ends,
    // the others' streams go to the new publishing handle until it binds again.
    const Json moved = w.request(kGuestAAgain, resume_body(t.room, t.a_token, second));
    assert_string_equal(moved.string_at("counsel")->c_str(), "resumed");
    assert_true(std::count(w.port.released.begin(), w.port.released.end(), kReceiverA) == 1);
    assert_int_equal(t.closed(kReceiverA), 1);
    assert_string_equal(w.service.describe_handle(kReceiverA).string_at("state")->c_str(), "idle");
    assert_false(member(w.table(), kGuestAAgain)->receives_apart);
    const std::string third = moved.string_at("resume").value_or("");
    assert_string_equal(w.request(kReceiverB, receive_body(t.room, a_id, third)).string_at("counsel")->c_str(),
                        "receiving");
    assert_true(member(w.table(), kGuestAAgain)->receives_apart);
    assert_int_equal(w.port.receiving.back().first, kReceiverB);
    assert_int_equal(w.port.receiving.back().second, kGuestAAgain);
}

}  // namespace

int main() {
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(who_gets_what_through_admission_mute_and_kick),
        cmocka_unit_test(an_admitted_phone_caller_is_a_phone_member_and_gets_its_rtp),
        cmocka_unit_test(refused_first_offers_close_their_peerconnection_and_refused_updates_do_not),
        cmocka_unit_test(an_e2ee_rooms_plain_first_offer_is_488_and_closed),
        cmocka_unit_test(audio_only_is_a_flag_in_the_table_and_tells_nobody),
        cmocka_unit_test(a_receiving_handle_takes_over_what_a_person_receives),
        cmocka_unit_test(wrong_secrets_are_482_and_limited_and_the_lobby_is_487),
        cmocka_unit_test(kick_and_end_release_and_close_receiving_handles),
        cmocka_unit_test(detaching_the_publishing_handle_ends_the_receiving_one),
        cmocka_unit_test(a_resume_keeps_or_ends_the_binding_and_binds_again),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
