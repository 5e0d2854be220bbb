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

Result<Outcome> status(const Context& ctx, const config::ServiceSpec& spec) {
  StatePaths paths = state_paths(ctx, spec);
  auto lock = posix::lock_file(paths.lock, posix::LockMode::shared);
  if (!lock) return std::move(lock).error();
  Inspection now = inspect_service(paths, spec);
  std::string pid = std::to_string(now.pid);
  switch (now.state) {
    case State::running: {
      double up = posix::uptime_seconds() -
                  static_cast<double>(now.starttime) / static_cast<double>(posix::clock_ticks_per_second());
      return Outcome{ExitStatus::success, "running (pid " + pid + ", up " + format_uptime(up) + ")"};
    }
    case State::stopped:
      return Outcome{ExitStatus::not_running, "not running"};
    case State::dead:
      return Outcome{ExitStatus::failure,
                     "dead, but pidfile '" + paths.pidfile + "' remains (pid " + pid + ": " + now.reason + ")"};
    case State::invalid:
      return Outcome{ExitStatus::privilege, "unknown: pidfile '" + paths.pidfile + "' is invalid: " + now.reason};
    case State::unknown:
      break;
  }
  return Outcome{ExitStatus::privilege, "unknown: " + now.reason};
}

}  // namespace daemonctl::core
