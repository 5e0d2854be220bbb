#include "config/duration.h"
#include "core/commands.h"
#include "core/inspect.h"
#include "core/progress.h"
#include "core/supervised.h"
#include "core/terminate.h"

namespace daemonctl::core {
namespace {

// Ends the proven daemon `now` as its start recorded, and tells how.
Result<Outcome> end_daemon(const Context& ctx, const std::string& name, const Inspection& now,
                           const config::StopSpec& how, const std::string& monitor) {
  Waiting waiting;
  if (ctx.progress) {
    waiting = [&](std::chrono::seconds waited) { ctx.progress->stop_waiting(name, now.pid, waited, how.timeout); };
  }
  auto done = terminate(*now.proc, now.pgid, how, waiting);
  if (ctx.progress) ctx.progress->stop_waited(name);
  if (!done) return std::move(done).error();
  std::string text = "stopped (pid " + std::to_string(now.pid) + monitor;
  if (done->killed) text += ", killed with SIGKILL after " + config::format_duration(how.timeout);
  return Outcome{ExitStatus::success, text + ")", now.pid};
}

}  // namespace

Result<Outcome> stop_locked(const Context& ctx, const std::string& name, const config::ServiceSpec* spec) {
  StatePaths base = state_paths(ctx, name, spec);
  Inspection now = inspect(base);
  StatePaths paths = recorded_paths(base, now);
  if (owned_elsewhere(now, spec)) {
    return Outcome{ExitStatus::success, "not running from this file: the name '" + name + "' runs from '" +
                                            now.record->file + "'"};
  }
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
      if (now.stale_pidfile) (void)remove_stale(name, paths, now);
      else if (now.record) (void)remove_state(paths);  // a start's, cut short
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
      if (Status st = remove_stale(name, paths, now); !st) return std::move(st).error();
      return Outcome{ExitStatus::success, "not running"};
    case State::starting:  // not seen with the lock held: a start that died is running
    case State::running:
      break;
  }
  auto ended = end_daemon(ctx, name, now, recorded_stop(now, spec), monitor);
  monitor_gone();
  if (!ended) return ended;
  if (Status st = remove_state(paths); !st) return std::move(st).error();
  return ended;
}

}  // namespace daemonctl::core
