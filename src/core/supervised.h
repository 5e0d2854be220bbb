// Starting and standing down a monitor ([restart]): the process the double
// fork leaves is daemonctl-monitor, which starts the daemon as its child.
#pragma once

#include "common/result.h"
#include "config/service_spec.h"
#include "core/pidfile.h"
#include "posix/pidfd.h"
#include "posix/spawn.h"

namespace daemonctl::core {

struct Supervised {
  posix::Pidfd monitor;
  posix::Pidfd daemon;  ///< the monitor's first child, recorded and exec'd
};

/// Where daemonctl-monitor is: next to this executable.
Result<std::string> monitor_program();

/// Starts a monitor for `daemon` (the daemon's set-up, its stdio those of
/// the monitor), handing it `lock_fd`, the service lock this start holds,
/// until the monitor has recorded its first child. Returns once that child
/// has exec'd, or why it could not (the monitor has then exited).
Result<Supervised> start_monitor(const config::ServiceSpec& spec, const StatePaths& paths,
                                 const posix::SpawnRequest& daemon, int lock_fd);

/// Tells the monitor `monitor` (proven by its start time `starttime`) to
/// stand down, and waits for it to exit: then no restart can race what
/// follows. A monitor that is gone, or not that process, is left alone.
void stand_down(pid_t monitor, std::uint64_t starttime);

}  // namespace daemonctl::core
