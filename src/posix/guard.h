// The guard of a forking start: see Guard.
#pragma once

#include <chrono>
#include <optional>
#include <sys/types.h>

#include "posix/pidfd.h"
#include "posix/unique_fd.h"

namespace daemonctl::posix {

/// A program that daemonizes itself (type = "forking") runs as the child of
/// a guard: a process of daemonctl's own user, held between the double fork
/// and the program, which is the subreaper of everything the program leaves
/// behind. So a process whose parent is the guard is proven to come from this
/// start, and no other. The guard reports the program's exit and stays until
/// released: then it exits, and what the program left runs on (reparented to
/// us, its subreaper, then to init). If it is not released, because daemonctl
/// gave up or died, it SIGKILLs everything the program left, and exits.
class Guard {
 public:
  Guard(Pidfd proc, UniqueFd hold, UniqueFd status)
      : proc_(std::move(proc)), hold_(std::move(hold)), status_(std::move(status)) {}
  Guard(Guard&&) = default;
  Guard& operator=(Guard&&) = delete;
  /// Not released: everything the program left is killed; the guard reaped.
  ~Guard();

  pid_t pid() const { return proc_.pid(); }
  /// How the program ended; nullopt if it still runs after `timeout`.
  std::optional<ExitInfo> program_exit(std::chrono::nanoseconds timeout);
  /// Lets the guard exit and leave what the program started running.
  void release();

 private:
  void finish();
  Pidfd proc_;
  UniqueFd hold_, status_;
};

/// The guard's own life, in the forked process (only system calls): waits
/// for `program` (its child) and writes its wait status to `status`; exits
/// when `hold` gives the byte 1, and on EOF first kills all its children
/// until none is left.
[[noreturn]] void run_guard(int hold, int status, pid_t program);

}  // namespace daemonctl::posix
