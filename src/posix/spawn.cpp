#include "posix/spawn.h"

#include "posix/pipe.h"
#include "posix/spawn_child.h"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <linux/close_range.h>
#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

namespace daemonctl::posix {
namespace {

using namespace detail;

// Reads one report; false at EOF (every write end closed: the exec happened).
bool read_report(int fd, Report& r) {
  for (;;) {
    ssize_t n = ::read(fd, &r, sizeof r);
    if (n == static_cast<ssize_t>(sizeof r)) return true;
    if (n < 0 && errno == EINTR) continue;
    return false;  // EOF, or a short read that a pipe never gives for so small a write
  }
}

// What the first child of a double fork needs, on the parent's memory.
struct FirstChild {
  const SpawnRequest* rq;
  char* const* argv;
  char* const* envp;
  const std::string* oom_text;
  int report, go;              // the ends it keeps
  int parent_report, parent_go;  // the parent's ends, closed in its own fd table
  int hold = -1, status = -1;                // a guard's ends (SpawnRequest::guard)
  int parent_hold = -1, parent_status = -1;  // and the parent's
};

// fork(2) by its system call: glibc's fork would run its handlers, on the
// parent's memory in a vfork-like child.
pid_t raw_fork() {
#ifdef SYS_fork
  return static_cast<pid_t>(::syscall(SYS_fork));
#else
  return static_cast<pid_t>(::syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0));
#endif
}

// In the forked child of a guarded start: it becomes the guard, the
// subreaper of all the program leaves, and forks the program.
[[noreturn]] void guard_and_exec(const FirstChild& c) {
  if (::prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) report_and_exit(c.report, Step::fork, errno);
  auto pid = raw_fork();
  if (pid < 0) report_and_exit(c.report, Step::fork, errno);
  if (pid == 0) exec_daemon(*c.rq, c.argv, c.envp, *c.oom_text, c.report, c.go);
  // The program alone holds its report and go pipes: their EOF is its own.
  ::close(c.report);
  ::close(c.go);
  run_guard(c.hold, c.status, pid);
}

// The first child shares the parent's memory and runs while the parent waits
// (CLONE_VM | CLONE_VFORK, as posix_spawn does): it writes nothing there and
// calls no libc function that keeps state, only system calls. It makes a new
// session and forks the daemon by a raw fork system call (glibc's fork would
// run its handlers on the parent's memory), so daemonctl's pages are copied
// once, not twice: a fork of daemonctl costs about 0.7 ms on small VMs.
int first_child(void* arg) {
  const auto& c = *static_cast<const FirstChild*>(arg);
  ::close(c.parent_report);
  ::close(c.parent_go);
  if (c.parent_hold >= 0) ::close(c.parent_hold);
  if (c.parent_status >= 0) ::close(c.parent_status);
  if (::setsid() < 0) report_and_exit(c.report, Step::setsid, errno);
  auto pid = raw_fork();
  if (pid < 0) report_and_exit(c.report, Step::fork, errno);
  // The daemon: its own copy of memory, on a copy of this stack.
  if (pid == 0 && c.rq->guard) guard_and_exec(c);
  if (pid == 0) exec_daemon(*c.rq, c.argv, c.envp, *c.oom_text, c.report, c.go);
  return 0;  // the clone wrapper exits with it
}

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

// Starts first_child(c), and returns once it has exited (under ASan, at
// once); -1 with errno on failure. Every signal is blocked meanwhile, as
// posix_spawn does: no handler may run on our memory from the child. Under
// AddressSanitizer, a plain fork: ASan would take the daemon's copied stack
// for a foreign one.
pid_t clone_first_child(FirstChild& c) {
  sigset_t all, old;
  ::sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &old);
  pid_t child;
  if constexpr (kSanitized) {
    child = ::fork();
    if (child == 0) ::_exit(first_child(&c));
  } else {
    // The daemon's set-up runs on a copy of it. Not zeroed: only the pages
    // the children touch are ever faulted in.
    constexpr std::size_t kStack = 64 * 1024;
    std::unique_ptr<char[]> stack(new char[kStack]);
    child = ::clone(first_child, stack.get() + kStack, CLONE_VM | CLONE_VFORK | SIGCHLD, &c);
  }
  int err = errno;
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  errno = err;
  return child;
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

std::string limit_text(rlim_t v) { return v == RLIM_INFINITY ? "infinity" : std::to_string(v); }

Error step_error(const SpawnRequest& rq, const Report& r) {
  int err = r.value;
  switch (r.step) {
    case Step::rlimit: {
      if (r.which < 0 || static_cast<std::size_t>(r.which) >= rq.limits.size()) break;
      const ResourceLimit& l = rq.limits[static_cast<std::size_t>(r.which)];
      return sys_error("cannot set limit '" + l.name + "' to " + limit_text(l.soft) + ":" + limit_text(l.hard), err);
    }
    case Step::nice: return sys_error("cannot set nice " + std::to_string(rq.nice.value_or(0)), err);
    case Step::oom_score_adj:
      return sys_error("cannot set oom_score_adj " + std::to_string(rq.oom_score_adj.value_or(0)), err);
    case Step::exec: return exec_error(rq.executable, err);
    case Step::chdir: return sys_error("cannot change directory to '" + rq.directory + "'", err);
    case Step::fd0: return sys_error("cannot make 'stdin' fd 0 of the daemon", err);
    case Step::fd1: return sys_error("cannot make 'stdout' fd 1 of the daemon", err);
    case Step::fd2: return sys_error("cannot make 'stderr' fd 2 of the daemon", err);
    case Step::setsid: return sys_error("setsid", err);
    case Step::setpgid: return sys_error("setpgid", err);
    case Step::fds: return sys_error("cannot pass descriptors to the program", err);
    case Step::setgroups: return sys_error("setgroups", err);
    case Step::setgid: return sys_error("setgid " + std::to_string(rq.gid), err);
    case Step::setuid: return sys_error("setuid " + std::to_string(rq.uid), err);
    case Step::fork: return sys_error("fork", err);
    case Step::ready: break;
  }
  return Error{ExitStatus::failure, "unexpected report from the daemon"};
}

}  // namespace

