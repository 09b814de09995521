#include "core/profile.hpp"

#include <type_traits>
#include <variant>

namespace counsel {
namespace {

// KBV Anlage 31b: end-to-end encryption of every stream, and no recording
// ("Inhalte ... dürfen weder eingesehen noch gespeichert werden").
std::optional<Error> kbv_refusal(const CreateRequest& req) {
    // A phone leg is decoded on the server: a patient's voice would pass it unencrypted.
    if (req.phone)
        return error(ErrorCode::Conflict,
                     "this server runs the KBV profile: no phone dial-in (a phone call cannot be end-to-end encrypted)");
    if (!req.e2ee)
        return error(ErrorCode::Conflict, "this server runs the KBV profile: every room is end-to-end encrypted");
    if (req.recording != RecordingMode::Off)
        return error(ErrorCode::Conflict, "this server runs the KBV profile: nothing is recorded");
    return std::nullopt;
}

}  // namespace

std::optional<Profile> profile_named(std::string_view name) {
    if (name.empty()) return Profile::None;
    if (name == "kbv") return Profile::Kbv;
    return std::nullopt;
}

const char* profile_name(Profile profile) {
    switch (profile) {
        case Profile::None: return "";
        case Profile::Kbv: return "kbv";
    }
    return "";
}

std::optional<Error> profile_refusal(Profile profile, const Request& request) {
    if (profile == Profile::None) return std::nullopt;
    return std::visit(
        [](const auto& req) -> std::optional<Error> {
            using T = std::decay_t<decltype(req)>;
            if constexpr (std::is_same_v<T, CreateRequest>) return kbv_refusal(req);
            else return std::nullopt;
        },
        request);
}

bool profile_allows_recording(Profile profile) { return profile != Profile::Kbv; }

bool profile_knock_chime(Profile profile) { return profile != Profile::Kbv; }

bool profile_allows_phone(Profile profile) { return profile != Profile::Kbv; }

}  // namespace counsel
