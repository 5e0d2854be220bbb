#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace daemonctl::posix {

/// "TERM", "SIGTERM", "term", "15", "RTMIN+2" -> the signal number; nullopt if unknown.
std::optional<int> parse_signal(std::string_view text);
/// Signal number -> "SIGTERM" ("SIG35" style for unnamed ones).
std::string signal_name(int sig);

}  // namespace daemonctl::posix
