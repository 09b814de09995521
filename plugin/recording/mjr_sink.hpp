// Track files written with Janus's own recorder (record.h): .mjr files that
// Debian's janus-pp-rec turns into media files. Only in the plugin: the
// janus_recorder_* functions are resolved from the janus binary at load time.
#pragma once

#include "recording/recording_tap.hpp"

namespace counsel::recording {

class MjrSinkFactory final : public TrackSinkFactory {
public:
    // Whether Janus lets its recorder write below `rec_dir`: it refuses any
    // path inside janus.jcfg's `protected_folders` (Debian's default list
    // holds /var). False with a reason for the log if not.
    static bool usable(const std::string& rec_dir, std::string& reason);

    std::shared_ptr<TrackSink> open(const std::string& dir, const std::string& base_name,
                                    const TrackSpec& spec) override;
};

}  // namespace counsel::recording
