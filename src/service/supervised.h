// Starting and standing down a monitor ([restart]): the process the double
// fork leaves is daemonctl-monitor, which starts the daemon as its child.
#pragma once

#include <optional>

#include "common/result.h"
#include "config/service_spec.h"
#include "state/pidfile.h"
#include "posix/pidfd.h"
#include "posix/spawn.h"
#include "posix/unique_fd.h"

namespace daemonctl::service {

struct Supervised {
  posix::Pidfd monitor;
  pid_t pid = 0;                       ///< the monitor's first child, recorded and exec'd
  std::optional<posix::Pidfd> daemon;  ///< a handle on it; none if it has exited already
  posix::UniqueFd report;              ///< the monitor's report pipe: the first child's exit comes next
  std::string unread;                  ///< read from it past the first line
};

/// A service runs under a monitor when it restarts, or when its output is rotated.
bool needs_monitor(const config::ServiceSpec& spec);

/// Where daemonctl-monitor is: next to this executable.
Result<std::string> monitor_program();

/// Starts a monitor for `daemon` (the daemon's set-up, its stdio those of
/// the monitor), handing it `lock_fd`, the service lock this start holds,
/// until the monitor has recorded its first child. Returns once that child
/// has exec'd, or why it could not (the monitor has then exited).
/// With `attach` (a pid and its start time), the monitor takes that running
/// daemon in hand instead of starting a child: supervision comes back.
struct Attach {
  pid_t pid = 0;
  std::uint64_t starttime = 0;
};
Result<Supervised> start_monitor(const config::ServiceSpec& spec, const state::StatePaths& paths,
                                 const posix::SpawnRequest& daemon, int lock_fd, const Attach& attach = {});

/// How the monitor's first child ended, as the monitor tells once it has
/// reaped it (waiting at most 5 s): for a start that saw it die. An Error
/// if the monitor did not tell.
Result<posix::ExitInfo> first_exit(Supervised& started);

/// Tells the monitor `monitor` (proven by its start time `starttime`; 0:
/// trusted, just started) to stand down: from now on it restarts nothing.
/// Returns a handle to wait for its exit; none if it is gone, or is not that
/// process. A monitor that carries the daemon's output (rotated logs) exits
/// only after the daemon, once it has written all of it.
std::optional<posix::Pidfd> stand_down(pid_t monitor, std::uint64_t starttime);

/// Stops, as `stop` would (its recorded group with stop.group), and reaps
/// the daemon the record names, if it is still that process: what a failed
/// supervised start leaves once its monitor stands down.
void stop_recorded(const config::StopSpec& stop, const state::StatePaths& paths);

/// Waits for a monitor told to stand down to exit (SIGKILL after 5 s) and
/// reaps it if it is ours.
void await_monitor(const posix::Pidfd& monitor);

}  // namespace daemonctl::service
