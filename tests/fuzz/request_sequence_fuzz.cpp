// libFuzzer target: arbitrary request sequences from several handles against
// a fresh service with one room whose real credentials the input can name.
// The room records with consent, so the consent ledger and the recording
// state machine are reached as well as the lobby.
//
// Input: lines. "<h>{json}" sends json from handle h (a digit 1-6); in the
// JSON, $R, $M, $A, $B and $P stand for the room id, the moderator token, two
// invite tokens and the room password, and $1 ... $6 for the participant id
// handle 1 ... 6 was last given (so admit, deny with ban, kick and mute reach
// real people); $N, $K and $S for the room's phone number, A's PIN and
// counsel-phone's service key (the room has phone dial-in); $r1 ... $r6 for
// the resume secret handle 1 ... 6 was last given (`waiting`/`joined`/`resumed`), so
// `receive` from another handle binds real receiving handles. "!<n>" advances
// the clock n seconds and ticks; "~<h>" detaches handle h. A first line "K"
// runs the service under profile = "kbv": the room is then end-to-end
// encrypted without recording or phone dial-in, and every create the input
// sends meets the profile's rules.
//
// Invariants after every request: exactly one answer with its transaction
// (an admitted caller's `rtp` is answered by the media layer, which this core
// has not); the lobby never holds more than the two personal links plus
// max_participants password knockers (their own share).
#include <array>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "support/fakes.hpp"

using namespace counsel;
using namespace counsel::testing;

namespace {

constexpr int kHandles = 6;

void replace_all(std::string& text, std::string_view from, const std::string& to) {
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    const bool kbv = input.substr(0, 2) == "K\n";
    if (kbv) input.remove_prefix(2);
    // $blake2b$ key hashes: create and phone_join cost no Argon2id. The kbv
    // profile forbids phone dial-in, so that server has none.
    Config config = kbv ? test_config() : phone_test_config();
    if (kbv) config.profile = "kbv";
    Harness h(std::move(config));
    std::array<std::string, kHandles + 1> ids;  // the participant id each handle was given, as text
    ids.fill("0");
    std::array<std::string, kHandles + 1> secrets;  // the resume secret each handle was given
    secrets.fill("AAAAAAAAAAAAAAAAAAAAAA");
    Json created = h.create(9, {"A", "B"},
                            kbv ? ",\"password\":true" : ",\"password\":true,\"recording\":\"with_consent\",\"phone\":true");
    if (!created.field("room")) std::abort();  // the room every line can name must exist
    json_t* invites = created.field("invites");
    const std::string room = str(created, "room"), moderator = str(created, "moderator_token"),
                      password = str(created, "password");
    const std::string a = json_string_value(json_object_get(json_array_get(invites, 0), "token"));
    const std::string b = json_string_value(json_object_get(json_array_get(invites, 1), "token"));
    const std::string number = kbv ? "" : str(Json::borrow(created.field("phone")), "room_number");
    const std::string pin = kbv ? "" : json_string_value(json_object_get(json_array_get(invites, 0), "pin"));

    int steps = 0;
    while (!input.empty() && steps++ < 64) {
        const std::size_t end = input.find('\n');
        std::string line(input.substr(0, end));
        input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
        if (line.size() < 2) continue;
        const char op = line[0];
        if (op == '!') {
            h.clock.advance_ms(std::strtoll(line.c_str() + 1, nullptr, 10) % 100000 * 1000);
            h.service.tick();
            continue;
        }
        const HandleId handle = static_cast<HandleId>(line[1] >= '1' && line[1] <= '6' ? line[1] - '0' : 1);
        if (op == '~') {
            h.service.detach(handle);
            continue;
        }
        if (op < '1' || op > '6') continue;
        std::string text = line.substr(1);
        replace_all(text, "$R", room);
        replace_all(text, "$M", moderator);
        replace_all(text, "$A", a);
        replace_all(text, "$B", b);
        replace_all(text, "$P", password);
        for (int k = 1; k <= kHandles; ++k) replace_all(text, "$r" + std::to_string(k), secrets[k]);
        for (int k = 1; k <= kHandles; ++k) replace_all(text, "$" + std::to_string(k), ids[k]);
        replace_all(text, "$N", number);
        replace_all(text, "$K", pin);
        replace_all(text, "$S", kPhoneServiceKey);
        json_error_t err;
        Json body = Json::adopt(json_loadb(text.data(), text.size(), JSON_DECODE_ANY, &err));
        if (!body) continue;
        const std::size_t before = h.gateway.pushed.size();
        h.service.handle(static_cast<HandleId>(op - '0'), "f", body, Json());
        // Every request gets exactly one answer with its transaction; an admitted
        // caller's `rtp` is answered by the media layer, which this core has not.
        std::size_t answers = 0;
        for (std::size_t i = before; i < h.gateway.pushed.size(); ++i) {
            const Pushed& p = h.gateway.pushed[i];
            if (p.transaction != "f") continue;
            ++answers;
            if (auto id = p.event.integer_at("id"); id && p.handle == static_cast<HandleId>(op - '0'))
                if (p.event.string_at("counsel") == std::string("waiting") ||
                    p.event.string_at("counsel") == std::string("joined"))
                    ids[op - '0'] = std::to_string(*id);
        }
        for (std::size_t i = before; i < h.gateway.pushed.size(); ++i) {
            const Pushed& p = h.gateway.pushed[i];
            if (auto secret = p.event.string_at("resume"); secret && p.handle >= 1 && p.handle <= kHandles)
                secrets[p.handle] = *secret;
        }
        const bool media_answers = body.string_at("request") == std::string("rtp") && answers == 0;
        if (answers != 1 && !media_answers) std::abort();
        if (h.service.stats().lobby > 2 + static_cast<std::size_t>(config.max_participants)) std::abort();
        h.gateway.pushed.clear();
    }
    // Whatever happened, ending everything leaves no room and no seat.
    h.service.end_all();
    if (h.service.stats().rooms != 0 || h.service.stats().lobby != 0) std::abort();
    return 0;
}
