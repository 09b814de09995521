// rec_dir and its room folders on disk: every file the recorder writes,
// reads or deletes goes through here, the one part of it that uses the
// private-file helpers (recording/private_fs.hpp). Folders 0700, files
// 0600, written whole; what the page server serves is shared with
// rec_reader_group. Thread-safe: it keeps no state but its settings.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "recording/recorder_settings.hpp"
#include "recording/folder_marker.hpp"

namespace counsel::recording {

class RoomFolders {
public:
    RoomFolders(const RecorderSettings& settings, RecorderLog log);

    // Makes rec_dir (0700, entered by the reader group). False with a reason.
    bool prepare(std::string& reason);
    const std::string& rec_dir() const { return rec_dir_; }
    // <rec_dir>/<name>
    std::string path(const std::string& name) const { return rec_dir_ + "/" + name; }
    // The entries of rec_dir (room folders, the link store, leftovers), sorted.
    std::vector<std::string> entries() const;
    bool is_folder(const std::string& name) const;

    // A room's folder, made when its first span starts. False if it cannot be.
    bool create(const std::string& ref);
    // The marker, state.json, of the state's room (written whole).
    bool write_state(const FolderMarker& state);
    // Nullopt if missing or unreadable.
    std::optional<FolderMarker> read_state(const std::string& ref) const;
    // A small file of the room folder; on a full disk the room's reserve is
    // given back and it is tried once more.
    bool write_record(const std::string& ref, const char* name, const std::string& text);
    // Keeps reserve_bytes aside in the folder (really allocated) for that moment.
    void make_reserve(const std::string& ref);
    // Deletes the folder (through a .trash-* rename: a crash half-way never
    // leaves part of a vetoed recording under its own name). True if gone.
    bool remove(const std::string& ref);
    // Deletes an entry of rec_dir whatever it is (start-up leftovers, trash).
    void remove_entry(const std::string& name);
    // Deletes what only the making of a recording needed (track and work
    // files, the old consent.json, the reserve) once the MP4 is there.
    void remove_leftovers(const std::string& ref);

    bool has_recording(const std::string& ref) const;
    // Lets the page server read the finished MP4 (rec_reader_group); the rest stays owner-only.
    void share_recording(const std::string& ref);
    // The consent log of older versions (consent.json), if there is one.
    std::optional<std::string> legacy_consent(const std::string& ref) const;
    // Bytes of the track files (what janus-pp-rec will convert).
    std::int64_t track_bytes(const std::string& ref) const;
    // When the marker was last written (unix microseconds, 0 if missing).
    std::int64_t marker_mtime_us(const std::string& ref) const;
    // Free bytes on rec_dir's filesystem, -1 if unknown.
    std::int64_t free_bytes() const { return free_bytes_(rec_dir_); }

private:
    const std::string rec_dir_;
    const std::optional<unsigned> reader_group_;
    const std::int64_t reserve_bytes_;
    const std::function<std::int64_t(const std::string&)> free_bytes_;
    const RecorderLog log_;
};

}  // namespace counsel::recording
