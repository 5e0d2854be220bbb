// The daemon's side of posix/spawn: from its fork to its exec, with only
// async-signal-safe calls, telling the parent each step's failure through
// the report pipe. Internal to spawn.cpp and guard.cpp's users.
#pragma once

#include <string>

#include "posix/spawn.h"

namespace daemonctl::posix::detail {

// What the forked processes tell the parent through the report pipe.
enum class Step : int {
  ready, setsid, setpgid, fds, fork, rlimit, nice, oom_score_adj, setgroups, setgid, setuid, chdir, fd0, fd1, fd2, exec
};

struct Report {
  Step step;
  int value;  // the daemon's own pid for Step::ready, else an errno
  int which;  // Step::rlimit: the index of the limit in the request; Step::ready: the daemon's parent
};

// Only async-signal-safe calls between fork and exec.
[[noreturn]] void report_and_exit(int fd, Step step, int err, int which = 0);

/// Sets the daemon up as `rq` says (limits, ids, folder, stdio, signals),
/// reports "ready" with its pid and its parent's, waits for the go on `go`,
/// and execs; on any failure reports the step and exits 127.
[[noreturn]] void exec_daemon(const SpawnRequest& rq, char* const argv[], char* const envp[],
                              const std::string& oom_text, int report, int go);

}  // namespace daemonctl::posix::detail
