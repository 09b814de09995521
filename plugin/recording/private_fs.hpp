// Owner-only files and folders for recordings and their delivery index:
// folders 0700, files 0600, written whole (temporary file, fsync, rename,
// fsync of the folder) so a crash leaves either the old or the new content,
// never half a file. No symlinks are followed when creating or deleting.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace counsel::recording::private_fs {

// Creates `path` (and missing parents) as 0700; an existing folder is set to
// 0700. False (with a reason) if it cannot be made or is not a folder.
bool make_private_dir(const std::string& path, std::string& reason);
// Writes `content` to `path` atomically with mode 0600.
bool write_private_file(const std::string& path, std::string_view content);
// Lets one group read what the page server must read (rec_reader_group): a
// folder becomes 0710 (enter, not list), a file 0640, both of that group; no
// symlink is followed. Without a group nothing changes (true).
bool share_with_reader(const std::string& path, std::optional<unsigned> group);
// The whole file, or nullopt (missing, unreadable, larger than `max_bytes`).
std::optional<std::string> read_small_file(const std::string& path, std::size_t max_bytes = 1 << 20);
// Deletes a file or a folder with everything in it; true if nothing remains.
bool remove_tree(const std::string& path);
// Names in a folder (no "." and ".."), sorted; empty if it cannot be read.
std::vector<std::string> list_dir(const std::string& path);
bool exists(const std::string& path);
bool is_dir(const std::string& path);
// Size in bytes, or -1.
std::int64_t file_size(const std::string& path);
// Last modification, unix microseconds, or 0.
std::int64_t mtime_us(const std::string& path);
// fsync of a file or folder by path (best effort).
void sync_path(const std::string& path);
// Bytes an unprivileged writer may still use on the filesystem of `path` (statvfs), or -1.
std::int64_t free_bytes(const std::string& path);

// Wall clock, unix microseconds.
std::int64_t now_unix_us();

}  // namespace counsel::recording::private_fs
