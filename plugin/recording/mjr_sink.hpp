// Track files written with Janus's own recorder (record.h): .mjr files that
// Debian's janus-pp-rec turns into media files. Only in the plugin: the
// janus_recorder_* functions are resolved from the janus binary at load time.
#pragma once

#include "recording/recording_tap.hpp"

namespace counsel::recording {

class MjrSinkFactory final : public TrackSinkFactory {
public:
    std::shared_ptr<TrackSink> open(const std::string& dir, const std::string& base_name,
                                    const TrackSpec& spec) override;
};

}  // namespace counsel::recording
