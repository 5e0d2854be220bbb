#include "posix/terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

namespace daemonctl::posix {

bool is_terminal(int fd) { return ::isatty(fd) == 1; }

std::size_t terminal_columns(int fd) {
  struct winsize ws {};
  if (::ioctl(fd, TIOCGWINSZ, &ws) < 0) return 0;
  return ws.ws_col;
}

}  // namespace daemonctl::posix
