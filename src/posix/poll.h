// Waiting on file descriptors: poll(2), and a sleep made of it.
#pragma once

#include <poll.h>

#include <span>

#include "common/result.h"

namespace daemonctl::posix {

/// poll(2) on `fds`, at most `timeout_ms` milliseconds (-1: no limit). A
/// wait cut short by a signal (EINTR) returns as a timeout does, every
/// revents 0: the caller looks at its clock. Error: "poll: REASON".
Status poll_fds(std::span<pollfd> fds, int timeout_ms);

/// Waits `ms` milliseconds (poll(2) on no fd); a signal may cut it short.
void sleep_ms(int ms);

}  // namespace daemonctl::posix
