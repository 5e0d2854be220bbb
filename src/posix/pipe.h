// A pipe: its two ends, each with an owner of its own.
#pragma once

#include "common/result.h"
#include "posix/unique_fd.h"

namespace daemonctl::posix {

struct Pipe {
  UniqueFd read, write;
};

/// pipe2(2) with O_CLOEXEC added to `flags` (O_NONBLOCK: both ends
/// non-blocking). Error: "pipe: REASON".
Result<Pipe> make_pipe(int flags = 0);

}  // namespace daemonctl::posix
