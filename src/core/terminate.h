// The stop sequence: the configured signal, re-sent every interval, then
// SIGKILL at the timeout; done the moment the process has exited.
#pragma once

#include <string>
#include <sys/types.h>

#include "common/result.h"
#include "config/service_spec.h"
#include "posix/pidfd.h"

namespace daemonctl::core {

struct Termination {
  bool killed = false;  ///< SIGKILL was needed
  int signals_sent = 0;
};

/// How a process ended, for messages: "exited with status 3", "was killed by SIGSEGV".
std::string describe_exit(const posix::ExitInfo& how);

/// Ends the process behind `proc`. With spec.group, signals go to process
/// group `pgid` while the process is alive and still in that group;
/// otherwise (and always for a group of 0, 1 or our own) to the process
/// alone, through its pidfd. Errors: not allowed to signal (privilege),
/// still alive 5 s after SIGKILL (failure).
Result<Termination> terminate(const posix::Pidfd& proc, pid_t pgid, const config::StopSpec& spec);

}  // namespace daemonctl::core
