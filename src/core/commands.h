// The four actions on one service. Each returns what to tell the user on
// stdout and the exit status, or an Error for stderr.
#pragma once

#include <string>
#include <sys/types.h>

#include "common/result.h"
#include "config/service_spec.h"
#include "core/pidfile.h"

namespace daemonctl::core {

struct Launch;  // core/launch.h

struct Context {
  std::string state_dir;  ///< prepared: exists, ours, not a symlink
};

struct Outcome {
  ExitStatus status = ExitStatus::success;
  std::string text;  ///< "started (pid 42)"; one or more lines, each to be prefixed with the service name
  pid_t pid = 0;     ///< the daemon started, running, or stopped; 0 if none
};

StatePaths state_paths(const Context& ctx, const config::ServiceSpec& spec);

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
Result<Outcome> start_locked(const Context& ctx, const config::ServiceSpec& spec);
Result<Outcome> stop_locked(const Context& ctx, const config::ServiceSpec& spec);
/// The fork and exec of a start whose checks are done (prepare_launch).
Result<Outcome> launch(const Context& ctx, const config::ServiceSpec& spec, Launch l);

/// "45s", "3m12s", "2h5m", "4d3h".
std::string format_uptime(double seconds);

}  // namespace daemonctl::core
