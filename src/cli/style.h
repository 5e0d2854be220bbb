// Colour on terminals, and when a terminal may be drawn on at all. The one
// place that decides: escape codes go to a stream only if style says so.
#pragma once

#include <string>
#include <string_view>

namespace daemonctl::cli::style {

/// True if `fd` is a terminal that can be drawn on: a tty, with TERM set and
/// not "dumb" (no "\r" tricks or escape codes for a dumb terminal).
bool live(int fd);

/// True if `fd` gets colour: live(fd), and NO_COLOR unset or empty
/// (https://no-color.org). Decided per stream: stdout and stderr may differ.
bool colour(int fd);

/// colour(STDOUT_FILENO), decided once.
bool colour_stdout();

/// `word` in the colour of the state it names: running and started green,
/// dead and failed red, restarting yellow; any other word as it is.
std::string state(std::string_view word);

/// `line` with its first word (letters only: "dead," gives "dead") as
/// state() colours it.
std::string state_line(std::string_view line);

}  // namespace daemonctl::cli::style
