#include "config/signal_name.h"
#include "core/commands.h"
#include "core/inspect.h"
#include "posix/lock.h"

namespace daemonctl::core {

Result<Outcome> send_signal(const Context& ctx, const std::string& name, const config::ServiceSpec* spec, int sig) {
  StatePaths base = state_paths(ctx, name, spec);
  auto lock = posix::lock_file(base.lock);
  if (!lock) return std::move(lock).error();
  Inspection now = inspect(base);
  StatePaths paths = recorded_paths(base, now);
  if (owned_elsewhere(now, spec)) {
    return Outcome{ExitStatus::inactive, "not running from this file: the name '" + name + "' runs from '" +
                                             now.record->file + "'"};
  }
  switch (now.state) {
    case State::starting:
    case State::running:
      break;
    case State::unknown:
      return unknown_state(now);
    case State::dead:
    case State::invalid:
      if (Status st = remove_stale(name, paths, now); !st) return std::move(st).error();
      [[fallthrough]];
    case State::stopped:
    case State::failed:
      return Outcome{ExitStatus::inactive, "not running"};
    case State::restarting:
      return Outcome{ExitStatus::inactive, "not running (monitor pid " + std::to_string(now.monitor.pid) +
                                               " is restarting it)"};
  }
  if (sig == 0) sig = recorded_reload_signal(now, spec);
  std::string pid = std::to_string(now.pid);
  if (Status sent = now.proc->send_signal(sig); !sent) {
    // ESRCH: it exited between the proof and the signal.
    if (sent.error().err == ESRCH) return Outcome{ExitStatus::inactive, "not running (pid " + pid + " just exited)"};
    return std::move(sent).error();
  }
  return Outcome{ExitStatus::success, "sent " + config::signal_name(sig) + " to pid " + pid, now.pid};
}

}  // namespace daemonctl::core
