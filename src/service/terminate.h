// The stop sequence: the configured signal, re-sent every interval, then
// SIGKILL at the timeout; done the moment the process has exited.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <sys/types.h>

#include "common/result.h"
#include "config/service_spec.h"
#include "posix/pidfd.h"

namespace daemonctl::service {

struct Termination {
  bool killed = false;  ///< SIGKILL was needed
  int signals_sent = 0;
};

/// Told, once a second while terminate() waits for the exit after the stop
/// signal, how long it has waited (1s, 2s, ...).
using Waiting = std::function<void(std::chrono::seconds waited)>;

/// Is signalling the group `pgid` of `proc` safe? Only while that process
/// is alive and still a member (then the id cannot have been recycled), and
/// never a group of 0, 1 or our own.
bool group_is_ours(const posix::Pidfd& proc, pid_t pgid);

/// Would a signal to `proc`, or to group `pgid`, be allowed? Signal 0 sends
/// nothing, but is refused exactly where a real one would be (--dry-run).
Status may_signal(const posix::Pidfd& proc);
Status may_signal_group(pid_t pgid);

/// How a process ended, for messages: "exited with status 3", "was killed by SIGSEGV".
std::string describe_exit(const posix::ExitInfo& how);

/// Ends the process behind `proc`. With spec.group, signals go to process
/// group `pgid` while the process is alive and still in that group;
/// otherwise (and always for a group of 0, 1 or our own) to the process
/// alone, through its pidfd. Errors: not allowed to signal (privilege),
/// still alive 5 s after SIGKILL (failure). `waiting` (may be empty) is told
/// how the wait before SIGKILL goes.
Result<Termination> terminate(const posix::Pidfd& proc, pid_t pgid, const config::StopSpec& spec,
                              const Waiting& waiting = {});

/// One signal, with terminate()'s proofs: with `group`, to process group
/// `pgid` while the process is alive and still in that group; otherwise
/// (and always for a group of 0, 1 or our own) to the process alone,
/// through its pidfd. True if the group was signalled. Errors keep their
/// errno: ESRCH when the process (or its whole group) has just exited.
Result<bool> signal_once(const posix::Pidfd& proc, pid_t pgid, bool group, int sig);

}  // namespace daemonctl::service
