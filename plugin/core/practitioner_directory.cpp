#include "core/practitioner_directory.hpp"

#include <sodium.h>

namespace counsel {
namespace {

constexpr std::size_t kMaxKeyBytes = 256;

}  // namespace

PractitionerDirectory::PractitionerDirectory(std::vector<PractitionerEntry> entries) {
    for (auto& e : entries) {
        Entry entry{std::move(e.id), {}, parse_fast_key_hash(e.key_hash)};
        if (!entry.fast) entry.argon2id = std::move(e.key_hash);
        entries_.push_back(std::move(entry));
    }
}

std::optional<std::size_t> PractitionerDirectory::candidate(std::string_view key) const {
    if (key.empty() || key.size() > kMaxKeyBytes) return std::nullopt;
    // The secret is base64url (no '.'), so the id ends at the last '.'; ids may contain dots.
    const std::size_t dot = key.rfind('.');
    if (dot == std::string_view::npos) return entries_.size() == 1 ? std::optional<std::size_t>(0) : std::nullopt;
    const std::string_view id = key.substr(0, dot);
    for (std::size_t i = 0; i < entries_.size(); ++i)
        if (entries_[i].id == id) return i;
    return std::nullopt;
}

bool PractitionerDirectory::remembered(std::string_view key, std::size_t entry) const {
    const Digest digest = hasher_.hash(key);
    for (const auto& r : remembered_)
        if (r.entry == entry && digest_equal(r.key_digest, digest)) return true;
    return false;
}

std::optional<std::string> PractitionerDirectory::argon2id_needed(std::string_view key) const {
    const auto index = candidate(key);
    if (!index || entries_[*index].fast || remembered(key, *index)) return std::nullopt;
    return entries_[*index].id;
}

std::optional<std::string> PractitionerDirectory::verify(std::string_view key) {
    const auto index = candidate(key);
    if (!index) return std::nullopt;
    const Entry& entry = entries_[*index];
    if (entry.fast) {
        if (!fast_key_matches(*entry.fast, key)) return std::nullopt;
        return entry.id;
    }
    if (remembered(key, *index)) return entry.id;
    const Argon2idCheck check = prepare_argon2id(key);
    // crypto_pwhash_str_verify wants a NUL-terminated password; the hash covers the whole key.
    std::string text(key);
    const bool ok = crypto_pwhash_str_verify(check.hash.c_str(), text.c_str(), text.size()) == 0;
    sodium_memzero(text.data(), text.size());
    return finish_argon2id(check, ok);
}

PractitionerDirectory::Argon2idCheck PractitionerDirectory::prepare_argon2id(std::string_view key) {
    const std::size_t index = candidate(key).value();  // argon2id_needed named it
    ++argon2_checks_;
    return Argon2idCheck{index, hasher_.hash(key), entries_[index].argon2id};
}

std::optional<std::string> PractitionerDirectory::finish_argon2id(const Argon2idCheck& check, bool matched) {
    if (!matched) return std::nullopt;
    remembered_.push_back({check.key_digest, check.entry});
    return entries_[check.entry].id;
}

}  // namespace counsel
