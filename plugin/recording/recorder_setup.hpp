// What this server needs before it records: the recorder's settings from the
// configuration (checked values in core::Config), the tools, and, under a
// profile that records nothing, a rec_dir without old recordings.
#pragma once

#include <optional>
#include <string>

#include "core/config.hpp"
#include "recording/recorder.hpp"

namespace counsel::recording {

// The recorder's settings, or nullopt with `problem` set (the plugin does not
// start): a rec_reader_group that does not exist, a rec_webdav_url that is no URL.
std::optional<RecorderSettings> recorder_settings_from(const Config& config, std::string& problem);

// Under a profile without recording nothing is ever written to rec_dir, so
// nothing there would ever expire either: why recordings left from before the
// profile must be dealt with first (README "KBV profile"), or nullopt.
std::optional<std::string> unrecorded_leftovers(const Config& config);

// The first of the finalization tools that is missing, or nullopt.
std::optional<std::string> missing_tool(const Tools& tools);

}  // namespace counsel::recording
