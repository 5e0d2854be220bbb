// What a monitor is told: the service to keep alive, and how. daemonctl
// passes it as the monitor's argv (the daemon's environment comes apart, on
// kEnvFd), so the monitor needs no service file, TOML or CLI library.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "state/restart.h"
#include "posix/spawn.h"

namespace daemonctl::state {

/// fds of a monitor started by `daemonctl start`: where it reports the first
/// daemon ("ok PID\n", or "fail STATUS MESSAGE\n"), and the service lock,
/// held for it until that first daemon is recorded.
inline constexpr int kReportFd = 3;
inline constexpr int kLockFd = 4;
/// The daemon's environment, "NAME=value" entries each ended by a NUL: the
/// monitor itself runs as root in a fixed one, so that no LD_PRELOAD or
/// GCONV_PATH of a service file reaches it.
inline constexpr int kEnvFd = 5;

/// A log the monitor writes and rotates: the daemon's output comes through a pipe.
struct LogPlan {
  std::string path;            ///< "" : none (the stream goes straight to its file)
  std::uint64_t max_size = 0;  ///< rotate before it would pass this
  int keep = 5;                ///< path.1 ... path.<keep>
};

struct MonitorPlan {
  std::string name;
  std::string pidfile, record, lock;  ///< the service's state files
  RestartSpec restart;
  int stop_signal = 15;  ///< an exit by this signal is a stop, not a failure
  /// The daemon: everything but env (read from kEnvFd) and stdio (the
  /// monitor's own fds 0, 1, 2).
  posix::SpawnRequest child;
  LogPlan out, err;            ///< rotated stdout, stderr
  bool err_is_out = false;     ///< stderr goes to the rotated stdout
  bool log_to_out = false;     ///< the monitor's lines go to stdout's file (stderr goes nowhere)
  mode_t log_mode = 0644;      ///< for the files it creates
  bool log_chown = false;      ///< give them to log_uid:log_gid
  uid_t log_uid = 0;
  gid_t log_gid = 0;
  /// Supervision back: a daemon that runs already (its monitor gone), not a
  /// child of this one. Watched through a pidfd; its exit restarts by the policy.
  pid_t attach_pid = 0;
  std::uint64_t attach_starttime = 0;
  bool rotates() const { return !out.path.empty() || !err.path.empty() || err_is_out; }
};

/// argv[1..] for daemonctl-monitor.
std::vector<std::string> encode(const MonitorPlan& plan);
/// The MonitorPlan in argv[1..argc-1]; an Error names what is wrong.
Result<MonitorPlan> decode(int argc, const char* const argv[]);

}  // namespace daemonctl::state
