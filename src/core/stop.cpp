#include "config/duration.h"
#include "core/commands.h"
#include "core/inspect.h"
#include "core/progress.h"
#include "core/supervised.h"
#include "core/terminate.h"

namespace daemonctl::core {

Result<Outcome> stop_locked(const Context& ctx, const config::ServiceSpec& spec) {
  StatePaths paths = state_paths(ctx, spec);
  Inspection now = inspect_service(paths, spec);
  // A monitor first: told before the daemon is signalled, so no restart
  // races the stop. It cannot change the state meanwhile: that needs the
  // lock we hold. Its exit is awaited after the daemon's (it may be
  // writing the daemon's last output).
  std::optional<posix::Pidfd> standing_down;
  if (now.monitor.alive && now.state != State::unknown) {
    standing_down = stand_down(now.monitor.pid, now.monitor.starttime);
  }
  auto monitor_gone = [&] {
    if (standing_down) await_monitor(*standing_down);
  };
  std::string monitor = now.monitor.pid != 0 ? ", monitor pid " + std::to_string(now.monitor.pid) : "";
  switch (now.state) {
    case State::stopped:
      monitor_gone();
      (void)remove_state(paths);  // an orphaned record, if any
      return Outcome{ExitStatus::success, "not running"};
    case State::restarting:
      monitor_gone();
      (void)remove_state(paths);
      return Outcome{ExitStatus::success, "stopped (between restarts" + monitor + ")"};
    case State::failed:
      monitor_gone();
      (void)remove_state(paths);
      return Outcome{ExitStatus::success, "not running (had failed: " + now.reason + ")"};
    case State::unknown:  // the monitor was left alone: nothing is stopped
      return unknown_state(now);
    case State::dead:
    case State::invalid:
      monitor_gone();
      if (Status st = remove_stale(spec.name, paths, now); !st) return std::move(st).error();
      return Outcome{ExitStatus::success, "not running"};
    case State::running:
      break;
  }
  Waiting waiting;
  if (ctx.progress) {
    waiting = [&](std::chrono::seconds waited) {
      ctx.progress->stop_waiting(spec.name, now.pid, waited, spec.stop.timeout);
    };
  }
  auto done = terminate(*now.proc, now.pgid, spec.stop, waiting);
  if (ctx.progress) ctx.progress->stop_waited(spec.name);
  monitor_gone();
  if (!done) return std::move(done).error();
  if (Status st = remove_state(paths); !st) return std::move(st).error();
  std::string text = "stopped (pid " + std::to_string(now.pid) + monitor;
  if (done->killed) text += ", killed with SIGKILL after " + config::format_duration(spec.stop.timeout);
  return Outcome{ExitStatus::success, text + ")", now.pid};
}

}  // namespace daemonctl::core
