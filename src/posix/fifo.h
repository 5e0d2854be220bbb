// A named pipe in a folder of daemonctl's own: the way a supervised
// daemon's output reaches its monitor (state::output_fifo).
#pragma once

#include <string>

#include "common/result.h"
#include "posix/unique_fd.h"

namespace daemonctl::posix {

/// Both ends of the FIFO at `path`: `read` non-blocking, for the monitor;
/// `read_write` blocking, for the daemon's stdout or stderr, which so holds
/// the pipe open for reading as well: the daemon never gets SIGPIPE or
/// EPIPE when the monitor is gone, and what it writes meanwhile waits in
/// the pipe (the daemon blocks when it is full) for the next monitor.
struct FifoEnds {
  UniqueFd read;
  UniqueFd read_write;
};

/// Made (mode 0600) if missing, then opened without following a link; the
/// folder must be trusted and what is there must be a FIFO of this user's
/// (else status privilege, with the reason).
Result<FifoEnds> open_fifo(const std::string& path);

}  // namespace daemonctl::posix
