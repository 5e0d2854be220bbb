// What daemonctl asks of a terminal: is there one, and how wide is it.
#pragma once

#include <cstddef>

namespace daemonctl::posix {

/// isatty(3): is `fd` a terminal?
bool is_terminal(int fd);

/// The width of the terminal at `fd` (ioctl TIOCGWINSZ); 0 if unknown.
std::size_t terminal_columns(int fd);

}  // namespace daemonctl::posix
