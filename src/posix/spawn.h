// The APUE double fork, with a handshake both ways: fork; the child calls
// setsid() and forks again, then exits; the grandchild sets up its process
// state, reports that it is ready (with its pid), and waits for a go before
// it execs. daemonctl must ignore SIGPIPE (a daemon that dies before the go
// makes the go an EPIPE). So the
// caller can record the daemon (pidfile, identity) before it runs anything,
// and a caller that dies before the go leaves nothing running: the
// grandchild sees EOF instead and exits. The caller then learns through a
// close-on-exec pipe whether the exec happened (EOF) or why not (an errno).
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <sys/resource.h>
#include <sys/types.h>
#include <vector>

#include "common/result.h"
#include "posix/guard.h"
#include "posix/pidfd.h"

namespace daemonctl::posix {

/// One setrlimit(2) for the daemon.
struct ResourceLimit {
  int resource = 0;
  rlim_t soft = 0, hard = 0;
  std::string name;  ///< for messages: "nofile"
};

struct SpawnRequest {
  std::string executable;         ///< path handed to execve
  std::vector<std::string> argv;  ///< argv[0] included
  std::vector<std::string> env;   ///< "NAME=value" entries: the whole environment
  std::string directory;          ///< chdir target
  mode_t umask = 022;
  int stdin_fd = -1;   ///< become fds 0, 1, 2; not owned, may be equal
  int stdout_fd = -1;
  int stderr_fd = -1;
  bool change_ids = false;     ///< switch to uid, gid and groups before chdir and exec
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;   ///< supplementary groups
  // Set while still privileged, before the ids change: lowering nice or
  // oom_score_adj and raising a hard limit need root.
  std::vector<ResourceLimit> limits;
  std::optional<int> nice;           ///< setpriority(2) of the daemon
  std::optional<int> oom_score_adj;  ///< written to /proc/self/oom_score_adj
  std::vector<int> pass_fds;         ///< become fds 3, 4, ... of the program, kept open across the exec
  /// Signals (bit sig-1) ignored or caught by the caller, to be reset to
  /// their default; unset: read from /proc/self/status in the child.
  std::optional<std::uint64_t> changed_signals;
  /// A double fork with a Guard between us and the program (type = "forking").
  bool guard = false;
};

/// A daemon forked and set up, held just before its exec.
///
/// One at a time per process: from prepare_daemon until exec() or abandon()
/// it holds a lock that the next prepare_daemon (in another thread) waits
/// for. A fork copies every fd of the process, and a daemon holding another
/// one's "go" pipe would keep it waiting forever if daemonctl died. Other
/// fds (another thread's service lock, its log files) are still copied, and
/// held until this daemon's exec closes them: a short delay, never a wait
/// on something that cannot happen.
class PreparedDaemon {
 public:
  PreparedDaemon(std::unique_lock<std::mutex> forking, Pidfd proc, UniqueFd report, UniqueFd go,
                 std::string executable, std::optional<Guard> guard = std::nullopt)
      : forking_(std::move(forking)),
        proc_(std::move(proc)),
        report_(std::move(report)),
        go_(std::move(go)),
        executable_(std::move(executable)),
        guard_(std::move(guard)) {}

  /// The handle on the daemon; its pid and /proc facts are final already.
  const Pidfd& proc() const { return proc_; }

  /// Lets it exec; returns once it has, or why it could not (status
  /// not_installed: "cannot execute 'x': reason"; the daemon is reaped).
  Status exec();

  /// Lets it go without exec: it exits at once, and is reaped.
  void abandon();

  /// The handle, for one who keeps it after the exec.
  Pidfd release() && { return std::move(proc_); }

  /// The guard of a SpawnRequest::guard start (the program is its child).
  std::optional<Guard>& guard() { return guard_; }

 private:
  std::unique_lock<std::mutex> forking_;
  Pidfd proc_;
  UniqueFd report_, go_;
  std::string executable_;
  std::optional<Guard> guard_;
};

/// Forks the daemon and sets it up, up to the exec. While this process lives
/// it is the daemon's subreaper, so Pidfd::reap works on it. Errors name the
/// step that failed; nothing is left running.
Result<PreparedDaemon> prepare_daemon(const SpawnRequest& request);

/// The same set-up and handshake with one fork: the program is this
/// process's own child, in a process group of its own, in our session (a
/// monitor's children: the monitor is the daemon).
/// `meanwhile(pid)` runs right after the fork, while the child sets itself
/// up, so that recording it costs no time on the way to its exec.
Result<PreparedDaemon> prepare_child(const SpawnRequest& request,
                                     const std::function<void(pid_t)>& meanwhile = {});

}  // namespace daemonctl::posix
