// Private download links for finished recordings.
//
// A link is "/rec/<capability>": 128 random bits (libsodium's CSPRNG) as 22
// URL-safe base64 characters. The store never writes the capability itself:
// on disk it keeps, per link, a file named by the SHA-256 of the capability
// (64 lower-case hex digits) in <rec_dir>/_links/ (folder 0700, files 0600),
// holding {"room": <room ref>, "granted_at": <unix s>, "expires_at": <unix s>}.
// A link file is written only once the recording is finished (until then the
// recorder keeps the digest in the recording's own marker), so nothing appears
// in rec_dir before everyone has consented, and a vetoed recording leaves no link. The recording of a room is
// <rec_dir>/<room ref>/recording.mp4. Anyone who can read rec_dir (the web
// server) resolves a link without this code: SHA-256 the capability, read the
// link file, check expires_at, open the room's recording.mp4 (see
// web/server/rec_links.js and the CLI counsel-rec-lookup).
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace counsel::recording {

class CapabilityStore {
public:
    // A new link: the path to hand out ("/rec/<capability>") and the digest to keep.
    struct Minted {
        std::string path;
        std::string digest;
    };

    // Links live in <rec_dir>/_links. With `reader_group`, the folder and every
    // link file are readable by that group (the page server's, rec_reader_group).
    explicit CapabilityStore(std::string rec_dir, std::optional<unsigned> reader_group = std::nullopt);

    // Creates the link folder (0700). False with a reason if it cannot.
    bool open(std::string& reason);

    // A fresh capability (128 random bits). Nothing is written: the recorder
    // keeps the digest with the recording until it is finished, then publishes it.
    static Minted mint();
    // Makes a link work: <links>/<digest> -> the room's recording until `expires_at_s`.
    bool publish(const std::string& digest, const std::string& room_ref, std::int64_t granted_at_s,
                 std::int64_t expires_at_s);
    // The recording a capability (the part after "/rec/") opens at `now_s`:
    // its path, or nullopt (malformed, unknown, expired, file gone).
    std::optional<std::string> lookup(std::string_view capability, std::int64_t now_s) const;
    // The recording is gone (discarded, expired): its links go too. Returns how many.
    std::size_t forget(const std::string& room_ref);
    // Deletes expired and unreadable links and stray files. Returns how many.
    std::size_t sweep(std::int64_t now_s);
    // How many links exist.
    std::size_t count() const;

    // The recording file of a room.
    std::string recording_path(const std::string& room_ref) const;
    const std::string& links_dir() const { return links_dir_; }

    // 22 characters of [A-Za-z0-9_-] whose last one ends 128 bits exactly.
    static bool well_formed(std::string_view capability);
    // SHA-256 of the capability's characters, lower-case hex.
    static std::string digest_hex(std::string_view capability);
    // 64 lower-case hex digits.
    static bool valid_digest(std::string_view digest);
    // A room reference that is safe as a folder name.
    static bool valid_room_ref(std::string_view ref);

private:
    struct Entry {
        std::string room;
        std::int64_t granted_at = 0;
        std::int64_t expires_at = 0;
    };
    static std::optional<Entry> parse(const std::string& text);
    static std::string render(const Entry& entry);
    std::optional<Entry> read_entry(const std::string& name) const;
    std::vector<std::string> entry_names() const;

    std::string rec_dir_;
    std::string links_dir_;
    std::optional<unsigned> reader_group_;
    mutable std::mutex mutex_;
};

}  // namespace counsel::recording
