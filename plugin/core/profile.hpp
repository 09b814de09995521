// Compliance profiles (`profile` in janus.plugin.counsel.jcfg): a named set of
// rules on top of the plugin's own, for a regulated use. Every rule a profile
// adds is decided here, so a new room option (a phone dial-in, ...) gets its
// answer under each profile in this one place.
//
// "kbv": video consultation certifiable under KBV Anlage 31b zum BMV-Ä
// (Germany's statutory health insurance, §§ 4-5): every stream end-to-end
// encrypted, no recording of any kind, the practitioner undisturbed by the
// chime of further patients knocking (README "KBV profile").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/config.hpp"
#include "core/error.hpp"
#include "core/requests.hpp"

namespace counsel {

// The profile a configuration value names ("" is none), or nullopt if unknown.
std::optional<Profile> profile_named(std::string_view name);
const char* profile_name(Profile profile);

// Why the profile refuses this request (488: it conflicts with the profile),
// or nullopt. Runs after parsing, before any rule of the room.
std::optional<Error> profile_refusal(Profile profile, const Request& request);

// Whether the server may record at all (kbv: no recorder is started and
// nothing is ever written to rec_dir).
bool profile_allows_recording(Profile profile);

// Whether phone dial-in may be configured (kbv: no, a phone leg is decoded
// on the server; Config::problem refuses a `phone` group under it).
bool profile_allows_phone(Profile profile);

// Whether the moderator's page sounds a chime when someone knocks, until the
// moderator switches it (the `joined` answer's `knock_chime`).
bool profile_knock_chime(Profile profile);

}  // namespace counsel
