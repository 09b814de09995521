#include "core/practitioner_directory.hpp"

#include <sodium.h>

namespace counsel {

PractitionerDirectory::PractitionerDirectory(std::vector<PractitionerEntry> entries) : entries_(std::move(entries)) {}

std::optional<std::string> PractitionerDirectory::recall(std::string_view key) const {
    const Digest digest = hasher_.hash(key);
    for (const auto& r : remembered_)
        if (digest_equal(r.key_digest, digest)) return entries_[r.index].id;
    return std::nullopt;
}

const PractitionerEntry* PractitionerDirectory::candidate(std::string_view key, std::size_t& index) const {
    // The secret is base64url (no '.'), so the id ends at the last '.'; ids may contain dots.
    const std::size_t dot = key.rfind('.');
    if (dot == std::string_view::npos) {
        index = 0;
        return entries_.size() == 1 ? &entries_[0] : nullptr;
    }
    const std::string_view id = key.substr(0, dot);
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        if (entries_[i].id == id) {
            index = i;
            return &entries_[i];
        }
    }
    return nullptr;
}

std::optional<std::string> PractitionerDirectory::verify(std::string_view key) {
    if (key.empty() || key.size() > 256) return std::nullopt;
    if (auto known = recall(key)) return known;
    std::size_t index = 0;
    const PractitionerEntry* entry = candidate(key, index);
    if (entry == nullptr) return std::nullopt;
    // crypto_pwhash_str_verify wants a NUL-terminated password; the hash covers the whole key.
    std::string text(key);
    ++argon2_checks_;
    const bool ok = crypto_pwhash_str_verify(entry->key_hash.c_str(), text.c_str(), text.size()) == 0;
    sodium_memzero(text.data(), text.size());
    if (!ok) return std::nullopt;
    remembered_.push_back({hasher_.hash(key), index});
    return entry->id;
}

}  // namespace counsel
