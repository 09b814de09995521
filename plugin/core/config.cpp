#include "core/config.hpp"

#include "core/key_hash.hpp"
#include "core/profile.hpp"

namespace counsel {
namespace {

bool in_range(std::int64_t value, std::int64_t low, std::int64_t high) { return value >= low && value <= high; }

// How a log line names practitioner #n: by its id (no secret) when that is
// plain text, else by its place in the list.
std::string practitioner_name(const PractitionerEntry& p, std::size_t index) {
    bool plain = !p.id.empty() && p.id.size() <= 64;
    for (char c : p.id)
        plain = plain && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                          c == '_' || c == '-');
    return plain ? "practitioner \"" + p.id + "\"" : "practitioner #" + std::to_string(index + 1);
}

}  // namespace

Profile Config::profile_kind() const { return profile_named(profile).value_or(Profile::None); }

std::optional<std::string> Config::problem() const {
    if (!profile_named(profile)) return "profile must be \"kbv\" or left out: no other profile exists";
    if (state_db.empty()) return "state_db must name a file";
    if (!in_range(max_duration_s, 60, 7 * 24 * 3600)) return "max_duration_s must be between 60 and 604800";
    if (!in_range(max_advance_s, 0, 366 * 24 * 3600)) return "max_advance_s must be between 0 and 31622400";
    if (!in_range(lobby_timeout_s, 5, 24 * 3600)) return "lobby_timeout_s must be between 5 and 86400";
    if (!in_range(idle_end_s, 1, 24 * 3600)) return "idle_end_s must be between 1 and 86400";
    if (!in_range(max_participants, 2, 50)) return "max_participants must be between 2 and 50";
    if (!in_range(reconnect_grace_s, 0, 600)) return "reconnect_grace_s must be between 0 and 600";
    if (notice_text.size() > 4000) return "notice_text must be at most 4000 bytes";
    if (practitioners.empty()) return "no practitioners are configured: nobody could create a room";
    for (std::size_t i = 0; i < practitioners.size(); ++i) {
        const auto& p = practitioners[i];
        if (p.id.empty() || p.id.size() > 64) return "practitioner #" + std::to_string(i + 1) + " needs an id of 1-64 characters";
        if (auto wrong = key_hash_problem(p.key_hash))
            return practitioner_name(p, i) + ": key_hash cannot be used: it " + *wrong +
                   " (counsel-keygen --id makes a new key and its hash)";
        for (std::size_t j = 0; j < i; ++j)
            if (practitioners[j].id == p.id) return "practitioner #" + std::to_string(i + 1) + " repeats an id";
    }
    return std::nullopt;
}

}  // namespace counsel
