// Reading janus.plugin.counsel.jcfg into core::Config. Only reading: every
// value is checked by Config::problem() (plugin/core/config.cpp).
#pragma once

#include <string>

#include "core/config.hpp"

namespace counsel::janus {

// Reads <config_path>/janus.plugin.counsel.jcfg (or .cfg) into `config`.
// False after logging why the file cannot be used: it cannot be parsed, or
// it holds a group, key or field the plugin does not know, or a value of the
// wrong shape. A missing file is not an error: the defaults, no practitioners.
// The file is never printed (it holds the practitioners' key hashes).
bool read_config_file(const std::string& config_path, Config& config);

}  // namespace counsel::janus
