#include "recording/capability_store.hpp"

#include <jansson.h>
#include <sodium.h>
#include <unistd.h>

#include "recording/private_fs.hpp"

namespace counsel::recording {
using namespace private_fs;
namespace {

constexpr std::size_t kCapabilityBytes = 16;  // 128 bits
constexpr std::size_t kCapabilityChars = 22;  // unpadded base64url of 16 bytes
constexpr const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

bool is_b64url(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

}  // namespace

CapabilityStore::CapabilityStore(std::string rec_dir, std::optional<unsigned> reader_group)
    : rec_dir_(std::move(rec_dir)), links_dir_(rec_dir_ + "/_links"), reader_group_(reader_group) {}

bool CapabilityStore::open(std::string& reason) {
    if (sodium_init() < 0) {
        reason = "libsodium could not be initialised";
        return false;
    }
    if (!make_private_dir(links_dir_, reason)) return false;
    if (!share_with_reader(links_dir_, reader_group_)) {
        reason = "cannot give rec_reader_group access to the link folder";
        return false;
    }
    return true;
}

bool CapabilityStore::well_formed(std::string_view capability) {
    if (capability.size() != kCapabilityChars) return false;
    for (char c : capability)
        if (!is_b64url(c)) return false;
    // 22 characters carry 132 bits: the last character's low 4 bits are padding, always 0.
    const char last = capability.back();
    const char* pos = std::char_traits<char>::find(kAlphabet, 64, last);
    return pos && ((pos - kAlphabet) & 0x0F) == 0;
}

std::string CapabilityStore::digest_hex(std::string_view capability) {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(capability.data()), capability.size());
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return std::string(hex);
}

bool CapabilityStore::valid_digest(std::string_view digest) {
    if (digest.size() != 64) return false;
    for (char c : digest)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

bool CapabilityStore::valid_room_ref(std::string_view ref) {
    if (ref.empty() || ref.size() > 64) return false;
    for (char c : ref)
        if (!is_b64url(c)) return false;
    return true;
}

std::string CapabilityStore::recording_path(const std::string& room_ref) const {
    return rec_dir_ + "/" + room_ref + "/recording.mp4";
}

std::optional<CapabilityStore::Entry> CapabilityStore::parse(const std::string& text) {
    json_error_t error;
    json_t* root = json_loadb(text.data(), text.size(), 0, &error);
    if (!root) return std::nullopt;
    std::optional<Entry> out;
    json_t* room = json_object_get(root, "room");
    json_t* granted = json_object_get(root, "granted_at");
    json_t* expires = json_object_get(root, "expires_at");
    if (json_is_string(room) && json_is_integer(granted) && json_is_integer(expires) &&
        valid_room_ref(json_string_value(room)))
        out = Entry{json_string_value(room), json_integer_value(granted), json_integer_value(expires)};
    json_decref(root);
    return out;
}

std::string CapabilityStore::render(const Entry& entry) {
    json_t* root = json_object();
    json_object_set_new(root, "room", json_string(entry.room.c_str()));
    json_object_set_new(root, "granted_at", json_integer(entry.granted_at));
    json_object_set_new(root, "expires_at", json_integer(entry.expires_at));
    char* text = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
    std::string out = text ? text : "";
    free(text);
    json_decref(root);
    return out + "\n";
}

std::optional<CapabilityStore::Entry> CapabilityStore::read_entry(const std::string& name) const {
    auto text = read_small_file(links_dir_ + "/" + name, 4096);
    if (!text) return std::nullopt;
    return parse(*text);
}

std::vector<std::string> CapabilityStore::entry_names() const {
    std::vector<std::string> out;
    for (std::string& name : list_dir(links_dir_))
        if (valid_digest(name)) out.push_back(std::move(name));
    return out;
}

CapabilityStore::Minted CapabilityStore::mint() {
    unsigned char raw[kCapabilityBytes];
    randombytes_buf(raw, sizeof raw);
    char text[sodium_base64_ENCODED_LEN(kCapabilityBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    sodium_bin2base64(text, sizeof text, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
    Minted out{std::string("/rec/") + text, digest_hex(text)};
    sodium_memzero(text, sizeof text);
    return out;
}

bool CapabilityStore::publish(const std::string& digest, const std::string& room_ref, std::int64_t granted_at_s,
                              std::int64_t expires_at_s) {
    if (!valid_digest(digest) || !valid_room_ref(room_ref) || expires_at_s <= 0) return false;
    std::lock_guard lock(mutex_);
    const std::string path = links_dir_ + "/" + digest;
    return write_private_file(path, render(Entry{room_ref, granted_at_s, expires_at_s})) &&
           share_with_reader(path, reader_group_);
}

std::optional<std::string> CapabilityStore::lookup(std::string_view capability, std::int64_t now_s) const {
    if (!well_formed(capability)) return std::nullopt;
    std::lock_guard lock(mutex_);
    auto entry = read_entry(digest_hex(capability));
    if (!entry || now_s >= entry->expires_at) return std::nullopt;
    std::string path = recording_path(entry->room);
    if (file_size(path) < 0) return std::nullopt;
    return path;
}

std::size_t CapabilityStore::forget(const std::string& room_ref) {
    std::lock_guard lock(mutex_);
    std::size_t removed = 0;
    for (const std::string& name : entry_names()) {
        auto entry = read_entry(name);
        if (!entry || entry->room != room_ref) continue;
        if (::unlink((links_dir_ + "/" + name).c_str()) == 0) ++removed;
    }
    if (removed) sync_path(links_dir_);
    return removed;
}

std::size_t CapabilityStore::sweep(std::int64_t now_s) {
    std::lock_guard lock(mutex_);
    std::size_t removed = 0;
    for (const std::string& name : list_dir(links_dir_)) {
        bool drop = true;  // left-over temporary files and anything that does not belong here
        if (valid_digest(name)) {
            auto entry = read_entry(name);
            drop = !entry || now_s >= entry->expires_at;
        }
        if (drop && ::unlink((links_dir_ + "/" + name).c_str()) == 0) ++removed;
    }
    if (removed) sync_path(links_dir_);
    return removed;
}

std::size_t CapabilityStore::count() const {
    std::lock_guard lock(mutex_);
    return entry_names().size();
}

}  // namespace counsel::recording
