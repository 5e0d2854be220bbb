// "Is the service running?" answered by the record, and by proof that the
// process it names is still that very process: never by a pidfile.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <sys/types.h>

#include "config/service_spec.h"
#include "state/pidfile.h"
#include "state/state.h"
#include "posix/pidfd.h"

namespace daemonctl::service {


/// What the record says of a monitor ([restart]), if one was recorded.
struct MonitorFacts {
  pid_t pid = 0;                 ///< 0: no monitor
  std::uint64_t starttime = 0;
  bool alive = false;            ///< that very process still runs
  bool stopped = false;          ///< ...but stopped (SIGSTOP, a debugger): it restarts nothing
  int restarts = 0;
  std::string last_exit;         ///< "exited with status 1"
};

struct Inspection {
  state::State state = state::State::stopped;
  pid_t pid = 0;                     ///< the pid the record names (starting, running, dead)
  std::optional<posix::Pidfd> proc;  ///< running with Handle::pidfd only: a handle on the proven process
  std::uint64_t starttime = 0;       ///< running only
  pid_t pgid = 0;                    ///< running only: the recorded process group (or the current one)
  std::string reason;                ///< dead, invalid, unknown, failed: why, for messages
  MonitorFacts monitor;
  ExitStatus status = ExitStatus::failure;  ///< unknown: the status of the error behind it
  std::optional<state::Record> record;             ///< as read, if it could be
  /// running: what is wrong with daemonctl's pidfile (missing, another pid,
  /// an insecure owner or mode), "" if nothing; start rewrites it.
  std::string pidfile_problem;
  bool stale_pidfile = false;  ///< stopped: a pidfile is there all the same
  bool known = false;          ///< made from the KnownRecord handed in, not read again
};

/// Who holds the service's lock while inspect() looks.
enum class Lock {
  held,   ///< the caller: no start is under way
  probe,  ///< nobody known: a "starting" record is a start under way only if someone holds it
};

/// What inspect() returns for a running service.
enum class Handle {
  pidfd,  ///< a pidfd on the proven process, for acting on it
  none,   ///< only the facts (status): no pidfd, and three system calls fewer
};

/// The record in `paths`, if it can be read and is well-formed.
std::optional<state::Record> read_record(const state::StatePaths& paths);

/// The text of the record in `paths`, read as inspect() reads it: only from
/// a folder no one else can change. `mtime_ns`, if not null, gets the
/// record's modification time (0 if it could not be read).
Result<std::string> read_record_text(const state::StatePaths& paths, std::int64_t* mtime_ns = nullptr);

/// A record the caller has just read and parsed, handed on so that it is
/// not read again.
struct KnownRecord {
  state::Record record;
  bool file_unchanged = false;  ///< its service file has the recorded identity now
  std::int64_t mtime_ns = 0;    ///< the record's modification time; 0: unknown
};

/// Looks at the record in `paths` and proves the process it names. The
/// pidfile is only looked at for pidfile_problem.
/// `known`: the record as the caller just read it, moved from; null: read
/// here. Without the lock, what it names that does not run is looked at
/// again from the file.
Inspection inspect(const state::StatePaths& paths, Handle handle = Handle::pidfd, Lock lock = Lock::held,
                   KnownRecord* known = nullptr);

/// While one lives on this thread, the reads of inspect() and read_record()
/// enter each trusted folder once, not once per file: status of many
/// services reads two files of one folder per service. Scopes nest.
class FolderCache {
 public:
  FolderCache();
  ~FolderCache();
  FolderCache(const FolderCache&) = delete;
  FolderCache& operator=(const FolderCache&) = delete;

 private:
  bool was_;
};

/// `paths` with the pidfile the record names, if it names one: the one to
/// check, rewrite and remove, whatever the service file says now.
state::StatePaths recorded_paths(state::StatePaths paths, const Inspection& i);

/// How to stop (and reload) the recorded instance: the record's settings;
/// from `spec` (may be null) or the defaults for a record of an older daemonctl.
config::StopSpec recorded_stop(const Inspection& i, const config::ServiceSpec* spec);
int recorded_reload_signal(const Inspection& i, const config::ServiceSpec* spec);

/// Another service file, still there, started the recorded instance of
/// `spec`'s name: the instance is not `spec`'s to stop, signal or show.
/// (A file that was moved or removed leaves its instance to the one now
/// declaring the name.)
bool owned_elsewhere(const Inspection& i, const config::ServiceSpec* spec);


/// The Error for acting on an unknown state: "cannot tell whether it runs: why".
Error unknown_state(const Inspection& unknown);

/// Removes the pidfile and the record (missing ones are fine).
Status remove_state(const state::StatePaths& paths);

/// Why the state left by `stale` (dead, invalid, or a pidfile without a
/// record) is not trusted, for messages.
std::string stale_reason(const Inspection& stale);

/// Removes the state of a dead or invalid inspection, with a warning that
/// names service `name`, the pidfile and why it was stale.
Status remove_stale(const std::string& name, const state::StatePaths& paths, const Inspection& stale);

}  // namespace daemonctl::service
