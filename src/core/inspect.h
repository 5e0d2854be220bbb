// "Is the service running?" answered by proof, not by trusting a number.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <sys/types.h>

#include "config/service_spec.h"
#include "core/pidfile.h"
#include "posix/pidfd.h"

namespace daemonctl::core {

enum class State {
  stopped,  ///< no pidfile
  running,  ///< the pidfile names a live process proven to be the service
  dead,     ///< the pidfile names a pid that is gone, a zombie, or another process
  invalid,  ///< the pidfile holds no valid pid
  unknown,  ///< the pidfile cannot be read
  restarting,  ///< no pidfile, but its monitor lives: between a daemon's exit and the next start
  failed,      ///< no pidfile: its monitor gave up after too many restarts
};

/// What the record says of a monitor ([restart]), if one was recorded.
struct MonitorFacts {
  pid_t pid = 0;                 ///< 0: no monitor
  std::uint64_t starttime = 0;
  bool alive = false;            ///< that very process still runs
  int restarts = 0;
  std::string last_exit;         ///< "exited with status 1"
};

struct Inspection {
  State state = State::stopped;
  pid_t pid = 0;                     ///< the pid the pidfile names (running, dead)
  std::optional<posix::Pidfd> proc;  ///< running with Handle::pidfd only: a handle on the proven process
  std::uint64_t starttime = 0;       ///< running only
  pid_t pgid = 0;                    ///< running only: the recorded process group (or the current one)
  std::string reason;                ///< dead, invalid, unknown, failed: why, for messages
  MonitorFacts monitor;
  ExitStatus status = ExitStatus::failure;  ///< unknown: the status of the error behind it
};

/// What inspect() returns for a running service.
enum class Handle {
  pidfd,  ///< a pidfd on the proven process, for acting on it
  none,   ///< only the facts (status): no pidfd, and three system calls fewer
};

/// The record in `paths`, if it can be read and is well-formed.
std::optional<Record> read_record(const StatePaths& paths);

/// inspect() with the service's program resolved as a start would.
Inspection inspect_service(const StatePaths& paths, const config::ServiceSpec& spec, Handle handle = Handle::pidfd);

/// Looks at the pidfile and record in `paths`. `executable` gives the
/// service's resolved program (may be empty), asked for only when needed: a
/// pidfile without a record is trusted only when /proc/PID/exe is that program.
Inspection inspect(const StatePaths& paths, const std::function<std::string()>& executable,
                   Handle handle = Handle::pidfd);
inline Inspection inspect(const StatePaths& paths, const std::string& executable, Handle handle = Handle::pidfd) {
  return inspect(paths, [&] { return executable; }, handle);
}

/// The Error for acting on an unknown state: "cannot tell whether it runs: why".
Error unknown_state(const Inspection& unknown);

/// Removes the pidfile and the record (missing ones are fine).
Status remove_state(const StatePaths& paths);

/// Removes the state of a dead or invalid inspection, with a warning that
/// names service `name`, the pidfile and why it was stale.
Status remove_stale(const std::string& name, const StatePaths& paths, const Inspection& stale);

}  // namespace daemonctl::core
