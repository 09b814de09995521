#include "recording/recorder_setup.hpp"

#include <grp.h>
#include <unistd.h>

#include <vector>

#include "core/profile.hpp"
#include "recording/private_fs.hpp"

namespace counsel::recording {

std::optional<RecorderSettings> recorder_settings_from(const Config& config, std::string& problem) {
    RecorderSettings out;
    out.rec_dir = config.rec_dir;
    out.retention_days = config.retention_days();
    if (!config.rec_reader_group.empty()) {
        // The page server's group (README "Install (admins)"): looked up once, here.
        struct group entry {};
        struct group* found = nullptr;
        std::vector<char> buffer(16384);
        if (::getgrnam_r(config.rec_reader_group.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 ||
            !found) {
            problem = "rec_reader_group: no such group (the .deb makes janus-counsel-web; else "
                      "adduser --system --group janus-counsel-web)";
            return std::nullopt;
        }
        out.reader_group = static_cast<unsigned>(found->gr_gid);
    }
    if (!config.rec_webdav_url.empty()) {
        recording::WebdavTarget target;
        target.url = config.rec_webdav_url;
        if (!recording::WebdavUploader::valid_url(target.url, problem)) return std::nullopt;
        target.user = config.rec_webdav_user;
        target.password = config.rec_webdav_password;
        out.webdav = std::move(target);
    }
    return out;
}

std::optional<std::string> unrecorded_leftovers(const Config& config) {
    if (!recording::private_fs::is_dir(config.rec_dir)) return std::nullopt;
    for (const std::string& name : recording::private_fs::list_dir(config.rec_dir)) {
        const std::string path = config.rec_dir + "/" + name;
        if (name == "_links" && recording::private_fs::is_dir(path) && recording::private_fs::list_dir(path).empty()) continue;
        return "profile " + std::string(profile_name(config.profile_kind())) + " records nothing, but rec_dir " +
               config.rec_dir + " still holds recordings (or their links) that would then never expire: "
               "move them away or delete them, or start without the profile until their retention ends";
    }
    return std::nullopt;
}

std::optional<std::string> missing_tool(const Tools& tools) {
    for (const std::string* tool : {&tools.pp_rec, &tools.ffmpeg, &tools.ffprobe})
        if (::access(tool->c_str(), X_OK) != 0) return *tool;
    return std::nullopt;
}

}  // namespace counsel::recording
