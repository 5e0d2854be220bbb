#include "service/supervised.h"

#include <unistd.h>

#include <csignal>
#include <cstdlib>

#include "common/log.h"
#include "service/inspect.h"
#include "service/terminate.h"
#include "config/paths.h"
#include "state/monitor_plan.h"
#include "posix/file_info.h"
#include "posix/files.h"
#include "posix/io.h"
#include "posix/pipe.h"
#include "posix/poll.h"
#include "posix/proc.h"

namespace daemonctl::service {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kReportWait = std::chrono::seconds(30);

constexpr auto kExitWait = std::chrono::seconds(5);

// The monitor's next report line (with its newline), read until a newline,
// EOF or its death; what follows the line is left in `unread`.
Result<std::string> read_report(int fd, const posix::Pidfd& monitor, std::string& unread,
                                std::chrono::seconds wait) {
  std::string line = std::move(unread);
  unread.clear();
  auto deadline = Clock::now() + wait;
  for (;;) {
    if (auto nl = line.find('\n'); nl != std::string::npos) {
      unread = line.substr(nl + 1);
      return line.substr(0, nl + 1);
    }
    pollfd fds[2] = {{fd, POLLIN, 0}, {monitor.fd(), POLLIN, 0}};
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return Error{ExitStatus::failure, "the monitor did not report within " + std::to_string(wait.count()) + "s"};
    if (Status polled = posix::poll_fds(fds, static_cast<int>(left)); !polled) return std::move(polled).error();
    if (fds[0].revents) {
      char buf[512];
      posix::Io got = posix::read_some(fd, buf, sizeof buf);
      if (got.bytes == 0) return line;  // EOF: the monitor closed it (or died)
      line.append(buf, got.bytes);
      continue;
    }
    if (fds[1].revents) return line;  // died without closing: what it wrote
  }
}

}  // namespace

bool needs_monitor(const config::ServiceSpec& spec) {
  return spec.restart.policy != config::RestartPolicy::no || spec.stdout_rotation.max_size != 0 ||
         spec.stderr_rotation.max_size != 0;
}

Result<std::string> monitor_program() {
  auto self = posix::own_exe_path();
  if (!self) return std::move(self).error();
  std::string path = posix::dirname(*self) + "/daemonctl-monitor";
  if (Status may = posix::check_access(path, X_OK); !may) {
    Error e = sys_error("cannot run the monitor '" + path + "' (install it next to daemonctl)", may.error().err);
    e.status = ExitStatus::not_installed;
    return e;
  }
  return path;
}

