#include "core/supervised.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <csignal>
#include <climits>
#include <cstdlib>

#include "common/log.h"
#include "monitor/plan.h"
#include "posix/files.h"
#include "posix/proc.h"

namespace daemonctl::core {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kReportWait = std::chrono::seconds(30);

// The monitor's one report line, read until EOF or its death.
Result<std::string> read_report(int fd, const posix::Pidfd& monitor) {
  std::string line;
  auto deadline = Clock::now() + kReportWait;
  for (;;) {
    pollfd fds[2] = {{fd, POLLIN, 0}, {monitor.fd(), POLLIN, 0}};
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return Error{ExitStatus::failure, "the monitor did not report within 30s"};
    if (::poll(fds, 2, static_cast<int>(left)) < 0 && errno != EINTR) return sys_error("poll");
    if (fds[0].revents) {
      char buf[512];
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n > 0) {
        line.append(buf, static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      return line;  // EOF: the monitor closed it (or died)
    }
    if (fds[1].revents) return line;  // died without closing: what it wrote
  }
}

}  // namespace

Result<std::string> monitor_program() {
  char self[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n < 0) return sys_error("readlink '/proc/self/exe'");
  std::string path = posix::dirname(std::string(self, static_cast<std::size_t>(n))) + "/daemonctl-monitor";
  if (::access(path.c_str(), X_OK) < 0) {
    Error e = sys_error("cannot run the monitor '" + path + "' (install it next to daemonctl)");
    e.status = ExitStatus::not_installed;
    return e;
  }
  return path;
}

Result<Supervised> start_monitor(const config::ServiceSpec& spec, const StatePaths& paths,
                                 const posix::SpawnRequest& daemon, int lock_fd) {
  auto program = monitor_program();
  if (!program) return std::move(program).error();
  if (lock_fd < 0) return Error{ExitStatus::failure, "internal error: a monitor needs the service lock"};
  monitor::Plan plan{spec.name, paths.pidfile, paths.record, paths.lock, spec.restart, spec.stop.signal, daemon};
  plan.child.env.clear();  // the monitor's environment is the daemon's
  int report[2];
  if (::pipe2(report, O_CLOEXEC) < 0) return sys_error("pipe");
  posix::UniqueFd report_r(report[0]), report_w(report[1]);

  posix::SpawnRequest rq;
  rq.executable = *program;
  rq.argv = {"daemonctl-monitor"};
  for (auto& arg : monitor::encode(plan)) rq.argv.push_back(std::move(arg));
  rq.env = daemon.env;
  rq.directory = "/";
  rq.stdin_fd = daemon.stdin_fd;
  rq.stdout_fd = daemon.stdout_fd;
  rq.stderr_fd = daemon.stderr_fd;
  rq.pass_fds = {report_w.get(), lock_fd};  // become kReportFd and kLockFd
  auto prepared = posix::prepare_daemon(rq);
  if (!prepared) return std::move(prepared).error();
  // Nothing to record before the go: the monitor records its child before
  // that child runs, and exits at once if we die before the go.
  if (Status st = prepared->exec(); !st) return std::move(st).error();
  report_w.reset();
  const posix::Pidfd& monitor = prepared->proc();
  auto text = read_report(report_r.get(), monitor);
  auto fail = [&](Error e) -> Error {
    stand_down(monitor.pid(), 0);
    return e;
  };
  if (!text) return fail(std::move(text).error());
  // "ok PID\n" or "fail STATUS MESSAGE\n".
  if (text->starts_with("fail ")) {
    char* end = nullptr;
    long status = std::strtol(text->c_str() + 5, &end, 10);
    std::string message = *end == ' ' ? std::string(end + 1) : *text;
    while (!message.empty() && message.back() == '\n') message.pop_back();
    return fail(Error{static_cast<ExitStatus>(status >= 1 && status <= 7 ? status : 1), message});
  }
  pid_t pid = text->starts_with("ok ") ? static_cast<pid_t>(std::atol(text->c_str() + 3)) : 0;
  if (pid <= 1) return fail(Error{ExitStatus::failure, "the monitor (pid " + std::to_string(monitor.pid()) +
                                                           ") exited before it started the service"});
  // The monitor's child, not reaped while the monitor lives: a pidfd on the pid is on it.
  auto child = posix::Pidfd::open(pid);
  if (!child) return fail(std::move(child).error());
  auto monitor_again = posix::Pidfd::open(monitor.pid());
  if (!monitor_again) return fail(std::move(monitor_again).error());
  return Supervised{std::move(*monitor_again), std::move(*child)};
}

void stand_down(pid_t monitor, std::uint64_t starttime) {
  auto proc = posix::Pidfd::open(monitor);
  if (!proc) return;
  auto stat = posix::read_stat(monitor);
  if (!stat || (starttime != 0 && stat->starttime != starttime)) return;  // not that monitor
  if (!proc->send_signal(SIGTERM)) return;
  if (!proc->wait_exit(std::chrono::seconds(5))) {
    log::warn("monitor pid " + std::to_string(monitor) + " did not stand down within 5s; killing it");
    (void)proc->send_signal(SIGKILL);
    proc->wait_exit(std::chrono::seconds(5));
  }
  (void)proc->reap();  // ours if we started it (its subreaper), else PID 1's
}

}  // namespace daemonctl::core
