#include "posix/spawn_child.h"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <optional>

namespace daemonctl::posix::detail {

[[noreturn]] void report_and_exit(int fd, Step step, int err, int which) {
  Report r{step, err, which};
  [[maybe_unused]] ssize_t n = ::write(fd, &r, sizeof r);
  ::_exit(127);
}

namespace {

// The hex mask after `key` ("SigIgn:\t") in /proc/self/status text.
std::uint64_t status_mask(const char* text, const char* key) {
  const char* at = std::strstr(text, key);
  if (!at) return ~std::uint64_t{0};  // cannot tell: every signal
  std::uint64_t mask = 0;
  for (at += std::strlen(key); *at; ++at) {
    int digit = *at >= '0' && *at <= '9' ? *at - '0' : *at >= 'a' && *at <= 'f' ? *at - 'a' + 10 : -1;
    if (digit < 0) break;
    mask = mask << 4 | static_cast<std::uint64_t>(digit);
  }
  return mask;
}

// Default dispositions and an empty mask, as the program expects. execve
// resets caught signals itself; only ignored ones survive it. So only the
// signals ignored or caught now (/proc/self/status: usually one or two) are
// reset, not all 64 with a system call each.
void reset_signals(const std::optional<std::uint64_t>& known) {
  std::uint64_t touched = known.value_or(~std::uint64_t{0});
  char text[4096];
  int fd = known ? -1 : ::open("/proc/self/status", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ssize_t n = ::read(fd, text, sizeof text - 1);
    ::close(fd);
    if (n > 0) {
      text[n] = '\0';
      touched = status_mask(text, "SigIgn:\t") | status_mask(text, "SigCgt:\t");
    }
  }
  struct sigaction dfl{};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG && sig <= 64; ++sig) {
    if (touched >> (sig - 1) & 1) ::sigaction(sig, &dfl, nullptr);  // KILL, STOP: EINVAL, harmless
  }
  // Unblocked last: no handler of ours can run in this process.
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

// Marks every descriptor from `first` up close-on-exec, so that the report
// pipe stays usable until the exec itself closes everything.
void cloexec_all_from(int first) {
  if (::syscall(SYS_close_range, static_cast<unsigned>(first), ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
  long max = ::sysconf(_SC_OPEN_MAX);
  for (int fd = first; fd < max; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
}

// Writes `text` (built before the fork) to /proc/self/oom_score_adj.
bool write_oom_score_adj(const std::string& text) {
  int fd = ::open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  int err = errno;
  ::close(fd);
  errno = err;
  return ok;
}

// `fd` moved to the lowest free descriptor from `above` up, close-on-exec;
// a failure is reported as `step`.
int move_above(int fd, int above, int report, Step step) {
  int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, above);
  if (moved < 0) report_and_exit(report, step, errno);
  return moved;
}

// The limits, nice value and oom_score_adj of the request, set while still
// privileged: lowering nice or oom_score_adj and raising a hard limit need root.
void set_limits(const SpawnRequest& rq, const std::string& oom_text, int report) {
  for (std::size_t i = 0; i < rq.limits.size(); ++i) {
    const ResourceLimit& l = rq.limits[i];
    struct rlimit value{l.soft, l.hard};
    if (::setrlimit(l.resource, &value) < 0) report_and_exit(report, Step::rlimit, errno, static_cast<int>(i));
  }
  // setpriority returns 0 or -1; -1 with errno set is the failure.
  if (rq.nice && ::setpriority(PRIO_PROCESS, 0, *rq.nice) < 0) report_and_exit(report, Step::nice, errno);
  if (rq.oom_score_adj && !write_oom_score_adj(oom_text)) report_and_exit(report, Step::oom_score_adj, errno);
}

// Groups first, the uid last: after setuid there is no way back. Raw
// system calls: glibc's wrappers would signal the other threads it
// believes in (a raw fork leaves it believing in the parent's), under a
// lock another thread may have held at the fork. This process has one.
void change_ids(const SpawnRequest& rq, int report) {
  if (::syscall(SYS_setgroups, rq.groups.size(), rq.groups.data()) < 0) {
    report_and_exit(report, Step::setgroups, errno);
  }
  if (::syscall(SYS_setgid, rq.gid) < 0) report_and_exit(report, Step::setgid, errno);
  if (::syscall(SYS_setuid, rq.uid) < 0) report_and_exit(report, Step::setuid, errno);
}

// The request's stdio fds become 0, 1 and 2. They may themselves be 0..2:
// each is moved clear of them first.
void set_stdio(const SpawnRequest& rq, int above, int report) {
  int in = move_above(rq.stdin_fd, above, report, Step::fd0);
  int out = move_above(rq.stdout_fd, above, report, Step::fd1);
  int err = move_above(rq.stderr_fd, above, report, Step::fd2);
  if (::dup2(in, 0) < 0) report_and_exit(report, Step::fd0, errno);
  if (::dup2(out, 1) < 0) report_and_exit(report, Step::fd1, errno);
  if (::dup2(err, 2) < 0) report_and_exit(report, Step::fd2, errno);
}

// Reports "ready" with our pid and our parent's, waits for the go, and
// execs; EOF instead of the go means the caller died or gave up on us.
[[noreturn]] void exec_on_go(const SpawnRequest& rq, char* const argv[], char* const envp[], int report, int go) {
  Report ready{Step::ready, ::getpid(), ::getppid()};
  [[maybe_unused]] ssize_t n = ::write(report, &ready, sizeof ready);
  char byte;
  ssize_t got;
  while ((got = ::read(go, &byte, 1)) < 0 && errno == EINTR) {
  }
  if (got != 1) ::_exit(0);
  ::execve(rq.executable.c_str(), argv, envp);
  report_and_exit(report, Step::exec, errno);
}

}  // namespace

[[noreturn]] void exec_daemon(const SpawnRequest& rq, char* const argv[], char* const envp[],
                              const std::string& oom_text, int report, int go) {
  // fds 3.. are for pass_fds: everything in use moves above them first.
  const int above = 3 + static_cast<int>(rq.pass_fds.size());
  report = ::fcntl(report, F_DUPFD_CLOEXEC, above);
  if (report < 0) ::_exit(127);
  go = move_above(go, above, report, Step::fds);
  int passed[16];
  if (rq.pass_fds.size() > sizeof passed / sizeof passed[0]) report_and_exit(report, Step::fds, EMFILE);
  for (std::size_t i = 0; i < rq.pass_fds.size(); ++i) passed[i] = move_above(rq.pass_fds[i], above, report, Step::fds);
  set_limits(rq, oom_text, report);
  if (rq.change_ids) change_ids(rq, report);
  // As the daemon's user: the directory must be open to it.
  if (::chdir(rq.directory.c_str()) < 0) report_and_exit(report, Step::chdir, errno);
  ::umask(rq.umask);
  set_stdio(rq, above, report);
  for (std::size_t i = 0; i < rq.pass_fds.size(); ++i) {  // dup2 leaves them open across the exec
    if (::dup2(passed[i], 3 + static_cast<int>(i)) < 0) report_and_exit(report, Step::fds, errno);
  }
  cloexec_all_from(above);
  reset_signals(rq.changed_signals);
  exec_on_go(rq, argv, envp, report, go);
}

}  // namespace daemonctl::posix::detail