namespace {

// What the monitor is told on its command line (state::encode): the
// service's paths, made absolute (it runs in "/"), what to restart and how
// to stop, the daemon to start or (`attach`) to take in hand, its logs.
Result<state::MonitorPlan> monitor_plan(const config::ServiceSpec& spec, const state::StatePaths& paths,
                                        const posix::SpawnRequest& daemon, const Attach& attach) {
  state::MonitorPlan plan;
  plan.name = spec.name;
  auto pidfile = config::absolute_path(paths.pidfile), record = config::absolute_path(paths.record),
       lock = config::absolute_path(paths.lock);
  for (auto* made : {&pidfile, &record, &lock}) {
    if (!*made) return std::move(*made).error();
  }
  plan.pidfile = *pidfile;
  plan.record = *record;
  plan.lock = *lock;
  plan.restart = spec.restart;
  plan.stop_signal = spec.stop.signal;
  plan.child = daemon;
  plan.child.env.clear();  // passed on kEnvFd
  plan.attach_pid = attach.pid;
  plan.attach_starttime = attach.starttime;
  if (spec.stdout_rotation.max_size != 0) {
    plan.out = {spec.stdout_path, spec.stdout_rotation.max_size, spec.stdout_rotation.keep};
  }
  if (spec.stderr_path == spec.stdout_path && spec.stdout_rotation.max_size != 0) {
    plan.err_is_out = true;
  } else if (spec.stderr_rotation.max_size != 0) {
    plan.err = {spec.stderr_path, spec.stderr_rotation.max_size, spec.stderr_rotation.keep};
  }
  // The monitor's own lines go to stderr's file, or to stdout's if stderr goes nowhere.
  plan.log_to_out = spec.stderr_path == "/dev/null" && spec.stdout_path != "/dev/null";
  plan.log_mode = 0666 & ~daemon.umask;
  plan.log_chown = daemon.change_ids;
  plan.log_uid = daemon.uid;
  plan.log_gid = daemon.gid;
  return plan;
}

// The daemon's environment, each entry ended by a NUL, in an anonymous
// file: the monitor reads it from kEnvFd.
Result<posix::UniqueFd> environment_file(const std::vector<std::string>& env) {
  std::string text;
  for (const std::string& entry : env) text += entry + '\0';
  return posix::memory_file("daemonctl-env", text);
}

// The monitor itself: `program` with the plan as its arguments, in "/",
// with the daemon's stdio and `fds` (its report pipe, the service lock, the
// environment file) as kReportFd, kLockFd and kEnvFd. It runs as
// daemonctl's user: never in the service's environment.
posix::SpawnRequest monitor_request(const std::string& program, const state::MonitorPlan& plan,
                                    const posix::SpawnRequest& daemon, std::vector<int> fds) {
  posix::SpawnRequest rq;
  rq.executable = program;
  rq.argv = {"daemonctl-monitor"};
  for (auto& arg : state::encode(plan)) rq.argv.push_back(std::move(arg));
  rq.env = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin"};
  rq.directory = "/";
  rq.stdin_fd = daemon.stdin_fd;
  rq.stdout_fd = daemon.stdout_fd;
  rq.stderr_fd = daemon.stderr_fd;
  rq.pass_fds = std::move(fds);
  return rq;
}

// The pid in the monitor's first report, "ok PID\n", or the error of a
// "fail STATUS MESSAGE\n".
Result<pid_t> started_pid(const std::string& text, pid_t monitor) {
  if (text.starts_with("fail ")) {
    char* end = nullptr;
    long status = std::strtol(text.c_str() + 5, &end, 10);
    std::string message = *end == ' ' ? std::string(end + 1) : text;
    while (!message.empty() && message.back() == '\n') message.pop_back();
    return Error{static_cast<ExitStatus>(status >= 1 && status <= 7 ? status : 1), message};
  }
  pid_t pid = text.starts_with("ok ") ? static_cast<pid_t>(std::atol(text.c_str() + 3)) : 0;
  if (pid <= 1) {
    return Error{ExitStatus::failure,
                 "the monitor (pid " + std::to_string(monitor) + ") exited before it started the service"};
  }
  return pid;
}

// Waits for the monitor's first report on `report`: handles on the monitor
// and on the child it started (or took in hand).
Result<Supervised> await_first_child(posix::UniqueFd report, const posix::Pidfd& monitor) {
  std::string unread;
  auto text = read_report(report.get(), monitor, unread, kReportWait);
  if (!text) return std::move(text).error();
  auto pid = started_pid(*text, monitor.pid());
  if (!pid) return std::move(pid).error();
  // The monitor's child: if the pid exists, it is that child, which the
  // monitor has not reaped yet. If not, it has exited already, and been
  // reaped (and maybe restarted) by the monitor.
  auto child = posix::Pidfd::open(*pid);
  if (!child && child.error().err != ESRCH) return std::move(child).error();
  auto monitor_again = posix::Pidfd::open(monitor.pid());
  if (!monitor_again) return std::move(monitor_again).error();
  Supervised started{std::move(*monitor_again), *pid, std::nullopt, std::move(report), std::move(unread)};
  if (child) started.daemon.emplace(std::move(*child));
  return started;
}

// `e`, once the monitor that started has stood down, and a child it may
// have recorded is stopped (never the daemon it was to take in hand).
Error give_up(Error e, pid_t monitor, const config::ServiceSpec& spec, const state::StatePaths& paths,
              const Attach& attach) {
  auto m = stand_down(monitor, 0);
  if (attach.pid == 0) stop_recorded(spec.stop, paths);
  if (m) await_monitor(*m);
  return e;
}

}  // namespace

