// A one-shot probe of a service: does a command succeed. Used to tell when a
// daemon is ready, and for the commands run before its start.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "common/result.h"
#include "posix/pidfd.h"
#include "posix/spawn.h"

namespace daemonctl::posix {

/// How a probe command ended: its exit, or still running at the deadline (and killed).
struct ProbeResult {
  bool timed_out = false;
  ExitInfo exit;
  std::string output;  ///< run_captured: the last bytes of its stdout and stderr
  bool cut = false;    ///< run_captured: output lost its start to the bound
};

/// Runs `request` (its executable, argv, environment, directory, umask and,
/// with change_ids, its uid, gid and groups; its stdio fds are ignored: all
/// three on /dev/null) through a double fork, in a session of its own with no
/// controlling terminal, under a Guard (posix/guard.h), and waits at most
/// `timeout` for it. Then, however it ended, the guard SIGKILLs everything
/// it left running, in whatever session or group, and reaps it: nothing is
/// left, not even a zombie. Errors: it could not be started.
Result<ProbeResult> run_probe(SpawnRequest request, std::chrono::nanoseconds timeout);

/// run_probe with its stdout and stderr on one pipe, read while it runs:
/// the last `keep` bytes of it are kept in `output` (what was written until
/// it exited or was killed; what processes it left write later is lost).
Result<ProbeResult> run_captured(SpawnRequest request, std::chrono::nanoseconds timeout, std::size_t keep);

}  // namespace daemonctl::posix
