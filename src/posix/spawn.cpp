#include "posix/spawn.h"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>

namespace daemonctl::posix {
namespace {

// What the forked processes tell the parent through the report pipe.
enum class Step : int { forked, setsid, fork, chdir, stdio, signals, exec };

struct Report {
  Step step;
  int value;  // the daemon's pid for Step::forked, else an errno
};

// Only async-signal-safe calls between fork and exec.
[[noreturn]] void report_and_exit(int fd, Step step, int err) {
  Report r{step, err};
  [[maybe_unused]] ssize_t n = ::write(fd, &r, sizeof r);
  ::_exit(127);
}

// Reads one report; false at EOF (every write end closed: the exec happened).
bool read_report(int fd, Report& r) {
  for (;;) {
    ssize_t n = ::read(fd, &r, sizeof r);
    if (n == static_cast<ssize_t>(sizeof r)) return true;
    if (n < 0 && errno == EINTR) continue;
    return false;  // EOF, or a short read that a pipe never gives for so small a write
  }
}

void reset_signals() {
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction dfl{};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &dfl, nullptr);  // KILL, STOP: EINVAL, harmless
}

// Marks every descriptor from 3 up close-on-exec, so that the report pipe
// stays usable until the exec itself closes everything.
bool cloexec_all_from_3() {
  if (::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return true;
  long max = ::sysconf(_SC_OPEN_MAX);
  for (int fd = 3; fd < max; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  return true;
}

[[noreturn]] void exec_daemon(const SpawnRequest& rq, char* const argv[], char* const envp[],
                              int report) {
  if (::chdir(rq.directory.c_str()) < 0) report_and_exit(report, Step::chdir, errno);
  ::umask(rq.umask);
  // The caller's fds may themselves be 0..2: move them clear of 0..2 first.
  int in = ::fcntl(rq.stdin_fd, F_DUPFD_CLOEXEC, 3);
  int out = ::fcntl(rq.stdout_fd, F_DUPFD_CLOEXEC, 3);
  int err = ::fcntl(rq.stderr_fd, F_DUPFD_CLOEXEC, 3);
  if (in < 0 || out < 0 || err < 0 || ::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) {
    report_and_exit(report, Step::stdio, errno);
  }
  cloexec_all_from_3();
  reset_signals();
  ::execve(rq.executable.c_str(), argv, envp);
  report_and_exit(report, Step::exec, errno);
}

[[noreturn]] void first_child(const SpawnRequest& rq, char* const argv[], char* const envp[],
                              int report, int release) {
  if (::setsid() < 0) report_and_exit(report, Step::setsid, errno);
  pid_t pid = ::fork();
  if (pid < 0) report_and_exit(report, Step::fork, errno);
  if (pid == 0) {
    ::close(release);
    exec_daemon(rq, argv, envp, report);
  }
  Report r{Step::forked, pid};
  [[maybe_unused]] ssize_t n = ::write(report, &r, sizeof r);
  ::close(report);
  // Stay alive until the parent holds a pidfd on the daemon: while we have
  // not exited, the daemon's pid cannot be reused even if it died already.
  char byte;
  while (::read(release, &byte, 1) < 0 && errno == EINTR) {
  }
  ::_exit(0);
}

std::vector<char*> c_strings(const std::vector<std::string>& v) {
  std::vector<char*> out;
  out.reserve(v.size() + 1);
  for (const auto& s : v) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

Error step_error(const SpawnRequest& rq, Step step, int err) {
  switch (step) {
    case Step::exec: {
      Error e = sys_error("cannot execute '" + rq.executable + "'", err);
      e.status = ExitStatus::not_installed;
      return e;
    }
    case Step::chdir: return sys_error("cannot change directory to '" + rq.directory + "'", err);
    case Step::stdio: return sys_error("cannot set up standard input and output", err);
    case Step::setsid: return sys_error("setsid", err);
    default: return sys_error("fork", err);
  }
}

}  // namespace

Result<Pidfd> spawn_daemon(const SpawnRequest& rq) {
  // Everything the children need is built before fork: no allocation after.
  std::vector<char*> argv = c_strings(rq.argv);
  std::vector<char*> envp = c_strings(rq.env);

  // Orphans of ours come to us, not to PID 1, so that a daemon that dies
  // during the start can be reaped and its exit status reported.
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);

  int report[2], release[2];
  if (::pipe2(report, O_CLOEXEC) < 0) return sys_error("pipe");
  UniqueFd report_r(report[0]), report_w(report[1]);
  if (::pipe2(release, O_CLOEXEC) < 0) return sys_error("pipe");
  UniqueFd release_r(release[0]), release_w(release[1]);

  pid_t child = ::fork();
  if (child < 0) return sys_error("fork");
  if (child == 0) {
    report_r.reset();
    release_w.reset();
    first_child(rq, argv.data(), envp.data(), report_w.get(), release_r.get());
  }
  report_w.reset();
  release_r.reset();

  // Reports come in any order: the daemon's pid from the first child, and a
  // failure from either. The first child sends nothing after a failure of
  // its own, and lingers until release_w is closed.
  std::optional<Report> failure;
  Result<Pidfd> daemon = Error{ExitStatus::failure, "the forked process died before it reported"};
  for (Report r{}; read_report(report_r.get(), r);) {
    if (r.step == Step::forked) {
      daemon = Pidfd::open(r.value);
      release_w.reset();  // now the first child may exit
    } else {
      failure = r;
      if (r.step == Step::setsid || r.step == Step::fork) break;
    }
  }
  release_w.reset();
  while (::waitpid(child, nullptr, 0) < 0 && errno == EINTR) {
  }
  if (failure) {
    if (daemon) (void)daemon->reap();  // it has _exit'ed: collect the zombie
    return step_error(rq, failure->step, failure->value);
  }
  return daemon;
}

}  // namespace daemonctl::posix
