// This process: its ids, its working directory, its umask, its signal
// dispositions, its resource limits and nice value. The id getters are
// inline: each is one cheap system call, and the layers above call them on
// hot paths (every inspected record is checked against our pid).
#pragma once

#include <string>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "common/result.h"

namespace daemonctl::posix {

/// getpid(2).
inline pid_t this_pid() { return ::getpid(); }
/// getpgrp(2): our process group.
inline pid_t this_process_group() { return ::getpgrp(); }
/// geteuid(2): the uid that open(2) and kill(2) check.
inline uid_t effective_uid() { return ::geteuid(); }
/// getegid(2).
inline gid_t effective_gid() { return ::getegid(); }

/// Ends the process with `code` once stdout and stderr are flushed, without
/// static destructors or atexit handlers (_exit): a command's last act, when
/// all that is left to clean up is memory.
[[noreturn]] void exit_now(int code);

/// getcwd(3): the working directory. Error: "getcwd: REASON".
Result<std::string> working_directory();

/// umask(2) set to `mask` while this object lives; the previous one back
/// after. The umask is the process's: threads that create files take turns.
class TemporaryUmask {
 public:
  explicit TemporaryUmask(mode_t mask) : saved_(::umask(mask)) {}
  ~TemporaryUmask() { ::umask(saved_); }
  TemporaryUmask(const TemporaryUmask&) = delete;
  TemporaryUmask& operator=(const TemporaryUmask&) = delete;

 private:
  mode_t saved_;
};

/// signal(2): `sig` ignored (SIG_IGN) from now on; an exec keeps that.
void ignore_signal(int sig);
/// signal(2): `sig` back to its default action (SIG_DFL).
void default_signal(int sig);

/// getrlimit(2): our limit of `resource` (RLIMIT_NOFILE...).
Result<struct rlimit> resource_limit(int resource);

/// getpriority(2): our nice value.
Result<int> nice_value();

}  // namespace daemonctl::posix