// Held from the pipes of one daemon until it has exec'd (or gone).
std::mutex& forking_mutex() {
  static std::mutex m;
  return m;
}

namespace {

// What exec_daemon needs, built before the fork: no allocation after it.
struct ExecArgs {
  std::vector<char*> argv, envp;
  std::string oom_text;
};

// The pipes between us and the daemon: its report and its go, and for a
// guarded start (SpawnRequest::guard) the guard's hold and status.
struct Pipes {
  Pipe report, go, hold, status;
};

Result<Pipes> make_pipes(bool guard) {
  Pipes p;
  Pipe* wanted[] = {&p.report, &p.go, &p.hold, &p.status};
  for (std::size_t i = 0; i < (guard ? 4 : 2); ++i) {
    auto made = make_pipe();
    if (!made) return std::move(made).error();
    *wanted[i] = std::move(*made);
  }
  return p;
}

// Forks the first process of the start: the first child of a double fork
// (which forks the daemon, or its guard, and exits), or the daemon itself,
// our child in a process group of its own. Its pid.
Result<pid_t> fork_first(const SpawnRequest& rq, bool double_fork, Pipes& p, ExecArgs& a) {
  if (double_fork) {
    FirstChild c{&rq, a.argv.data(), a.envp.data(), &a.oom_text, p.report.write.get(), p.go.read.get(),
                 p.report.read.get(), p.go.write.get(), p.hold.read.get(), p.status.write.get(), p.hold.write.get(),
                 p.status.read.get()};
    pid_t child = clone_first_child(c);
    if (child < 0) return sys_error("clone");
    return child;
  }
  pid_t child = ::fork();
  if (child < 0) return sys_error("fork");
  if (child == 0) {
    // Only the parent may hold these ends, or EOF would never come.
    p.report.read.reset();
    p.go.write.reset();
    if (::setpgid(0, 0) < 0) report_and_exit(p.report.write.get(), Step::setpgid, errno);
    exec_daemon(rq, a.argv.data(), a.envp.data(), a.oom_text, p.report.write.get(), p.go.read.get());
  }
  return child;
}

// Waits for the daemon's one report: "ready" with its pid, or why a child
// failed; EOF: every child died without a word (killed from outside). Then
// the handles on it (and its guard), which take the parent's pipe ends and
// the `forking` lock.
Result<PreparedDaemon> await_ready(const SpawnRequest& rq, bool double_fork, pid_t child, Pipes& p,
                                   std::unique_lock<std::mutex>& forking) {
  Report r{};
  bool reported = read_report(p.report.read.get(), r);
  // The first child of a double fork has exited already (it ran as a vfork).
  if (double_fork || !reported || r.step != Step::ready) {
    while (::waitpid(child, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  if (!reported) return Error{ExitStatus::failure, "the daemon died before it was ready"};
  if (r.step != Step::ready) return step_error(rq, r);
  // It waits for the go, and is our child or we are its subreaper (or its
  // guard's child, the guard ours): its pid is still its own.
  auto daemon = Pidfd::open(r.value);
  if (!daemon) return std::move(daemon).error();
  std::optional<Guard> guard;
  if (rq.guard) {
    auto proc = Pidfd::open(r.which);
    if (!proc) return std::move(proc).error();  // the go pipe closed: both exit
    guard.emplace(std::move(*proc), std::move(p.hold.write), std::move(p.status.read));
  }
  return PreparedDaemon(std::move(forking), std::move(*daemon), std::move(p.report.read), std::move(p.go.write),
                        rq.executable, std::move(guard));
}

Result<PreparedDaemon> prepare(const SpawnRequest& rq, bool double_fork,
                               const std::function<void(pid_t)>& meanwhile = {}) {
  ExecArgs args{c_strings(rq.argv), c_strings(rq.env),
                rq.oom_score_adj ? std::to_string(*rq.oom_score_adj) : std::string()};
  std::unique_lock forking(forking_mutex());
  // Orphans of ours come to us, not to PID 1: the daemon can be reaped and
  // its exit status reported, and its pid cannot be recycled before that.
  if (double_fork && ::prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) return sys_error("prctl(PR_SET_CHILD_SUBREAPER)");
  // Declared after `forking`: on a failure the pipes close (and the
  // children exit) before the next start may fork.
  auto pipes = make_pipes(rq.guard);
  if (!pipes) return std::move(pipes).error();
  auto child = fork_first(rq, double_fork, *pipes, args);
  if (!child) return std::move(child).error();
  pipes->report.write.reset();
  pipes->go.read.reset();
  pipes->hold.read.reset();
  pipes->status.write.reset();
  if (!double_fork && meanwhile) meanwhile(*child);
  return await_ready(rq, double_fork, *child, *pipes, forking);
}

}  // namespace

Result<PreparedDaemon> prepare_daemon(const SpawnRequest& rq) { return prepare(rq, true); }

Result<PreparedDaemon> prepare_child(const SpawnRequest& rq, const std::function<void(pid_t)>& meanwhile) {
  return prepare(rq, false, meanwhile);
}

Status PreparedDaemon::exec() {
  char go = 1;
  if (::write(go_.get(), &go, 1) != 1) {  // EPIPE (SIGPIPE is ignored): it died
    int err = errno;
    (void)proc_.reap();
    return sys_error("the daemon (pid " + std::to_string(proc_.pid()) + ") died before its exec", err);
  }
  go_.reset();
  Report r{};
  bool failed = read_report(report_.get(), r);  // EOF: it has exec'd
  report_.reset();
  if (forking_.owns_lock()) forking_.unlock();
  if (failed) {  // only the exec itself can fail now
    (void)proc_.reap();
    return exec_error(executable_, r.value);
  }
  return {};
}

void PreparedDaemon::abandon() {
  go_.reset();  // EOF: it exits without running anything
  if (proc_.wait_exit(std::chrono::seconds(5))) (void)proc_.reap();
  if (forking_.owns_lock()) forking_.unlock();
}

}  // namespace daemonctl::posix
