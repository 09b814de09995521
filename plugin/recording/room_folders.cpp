#include "recording/room_folders.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>

#include "recording/finalizer.hpp"
#include "recording/private_fs.hpp"

namespace counsel::recording {
namespace fsx = counsel::recording::private_fs;

RoomFolders::RoomFolders(const RecorderSettings& settings, RecorderLog log)
    : rec_dir_(settings.rec_dir),
      reader_group_(settings.reader_group),
      reserve_bytes_(settings.reserve_bytes),
      free_bytes_(settings.free_bytes ? settings.free_bytes : fsx::free_bytes),
      log_(std::move(log)) {}

bool RoomFolders::prepare(std::string& reason) {
    if (!fsx::make_private_dir(rec_dir_, reason)) {
        reason = "rec_dir: " + reason;
        return false;
    }
    if (!fsx::share_with_reader(rec_dir_, reader_group_)) {
        reason = "rec_dir: cannot give rec_reader_group access";
        return false;
    }
    return true;
}

std::vector<std::string> RoomFolders::entries() const { return fsx::list_dir(rec_dir_); }

bool RoomFolders::is_folder(const std::string& name) const { return fsx::is_dir(path(name)); }

bool RoomFolders::create(const std::string& ref) {
    std::string reason;
    return fsx::make_private_dir(path(ref), reason) && fsx::share_with_reader(path(ref), reader_group_);
}

bool RoomFolders::write_state(const FolderMarker& state) {
    return write_record(state.room, kStateFile, render_state(state));
}

std::optional<FolderMarker> RoomFolders::read_state(const std::string& ref) const {
    auto text = fsx::read_small_file(path(ref) + "/" + kStateFile);
    if (!text) return std::nullopt;
    return parse_state(*text);
}

bool RoomFolders::write_record(const std::string& ref, const char* name, const std::string& text) {
    const std::string file = path(ref) + "/" + name;
    if (fsx::write_private_file(file, text)) return true;
    // Most likely a full disk: the space kept aside for this moment is given back.
    const std::string reserve = path(ref) + "/" + kReserveFile;
    if (::unlink(reserve.c_str()) != 0) return false;
    log_(Gateway::Level::Warn, "room " + ref + ": rec_dir is full; the space kept for the recording's records is used");
    return fsx::write_private_file(file, text);
}

void RoomFolders::make_reserve(const std::string& ref) {
    if (reserve_bytes_ <= 0) return;
    const std::string file = path(ref) + "/" + kReserveFile;
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return;
    // Blocks really allocated (not a sparse file), or no reserve at all.
    const bool ok = ::fallocate(fd, 0, 0, reserve_bytes_) == 0;
    ::close(fd);
    if (!ok) ::unlink(file.c_str());
}

bool RoomFolders::remove(const std::string& ref) {
    const std::string dir = path(ref);
    if (!fsx::exists(dir)) return true;
    // Renamed first: a crash half-way leaves a .trash-* folder, which the next
    // start deletes, never a room folder with part of a vetoed recording.
    static std::atomic<unsigned> serial{0};
    const std::string trash = path(kTrashPrefix + ref + "-" + std::to_string(::getpid()) + "-" + std::to_string(serial++));
    const std::string& target = ::rename(dir.c_str(), trash.c_str()) == 0 ? trash : dir;
    fsx::sync_path(rec_dir_);
    fsx::remove_tree(target);
    fsx::sync_path(rec_dir_);
    return !fsx::exists(dir) && !fsx::exists(trash);
}

void RoomFolders::remove_entry(const std::string& name) { fsx::remove_tree(path(name)); }

void RoomFolders::remove_leftovers(const std::string& ref) {
    const std::string dir = path(ref);
    for (const std::string& f : fsx::list_dir(dir))
        if (is_intermediate(f) || f == kConsentFile || f == kReserveFile) ::unlink((dir + "/" + f).c_str());
    fsx::sync_path(dir);
}

bool RoomFolders::has_recording(const std::string& ref) const {
    return fsx::file_size(path(ref) + "/" + kRecordingFile) > 0;
}

void RoomFolders::share_recording(const std::string& ref) {
    fsx::share_with_reader(path(ref) + "/" + kRecordingFile, reader_group_);
}

std::optional<std::string> RoomFolders::legacy_consent(const std::string& ref) const {
    return fsx::read_small_file(path(ref) + "/" + kConsentFile);
}

std::int64_t RoomFolders::track_bytes(const std::string& ref) const {
    const std::string dir = path(ref);
    std::int64_t total = 0;
    for (const std::string& name : fsx::list_dir(dir))
        if (name.find(".mjr") != std::string::npos)
            total += std::max<std::int64_t>(0, fsx::file_size(dir + "/" + name));
    return total;
}

std::int64_t RoomFolders::marker_mtime_us(const std::string& ref) const {
    return fsx::mtime_us(path(ref) + "/" + kStateFile);
}

}  // namespace counsel::recording
