// The four actions on one service. Each returns what to tell the user on
// stdout and the exit status, or an Error for stderr.
#pragma once

#include <string>
#include <sys/types.h>

#include "common/result.h"
#include "config/service_spec.h"
#include "core/pidfile.h"

namespace daemonctl::core {

struct Launch;   // core/launch.h
class Progress;  // core/progress.h

struct Context {
  std::string state_dir;  ///< prepared: exists, ours, not a symlink
  Progress* progress = nullptr;  ///< told how a stop's wait goes; nullptr: nobody
};

struct Outcome {
  ExitStatus status = ExitStatus::success;
  std::string text;  ///< "started (pid 42)"; one or more lines, each to be prefixed with the service name
  pid_t pid = 0;     ///< the daemon started, running, or stopped; 0 if none
};

StatePaths state_paths(const Context& ctx, const config::ServiceSpec& spec);
/// The NOTIFY_SOCKET of a `ready.notify` service, as a dry run shows it:
/// an abstract name whose random part each start draws anew.
std::string notify_socket_path(const Context& ctx, const config::ServiceSpec& spec);

// start, stop and restart hold the service's lock (state dir/<name>.lock)
// while they work: commands on one service run one at a time, commands on
// different services never wait on each other.
Result<Outcome> start(const Context& ctx, const config::ServiceSpec& spec);
Result<Outcome> stop(const Context& ctx, const config::ServiceSpec& spec);
/// stop, then start, under one lock; a failed stop does not start. Says both
/// what was stopped (if anything) and what was started.
Result<Outcome> restart(const Context& ctx, const config::ServiceSpec& spec);
/// LSB status: 0 running, 1 dead but pidfile exists, 3 not running, 4 unknown.
/// Holds the lock shared, so it never reports the middle of a stop or start.
Result<Outcome> status(const Context& ctx, const config::ServiceSpec& spec);

/// start and stop for a caller that holds the lock.
/// `lock_fd`: the lock held, handed to a monitor until it has recorded its daemon.
Result<Outcome> start_locked(const Context& ctx, const config::ServiceSpec& spec, int lock_fd);
Result<Outcome> stop_locked(const Context& ctx, const config::ServiceSpec& spec);
/// The fork and exec of a start whose checks are done (prepare_launch).
Result<Outcome> launch(const Context& ctx, const config::ServiceSpec& spec, Launch l, int lock_fd);

/// What status knows of a service, for tables and JSON.
struct StatusInfo {
  ExitStatus status = ExitStatus::not_running;  ///< the LSB status code
  std::string state;        ///< "running", "dead", "stopped", "unknown", "restarting" or "failed"
  pid_t pid = 0;            ///< the pid the pidfile names; 0 if none
  double started_at = 0;    ///< running: when it started, seconds since the epoch
  double uptime = 0;        ///< running: seconds
  std::string pidfile;
  std::string reason;       ///< dead, unknown: why
  std::string text;         ///< the line `status` prints
  pid_t monitor = 0;        ///< supervised ([restart]): the monitor's pid, 0 if none
  bool monitor_alive = false;
  int restarts = 0;
  std::string last_exit;    ///< how the last daemon ended, "" if none yet
};
/// status() with the facts behind its line.
Result<StatusInfo> status_info(const Context& ctx, const config::ServiceSpec& spec);

/// `reload` and `signal`: sends `sig` to the proven daemon alone, through its
/// pidfd; ExitStatus::inactive (LSB 7, "not running") when it does not run.
/// Holds the service's lock.
Result<Outcome> send_signal(const Context& ctx, const config::ServiceSpec& spec, int sig);

/// "45s", "3m12s", "2h5m", "4d3h".
std::string format_uptime(double seconds);

}  // namespace daemonctl::core
