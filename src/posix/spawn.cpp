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
enum class Step : int { forked, ready, setsid, fork, chdir, stdio, exec };

struct Report {
  Step step;
  int value;  // the daemon's pid for Step::forked, 0 for ready, else an errno
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
                              int report, int go) {
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
  Report ready{Step::ready, 0};
  [[maybe_unused]] ssize_t n = ::write(report, &ready, sizeof ready);
  // Exec only on the go; EOF means the caller died or gave up on us.
  char byte;
  ssize_t got;
  while ((got = ::read(go, &byte, 1)) < 0 && errno == EINTR) {
  }
  if (got != 1) ::_exit(0);
  ::execve(rq.executable.c_str(), argv, envp);
  report_and_exit(report, Step::exec, errno);
}

[[noreturn]] void first_child(const SpawnRequest& rq, char* const argv[], char* const envp[],
                              int report, int release, int go) {
  if (::setsid() < 0) report_and_exit(report, Step::setsid, errno);
  pid_t pid = ::fork();
  if (pid < 0) report_and_exit(report, Step::fork, errno);
  if (pid == 0) {
    ::close(release);
    exec_daemon(rq, argv, envp, report, go);
  }
  Report r{Step::forked, pid};
  [[maybe_unused]] ssize_t n = ::write(report, &r, sizeof r);
  ::close(report);
  ::close(go);
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

Error exec_error(const std::string& executable, int err) {
  Error e = sys_error("cannot execute '" + executable + "'", err);
  e.status = ExitStatus::not_installed;
  return e;
}

Error step_error(const SpawnRequest& rq, Step step, int err) {
  switch (step) {
    case Step::exec: return exec_error(rq.executable, err);
    case Step::chdir: return sys_error("cannot change directory to '" + rq.directory + "'", err);
    case Step::stdio: return sys_error("cannot set up standard input and output", err);
    case Step::setsid: return sys_error("setsid", err);
    default: return sys_error("fork", err);
  }
}

}  // namespace

Result<PreparedDaemon> prepare_daemon(const SpawnRequest& rq) {
  // Everything the children need is built before fork: no allocation after.
  std::vector<char*> argv = c_strings(rq.argv);
  std::vector<char*> envp = c_strings(rq.env);

  // Orphans of ours come to us, not to PID 1, so that a daemon that dies
  // during the start can be reaped and its exit status reported.
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);

  int report[2], release[2], go[2];
  if (::pipe2(report, O_CLOEXEC) < 0) return sys_error("pipe");
  UniqueFd report_r(report[0]), report_w(report[1]);
  if (::pipe2(release, O_CLOEXEC) < 0) return sys_error("pipe");
  UniqueFd release_r(release[0]), release_w(release[1]);
  if (::pipe2(go, O_CLOEXEC) < 0) return sys_error("pipe");
  UniqueFd go_r(go[0]), go_w(go[1]);

  pid_t child = ::fork();
  if (child < 0) return sys_error("fork");
  if (child == 0) {
    // Only the parent may hold these ends, or EOF would never come.
    report_r.reset();
    release_w.reset();
    go_w.reset();
    first_child(rq, argv.data(), envp.data(), report_w.get(), release_r.get(), go_r.get());
  }
  report_w.reset();
  release_r.reset();
  go_r.reset();

  // Reports come in any order: the daemon's pid from the first child, and
  // "ready" or a failure from the daemon. The first child sends nothing
  // after a failure of its own, and lingers until release_w is closed.
  std::optional<Report> failure;
  bool forked = false, ready = false;
  Result<Pidfd> daemon = Error{ExitStatus::failure, "the forked process died before it reported"};
  for (Report r{}; !(forked && ready) && read_report(report_r.get(), r);) {
    if (r.step == Step::forked) {
      forked = true;
      daemon = Pidfd::open(r.value);
      release_w.reset();  // now the first child may exit
    } else if (r.step == Step::ready) {
      ready = true;
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
  if (!daemon) return std::move(daemon).error();
  if (!ready) {
    (void)daemon->reap();
    return Error{ExitStatus::failure, "the daemon died before it was ready"};
  }
  return PreparedDaemon(std::move(*daemon), std::move(report_r), std::move(go_w), rq.executable);
}

Status PreparedDaemon::exec() {
  char go = 1;
  if (::write(go_.get(), &go, 1) != 1) return sys_error("cannot release the daemon");
  go_.reset();
  Report r{};
  if (read_report(report_.get(), r)) {  // only the exec itself can fail now
    (void)proc_.reap();
    return exec_error(executable_, r.value);
  }
  return {};
}

void PreparedDaemon::abandon() {
  go_.reset();  // EOF: it exits without running anything
  if (proc_.wait_exit(std::chrono::seconds(5))) (void)proc_.reap();
}

}  // namespace daemonctl::posix
