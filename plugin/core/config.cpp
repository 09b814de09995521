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
    if (!in_range(offer_timeout_s, 2, 300)) return "offer_timeout_s must be 2 .. 300";
    if (rec_retention_days != 0 && !in_range(rec_retention_days, 1, kMaxRetentionDays))
        return "rec_retention_days must be 1 .. " + std::to_string(kMaxRetentionDays);
    if (!rec_dir.empty() && rec_dir[0] != '/') return "rec_dir must be an absolute path";
    if (!rec_webdav_url.empty() && rec_webdav_user.empty() != rec_webdav_password.empty())
        return "rec_webdav_user and rec_webdav_password go together";
    if (!rec_webdav_url.empty() && !profile_allows_recording(profile_kind()))
        return "profile " + std::string(profile_name(profile_kind())) + " records nothing: remove rec_webdav_url";
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
    if (auto phone = phone_problem()) return phone;
    return std::nullopt;
}

std::optional<std::string> Config::phone_problem() const {
    if (phone_number.empty() && phone_service_key_hash.empty()) return std::nullopt;
    if (phone_number.empty() || phone_service_key_hash.empty())
        return "phone: number and service_key_hash go together (or leave both out)";
    // What a practice prints on an invitation: digits, +, blanks, ( ) - /.
    if (phone_number.size() > 32) return "phone.number must be at most 32 characters";
    int digits = 0;
    for (char c : phone_number) {
        if (c >= '0' && c <= '9') ++digits;
        else if (c != '+' && c != ' ' && c != '(' && c != ')' && c != '-' && c != '/')
            return "phone.number may hold only digits, +, blanks, ( ) - /";
    }
    if (digits < 3) return "phone.number needs at least 3 digits";
    // counsel-keygen's key (256 bits) needs no slow hash: a check costs a microsecond, no CPU limit.
    if (key_hash_form(phone_service_key_hash) != KeyHashForm::Blake2b)
        return "phone.service_key_hash needs the $blake2b$ key_hash counsel-keygen prints";
    if (auto wrong = key_hash_problem(phone_service_key_hash))
        return "phone.service_key_hash cannot be used: it " + *wrong + " (counsel-keygen makes a new key and its hash)";
    if (!profile_allows_phone(profile_kind()))
        return "profile " + std::string(profile_name(profile_kind())) +
               " forbids phone dial-in (a phone call cannot be end-to-end encrypted): leave out the phone group";
    return std::nullopt;
}

}  // namespace counsel
