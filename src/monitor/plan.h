// What a monitor is told: the service to keep alive, and how. daemonctl
// passes it as the monitor's argv (the monitor's environment is the
// daemon's), so the monitor needs no service file, TOML or CLI library.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "config/service_spec.h"
#include "posix/spawn.h"

namespace daemonctl::monitor {

/// fds of a monitor started by `daemonctl start`: where it reports the first
/// daemon ("ok PID\n", or "fail STATUS MESSAGE\n"), and the service lock,
/// held for it until that first daemon is recorded.
inline constexpr int kReportFd = 3;
inline constexpr int kLockFd = 4;

struct Plan {
  std::string name;
  std::string pidfile, record, lock;  ///< the service's state files
  config::RestartSpec restart;
  int stop_signal = 15;  ///< an exit by this signal is a stop, not a failure
  /// The daemon: everything but env (the monitor's own environment) and
  /// stdio (the monitor's own fds 0, 1, 2).
  posix::SpawnRequest child;
};

/// argv[1..] for daemonctl-monitor.
std::vector<std::string> encode(const Plan& plan);
/// The Plan in argv[1..argc-1]; an Error names what is wrong.
Result<Plan> decode(int argc, const char* const argv[]);

}  // namespace daemonctl::monitor
