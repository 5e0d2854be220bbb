// A process handle that cannot be fooled by pid reuse: signals and waits go
// through a pidfd, which always refers to the one process it was opened on.
#pragma once

#include <chrono>
#include <cstdint>
#include <sys/types.h>

#include "common/result.h"
#include "posix/unique_fd.h"

namespace daemonctl::posix {

/// How a process ended: exit(code), or killed by signal `code`.
struct ExitInfo {
  bool killed = false;
  int code = 0;
};

class Pidfd {
 public:
  /// Opens a pidfd on `pid`. ESRCH if no such process.
  static Result<Pidfd> open(pid_t pid);

  pid_t pid() const { return pid_; }
  int fd() const { return fd_.get(); }

  /// This process's inode number in pidfs (Linux 6.9 on): unique to it until
  /// the next boot, as its pid is not; a proof of identity cheaper than its
  /// start time in /proc. 0 where there is none (older kernels give every
  /// pidfd the same inode).
  std::uint64_t inode() const;

  /// Sends `sig` to this very process. ESRCH once it has exited.
  Status send_signal(int sig) const;

  /// True once the process has exited (a zombie has exited); waits at most
  /// `timeout` for that (zero: just look).
  bool wait_exit(std::chrono::nanoseconds timeout) const;

  /// Reaps the exited process (only possible for a child, or an orphan of
  /// ours while this process is a subreaper) and tells how it ended.
  Result<ExitInfo> reap() const;

 private:
  Pidfd(UniqueFd fd, pid_t pid) : fd_(std::move(fd)), pid_(pid) {}
  UniqueFd fd_;
  pid_t pid_ = -1;
};

}  // namespace daemonctl::posix
