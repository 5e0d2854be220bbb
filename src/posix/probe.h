// A one-shot probe of a service: does a command succeed. Used to tell when a
// daemon is ready.
#pragma once

#include <chrono>

#include "common/result.h"
#include "posix/pidfd.h"
#include "posix/spawn.h"

namespace daemonctl::posix {

/// How a probe command ended: its exit, or still running at the deadline (and killed).
struct ProbeResult {
  bool timed_out = false;
  ExitInfo exit;
};

/// Runs `request` (its executable, argv, environment, directory, umask and,
/// with change_ids, its uid, gid and groups; its stdio fds are ignored: all
/// three on /dev/null) as our child in a process group of its own, and waits
/// at most `timeout` for it. Then, however it ended, SIGKILLs its process
/// group: what it left running goes with it. Makes this process a child
/// subreaper, so that the orphans of that group come back to it, and reaps
/// them all: no zombie is left. A process that left the group (setsid) is
/// beyond reach. Errors: it could not be started.
Result<ProbeResult> run_probe(SpawnRequest request, std::chrono::nanoseconds timeout);

}  // namespace daemonctl::posix