Result<Supervised> start_monitor(const config::ServiceSpec& spec, const state::StatePaths& paths,
                                 const posix::SpawnRequest& daemon, int lock_fd, const Attach& attach) {
  auto program = monitor_program();
  if (!program) return std::move(program).error();
  if (lock_fd < 0) return Error{ExitStatus::failure, "internal error: a monitor needs the service lock"};
  auto plan = monitor_plan(spec, paths, daemon, attach);
  if (!plan) return std::move(plan).error();
  auto report = posix::make_pipe();
  if (!report) return std::move(report).error();
  auto env_fd = environment_file(daemon.env);
  if (!env_fd) return std::move(env_fd).error();
  auto prepared =
      posix::prepare_daemon(monitor_request(*program, *plan, daemon, {report->write.get(), lock_fd, env_fd->get()}));
  if (!prepared) return std::move(prepared).error();
  // Nothing to record before the go: the monitor records its child before
  // that child runs, and exits at once if we die before the go.
  if (Status st = prepared->exec(); !st) return std::move(st).error();
  report->write.reset();
  auto started = await_first_child(std::move(report->read), prepared->proc());
  if (!started) return give_up(std::move(started).error(), prepared->proc().pid(), spec, paths, attach);
  return started;
}

Result<posix::ExitInfo> first_exit(Supervised& started) {
  auto line = read_report(started.report.get(), started.monitor, started.unread, kExitWait);
  if (!line) return std::move(line).error();
  // "exited STATUS\n" or "killed SIGNAL\n"
  posix::ExitInfo how;
  how.killed = line->starts_with("killed ");
  char* end = nullptr;
  long code = std::strtol(line->c_str() + 7, &end, 10);  // both words have 6 letters
  if (!(how.killed || line->starts_with("exited ")) || *end != '\n') {
    return Error{ExitStatus::failure, "the monitor did not report how pid " + std::to_string(started.pid) + " ended"};
  }
  how.code = static_cast<int>(code);
  return how;
}

std::optional<posix::Pidfd> stand_down(pid_t monitor, std::uint64_t starttime) {
  auto proc = posix::Pidfd::open(monitor);
  if (!proc) return std::nullopt;
  auto stat = posix::read_stat(monitor);
  if (!stat || (starttime != 0 && stat->starttime != starttime)) return std::nullopt;  // not that monitor
  // Pending before anything else is done to the daemon: the monitor takes
  // signals before a child's exit, so it restarts nothing from here on.
  if (!proc->send_signal(SIGTERM)) return std::nullopt;
  // A monitor stopped (SIGSTOP) would take the signal only once continued.
  if (stat->state == 'T' || stat->state == 't') (void)proc->send_signal(SIGCONT);
  return std::move(*proc);
}

void stop_recorded(const config::StopSpec& stop, const state::StatePaths& paths) {
  auto record = read_record(paths);
  if (!record) return;
  auto proc = posix::Pidfd::open(record->pid);
  auto stat = posix::read_stat(record->pid);
  if (!proc || !stat || stat->starttime != record->starttime) return;
  auto ended = terminate(*proc, record->pgid, stop);
  if (!ended) log::warn(ended.error().message);
  (void)proc->reap();
}

void await_monitor(const posix::Pidfd& monitor) {
  if (!monitor.wait_exit(std::chrono::seconds(5))) {
    log::warn("monitor pid " + std::to_string(monitor.pid()) + " did not exit within 5s of standing down; killing it");
    (void)monitor.send_signal(SIGKILL);
    monitor.wait_exit(std::chrono::seconds(5));
  }
  (void)monitor.reap();  // ours if we started it (its subreaper), else PID 1's
}

}  // namespace daemonctl::service
