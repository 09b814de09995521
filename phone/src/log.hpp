// counsel-phone's log: one line per event on stderr (systemd's journal).
// Lines carry call numbers local to this process, states and counts — never a
// caller's number, name, address, digits or anything from a SIP message.
#pragma once

#include <string>

namespace counsel::phone::log {

enum class Level { Error = 0, Warn = 1, Info = 2, Verbose = 3 };

void set_level(Level level);
void write(Level level, const std::string& line);
inline void error(const std::string& line) { write(Level::Error, line); }
inline void warn(const std::string& line) { write(Level::Warn, line); }
inline void info(const std::string& line) { write(Level::Info, line); }
inline void verbose(const std::string& line) { write(Level::Verbose, line); }

}  // namespace counsel::phone::log
