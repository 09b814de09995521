// libFuzzer target: arbitrary request sequences from several handles against
// a fresh service with one room whose real credentials the input can name.
// The room records with consent, so the consent ledger and the recording
// state machine are reached as well as the lobby.
//
// Input: lines. "<h>{json}" sends json from handle h (a digit 1-6); in the
// JSON, $R, $M, $A, $B and $P stand for the room id, the moderator token, two
// invite tokens and the room password; $N, $K and $S for the room's phone
// number, A's PIN and counsel-phone's service key (the room has phone
// dial-in). "!<n>" advances the clock n seconds and ticks; "~<h>" detaches
// handle h.
#include <sodium.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "support/fakes.hpp"

using namespace counsel;
using namespace counsel::testing;

namespace {

// A cheap Argon2id hash: the fuzzer must not spend 50 ms per create.
Config fuzz_config() {
    static const std::string hash = [] {
        char out[crypto_pwhash_STRBYTES];
        if (sodium_init() < 0 ||
            crypto_pwhash_str(out, kPractitionerKey, std::strlen(kPractitionerKey), crypto_pwhash_OPSLIMIT_MIN,
                              crypto_pwhash_MEMLIMIT_MIN) != 0)
            std::abort();
        return std::string(out);
    }();
    static const std::string service_hash = [] {
        char out[crypto_pwhash_STRBYTES];
        if (crypto_pwhash_str(out, kPhoneServiceKey, std::strlen(kPhoneServiceKey), crypto_pwhash_OPSLIMIT_MIN,
                              crypto_pwhash_MEMLIMIT_MIN) != 0)
            std::abort();
        return std::string(out);
    }();
    Config c = test_config();
    c.practitioners = {{"practice", hash}};
    c.phone_number = "+49 30 1234567";
    c.phone_service_key_hash = service_hash;
    return c;
}

void replace_all(std::string& text, std::string_view from, const std::string& to) {
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Harness h(fuzz_config());
    Json created = h.create(9, {"A", "B"}, ",\"password\":true,\"recording\":\"with_consent\",\"phone\":true");
    json_t* invites = created.field("invites");
    const std::string room = str(created, "room"), moderator = str(created, "moderator_token"),
                      password = str(created, "password");
    const std::string a = json_string_value(json_object_get(json_array_get(invites, 0), "token"));
    const std::string b = json_string_value(json_object_get(json_array_get(invites, 1), "token"));
    const std::string number = str(Json::borrow(created.field("phone")), "room_number");
    const std::string pin = json_string_value(json_object_get(json_array_get(invites, 0), "pin"));

    std::string_view input(reinterpret_cast<const char*>(data), size);
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
        for (std::size_t i = before; i < h.gateway.pushed.size(); ++i)
            if (h.gateway.pushed[i].transaction == "f") ++answers;
        const bool media_answers = body.string_at("request") == std::string("rtp") && answers == 0;
        if (answers != 1 && !media_answers) std::abort();
        h.gateway.pushed.clear();
    }
    // Whatever happened, ending everything leaves no room and no seat.
    h.service.end_all();
    if (h.service.stats().rooms != 0 || h.service.stats().lobby != 0) std::abort();
    return 0;
}
