// The monitor's own small helpers: its lines in the service's log, its
// durations as words, and the daemon's environment it is handed.
#pragma once

#include <string>
#include <vector>

#include <chrono>

namespace daemonctl::monitor {

/// All of `text` into `fd` (-1: none), as far as it goes.
void write_text(int fd, const std::string& text);

/// A line of the monitor's own into `fd`, a file the daemon writes too: on a
/// line of its own, after a newline if the file ends mid-line.
void note_plain(int fd, std::string line);

/// "250ms", "1.5s", "60s": for the log. Not config::format_duration, which
/// would bring its parser, and libm with it, into every monitor.
std::string seconds_text(std::chrono::nanoseconds d);

/// The daemon's environment, from state::kEnvFd (closed after); the monitor's own is not it.
std::vector<std::string> daemon_environment();

}  // namespace daemonctl::monitor
