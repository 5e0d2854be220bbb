// daemonctl's own messages on stderr: "daemonctl: <level>: <message>".
// A thin seam over spdlog, which only log.cpp includes.
#pragma once

#include <string_view>

namespace daemonctl::log {

enum class Level { debug, info, warning, error };

/// Sets up the stderr logger; messages below `min` are dropped.
void setup(Level min);

void debug(std::string_view message);
void warn(std::string_view message);
void error(std::string_view message);

}  // namespace daemonctl::log
