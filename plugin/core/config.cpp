#include "core/config.hpp"

namespace counsel {
namespace {

bool in_range(std::int64_t value, std::int64_t low, std::int64_t high) { return value >= low && value <= high; }

}  // namespace

std::optional<std::string> Config::problem() const {
    if (state_db.empty()) return "state_db must name a file";
    if (!in_range(max_duration_s, 60, 7 * 24 * 3600)) return "max_duration_s must be between 60 and 604800";
    if (!in_range(max_advance_s, 0, 366 * 24 * 3600)) return "max_advance_s must be between 0 and 31622400";
    if (!in_range(lobby_timeout_s, 5, 24 * 3600)) return "lobby_timeout_s must be between 5 and 86400";
    if (!in_range(idle_end_s, 1, 24 * 3600)) return "idle_end_s must be between 1 and 86400";
    if (!in_range(max_participants, 2, 50)) return "max_participants must be between 2 and 50";
    if (notice_text.size() > 4000) return "notice_text must be at most 4000 bytes";
    if (practitioners.empty()) return "no practitioners are configured: nobody could create a room";
    for (std::size_t i = 0; i < practitioners.size(); ++i) {
        const auto& p = practitioners[i];
        if (p.id.empty() || p.id.size() > 64) return "practitioner #" + std::to_string(i + 1) + " needs an id of 1-64 characters";
        if (p.key_hash.rfind("$argon2id$", 0) != 0)
            return "practitioner #" + std::to_string(i + 1) + " needs a key_hash from counsel-keygen ($argon2id$...)";
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
    if (phone_service_key_hash.rfind("$argon2id$", 0) != 0)
        return "phone.service_key_hash needs a key_hash from counsel-keygen ($argon2id$...)";
    return std::nullopt;
}

}  // namespace counsel
