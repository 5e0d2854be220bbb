// The APUE double fork, with a handshake: fork; the child calls setsid() and
// forks again, then exits; the grandchild sets up its process state and
// execs. The caller learns through a close-on-exec pipe whether the exec
// happened (EOF) or why it did not (an errno), and gets a pidfd on the
// daemon that was opened while its pid could not yet be recycled.
#pragma once

#include <string>
#include <sys/types.h>
#include <vector>

#include "common/result.h"
#include "posix/pidfd.h"

namespace daemonctl::posix {

struct SpawnRequest {
  std::string executable;         ///< path handed to execve
  std::vector<std::string> argv;  ///< argv[0] included
  std::vector<std::string> env;   ///< "NAME=value" entries: the whole environment
  std::string directory;          ///< chdir target
  mode_t umask = 022;
  int stdin_fd = -1;   ///< become fds 0, 1, 2; not owned, may be equal
  int stdout_fd = -1;
  int stderr_fd = -1;
};

/// Starts the daemon. On success the daemon has exec'd; while this process
/// lives it is the daemon's subreaper, so Pidfd::reap works on it. Errors:
/// exec failures have status not_installed ("cannot execute 'x': reason");
/// the rest name the step that failed.
Result<Pidfd> spawn_daemon(const SpawnRequest& request);

}  // namespace daemonctl::posix
