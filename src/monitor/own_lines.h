// The monitor's own small helpers: its lines in the service's log, its
// durations as words, and the daemon's environment it is handed.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
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

/// `parts` end to end, and a number in decimal. The monitor's lines are put
/// together with these, not with chains of operator+, each of which the
/// compiler spreads inline: the monitor stays small (one runs per supervised
/// service, and its code is most of its memory).
std::string cat(std::initializer_list<std::string_view> parts);
std::string num(long n);

}  // namespace daemonctl::monitor
