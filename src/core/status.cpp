#include "core/commands.h"
#include "core/inspect.h"
#include "posix/lock.h"
#include "posix/proc.h"

namespace daemonctl::core {

std::string format_uptime(double seconds) {
  auto s = static_cast<long long>(seconds < 0 ? 0 : seconds);
  auto part = [](long long n, const char* unit) { return std::to_string(n) + unit; };
  if (s < 60) return part(s, "s");
  if (s < 3600) return part(s / 60, "m") + part(s % 60, "s");
  if (s < 86400) return part(s / 3600, "h") + part(s / 60 % 60, "m");
  return part(s / 86400, "d") + part(s / 3600 % 24, "h");
}

Result<StatusInfo> status_info(const Context& ctx, const config::ServiceSpec& spec) {
  StatePaths paths = state_paths(ctx, spec);
  // Shared: it waits for a start, stop or restart to finish, and so never
  // reports one half done (a daemon not yet exec'd, a restart's gap).
  auto lock = posix::lock_file(paths.lock, posix::LockMode::shared);
  if (!lock) return std::move(lock).error();
  Inspection now = inspect_service(paths, spec, Handle::none);
  StatusInfo info;
  info.pid = now.pid;
  info.pidfile = paths.pidfile;
  info.reason = now.reason;
  std::string pid = std::to_string(now.pid);
  info.monitor = now.monitor.pid;
  info.monitor_alive = now.monitor.alive;
  info.restarts = now.monitor.restarts;
  info.last_exit = now.monitor.last_exit;
  // "monitor pid 12, 2 restarts, last exited with status 1"
  std::string supervision;
  if (now.monitor.pid != 0) {
    supervision = "monitor pid " + std::to_string(now.monitor.pid) + (now.monitor.alive ? "" : " gone, unsupervised");
    if (now.monitor.restarts > 0) {
      supervision += ", " + std::to_string(now.monitor.restarts) + (now.monitor.restarts == 1 ? " restart" : " restarts");
    }
    if (!now.monitor.last_exit.empty()) supervision += ", last " + now.monitor.last_exit;
  }
  switch (now.state) {
    case State::restarting:
      info.status = ExitStatus::success;
      info.state = "restarting";
      info.text = "restarting (" + supervision + ")";
      return info;
    case State::failed:
      info.status = ExitStatus::failure;
      info.state = "failed";
      info.text = "failed: monitor pid " + std::to_string(now.monitor.pid) + " " + now.reason;
      return info;
    case State::running: {
      double since_boot = static_cast<double>(now.starttime) / static_cast<double>(posix::clock_ticks_per_second());
      info.status = ExitStatus::success;
      info.state = "running";
      info.uptime = posix::uptime_seconds() - since_boot;
      info.started_at = posix::boot_time() + since_boot;
      info.text = "running (pid " + pid + ", up " + format_uptime(info.uptime) +
                  (supervision.empty() ? "" : ", " + supervision) + ")";
      return info;
    }
    case State::stopped:
      info.status = ExitStatus::not_running;
      info.state = "stopped";
      info.text = "not running";
      return info;
    case State::dead:
      info.status = ExitStatus::failure;
      info.state = "dead";
      info.text = "dead, but pidfile '" + paths.pidfile + "' remains (pid " + pid + ": " + now.reason + ")";
      return info;
    case State::invalid:
      info.reason = "pidfile '" + paths.pidfile + "' is invalid: " + now.reason;
      break;
    case State::unknown:
      break;
  }
  info.status = ExitStatus::privilege;
  info.state = "unknown";
  info.text = "unknown: " + info.reason;
  return info;
}

Result<Outcome> status(const Context& ctx, const config::ServiceSpec& spec) {
  auto info = status_info(ctx, spec);
  if (!info) return std::move(info).error();
  return Outcome{info->status, info->text, info->state == "running" ? info->pid : 0};
}

}  // namespace daemonctl::core
