#include "posix/poll.h"

#include <cerrno>

namespace daemonctl::posix {

Status poll_fds(std::span<pollfd> fds, int timeout_ms) {
  if (::poll(fds.data(), fds.size(), timeout_ms) < 0 && errno != EINTR) return sys_error("poll");
  return {};
}

void sleep_ms(int ms) { ::poll(nullptr, 0, ms); }

}  // namespace daemonctl::posix
