#include "core/practitioner_directory.hpp"

#include <sodium.h>

namespace counsel {
namespace {

constexpr std::size_t kMaxKeyBytes = 256;

}  // namespace

PractitionerDirectory::PractitionerDirectory(std::vector<PractitionerEntry> entries) {
    entries_.reserve(entries.size());  // remembered_ points into it
    for (auto& e : entries) {
        Entry entry{std::move(e.id), {}, parse_fast_key_hash(e.key_hash)};
        if (!entry.fast) entry.argon2id = std::move(e.key_hash);
        entries_.push_back(std::move(entry));
    }
}

const PractitionerDirectory::Entry* PractitionerDirectory::candidate(std::string_view key) const {
    if (key.empty() || key.size() > kMaxKeyBytes) return nullptr;
    // The secret is base64url (no '.'), so the id ends at the last '.'; ids may contain dots.
    const std::size_t dot = key.rfind('.');
    if (dot == std::string_view::npos) return entries_.size() == 1 ? &entries_[0] : nullptr;
    const std::string_view id = key.substr(0, dot);
    for (const Entry& entry : entries_)
        if (entry.id == id) return &entry;
    return nullptr;
}

bool PractitionerDirectory::remembered(std::string_view key, const Entry& entry) const {
    const Digest digest = hasher_.hash(key);
    for (const auto& r : remembered_)
        if (r.entry == &entry && digest_equal(r.key_digest, digest)) return true;
    return false;
}

std::optional<std::string> PractitionerDirectory::argon2id_needed(std::string_view key) const {
    const Entry* entry = candidate(key);
    if (entry == nullptr || entry->fast || remembered(key, *entry)) return std::nullopt;
    return entry->id;
}

std::optional<std::string> PractitionerDirectory::verify(std::string_view key) {
    const Entry* entry = candidate(key);
    if (entry == nullptr) return std::nullopt;
    if (entry->fast) {
        if (!fast_key_matches(*entry->fast, key)) return std::nullopt;
        return entry->id;
    }
    if (remembered(key, *entry)) return entry->id;
    // crypto_pwhash_str_verify wants a NUL-terminated password; the hash covers the whole key.
    std::string text(key);
    ++argon2_checks_;
    const bool ok = crypto_pwhash_str_verify(entry->argon2id.c_str(), text.c_str(), text.size()) == 0;
    sodium_memzero(text.data(), text.size());
    if (!ok) return std::nullopt;
    remembered_.push_back({hasher_.hash(key), entry});
    return entry->id;
}

}  // namespace counsel
