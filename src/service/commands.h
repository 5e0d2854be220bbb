// The four actions on one service. Each returns what to tell the user on
// stdout and the exit status, or an Error for stderr.
#pragma once

#include <string>
#include <vector>
#include <sys/types.h>

#include "common/result.h"
#include "config/service_spec.h"
#include "state/pidfile.h"
#include "state/state.h"

namespace daemonctl::service {

struct Launch;   // service/launch.h
struct Inspection;  // service/inspect.h
struct KnownRecord;  // service/inspect.h
class Progress;  // service/progress.h

struct Context {
  std::string state_dir;  ///< prepared: exists, ours, not a symlink
  Progress* progress = nullptr;  ///< told how a stop's wait goes; nullptr: nobody
};

struct Outcome {
  ExitStatus status = ExitStatus::success;
  std::string text;  ///< "started (pid 42)"; one or more lines, each to be prefixed with the service name
  pid_t pid = 0;     ///< the daemon started, running, or stopped; 0 if none
};

state::StatePaths state_paths(const Context& ctx, const config::ServiceSpec& spec);
/// The state files of service `name`: its record and lock, and the pidfile
/// `spec` names (null or none: <state dir>/<name>.pid). A recorded instance
/// has its own pidfile: recorded_paths (service/inspect.h).
state::StatePaths state_paths(const Context& ctx, const std::string& name, const config::ServiceSpec* spec = nullptr);
/// The NOTIFY_SOCKET of a `ready.notify` service, as a dry run shows it:
/// an abstract name whose random part each start draws anew.
std::string notify_socket_path(const Context& ctx, const config::ServiceSpec& spec);

// start, stop and restart hold the service's lock (state dir/<name>.lock)
// while they work: commands on one service run one at a time, commands on
// different services never wait on each other.
Result<Outcome> start(const Context& ctx, const config::ServiceSpec& spec);
/// Stops the instance the record of service `name` names, with the stop
/// settings of its start. `spec`, the service's file as it is now, may be
/// null (removed, invalid): only a record of an older daemonctl needs it.
Result<Outcome> stop(const Context& ctx, const std::string& name, const config::ServiceSpec* spec);
inline Result<Outcome> stop(const Context& ctx, const config::ServiceSpec& spec) { return stop(ctx, spec.name, &spec); }
/// stop, then start, under one lock; a failed stop does not start. Says both
/// what was stopped (if anything) and what was started.
Result<Outcome> restart(const Context& ctx, const config::ServiceSpec& spec);
/// LSB status: 0 running, 1 dead (or failed), 3 not running (or starting), 4
/// unknown. From the record alone, and without the lock: it never waits.
Result<Outcome> status(const Context& ctx, const std::string& name);

/// Refuses (status failure) to start `spec` over what the state dir records
/// for another file: its name recorded for a different service file, or its
/// pidfile the recorded pidfile of another service. Both files are named.
Status check_owner(const Context& ctx, const config::ServiceSpec& spec);
/// The same, of an inspection already made.
Status check_owner(const Inspection& now, const config::ServiceSpec& spec, const Context& ctx);

/// start and stop for a caller that holds the lock.
/// `lock_fd`: the lock held, handed to a monitor until it has recorded its daemon.
Result<Outcome> start_locked(const Context& ctx, const config::ServiceSpec& spec, int lock_fd);
Result<Outcome> stop_locked(const Context& ctx, const std::string& name, const config::ServiceSpec* spec);
/// The fork and exec of a start whose checks are done (prepare_launch).
Result<Outcome> launch(const Context& ctx, const config::ServiceSpec& spec, Launch l, int lock_fd);

/// What status knows of a service, for tables and JSON.
struct StatusInfo {
  ExitStatus status = ExitStatus::not_running;  ///< the LSB status code
  state::State state = state::State::stopped;
  pid_t pid = 0;            ///< the pid the pidfile names; 0 if none
  double started_at = 0;    ///< running: when it started, seconds since the epoch
  double uptime = 0;        ///< running: seconds
  std::string pidfile;
  std::string reason;       ///< dead, unknown: why
  std::string file;         ///< recorded: the service file it was started from
  std::vector<std::string> argv;  ///< recorded: what runs (the program resolved); empty if not recorded
  bool file_changed = false;      ///< recorded: its file changed since the start (or is gone)
  bool file_gone = false;         ///< recorded: its file is gone
  std::string note;         ///< what is off beside the state: a pidfile problem
  std::string text;         ///< the line `status` prints
  pid_t monitor = 0;        ///< supervised ([restart]): the monitor's pid, 0 if none
  bool monitor_alive = false;
  int restarts = 0;
  std::string last_exit;    ///< how the last daemon ended, "" if none yet
  std::string stdout_path, stderr_path;  ///< recorded: where its output went ("" if not recorded)
};
/// status() with the facts behind its line.
/// `spec`: the service's file now, for its own pidfile; null: known by its record.
/// `known`: the record as the caller just read it (not read again, moved
/// from); null: none.
Result<StatusInfo> status_info(const Context& ctx, const std::string& name, const config::ServiceSpec* spec,
                               KnownRecord* known = nullptr);

/// `reload` and `signal`: sends `sig` to the proven daemon alone, through its
/// pidfd, or with `group` to its recorded process group as stop does
/// (terminate.h: signal_once); ExitStatus::inactive (LSB 7, "not running")
/// when it does not run. Holds the service's lock.
/// `sig` 0: the reload signal recorded at its start.
Result<Outcome> send_signal(const Context& ctx, const std::string& name, const config::ServiceSpec* spec, int sig,
                            bool group = false);

/// "45s", "3m12s", "2h5m", "4d3h".
std::string format_uptime(double seconds);

}  // namespace daemonctl::service
