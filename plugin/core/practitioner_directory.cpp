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

std::optional<std::string> PractitionerDirectory::verify(std::string_view key) {
    if (key.empty() || key.size() > 256) return std::nullopt;
    if (auto known = recall(key)) return known;
    const Digest digest = hasher_.hash(key);
    // crypto_pwhash_str_verify wants a NUL-terminated password.
    std::string text(key);
    std::optional<std::string> found;
    for (std::size_t i = 0; i < entries_.size() && !found; ++i) {
        if (crypto_pwhash_str_verify(entries_[i].key_hash.c_str(), text.c_str(), text.size()) == 0) {
            remembered_.push_back({digest, i});
            found = entries_[i].id;
        }
    }
    sodium_memzero(text.data(), text.size());
    return found;
}

}  // namespace counsel
