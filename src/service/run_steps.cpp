#include "service/effects.h"

#include "service/supervised.h"

namespace daemonctl::service {
namespace {

std::string monitor_note(const Inspection& now) {
  return now.monitor.pid != 0 ? ", monitor pid " + std::to_string(now.monitor.pid) : "";
}

// The words of the say_* steps: the same for the real run and the dry run.
Outcome say(Step step, const Subject& s) {
  const Inspection& now = s.now;
  bool acting_on_it = s.action == Action::reload || s.action == Action::signal;
  ExitStatus quiet = acting_on_it ? ExitStatus::inactive : ExitStatus::success;
  switch (step) {
    case Step::say_running:
      return Outcome{ExitStatus::success, "already running (pid " + std::to_string(now.pid) + ")", now.pid};
    case Step::say_restarting:
      return Outcome{quiet, std::string(acting_on_it ? "not running" : "already running") + " (monitor pid " +
                                std::to_string(now.monitor.pid) + " is restarting it)"};
    default:
      break;
  }
  if (s.action == Action::stop && now.state == state::State::restarting) {
    return Outcome{quiet, "stopped (between restarts" + monitor_note(now) + ")"};
  }
  if (s.action == Action::stop && now.state == state::State::failed) {
    return Outcome{quiet, "not running (had failed: " + now.reason + ")"};
  }
  return Outcome{quiet, "not running"};
}

// restart: what was stopped, then what was started.
Result<Outcome> after_stop(const std::optional<Outcome>& stopped, Result<Outcome> started) {
  if (!stopped || stopped->pid == 0) return started;
  if (!started) {
    Error e = std::move(started).error();
    // A dry run's stop says nothing of its own: its lines are said apart.
    e.message = (stopped->text.empty() ? "would stop pid " + std::to_string(stopped->pid) + ", then the start would fail: "
                                       : stopped->text + ", then the start failed: ") +
                e.message;
    return e;
  }
  if (!stopped->text.empty()) started->text = stopped->text + "\n" + started->text;
  return started;
}

}  // namespace

bool unsupervised(const Subject& s) {
  if (!s.spec || !needs_monitor(*s.spec) || !s.now.record || s.now.record->monitor == 0 || s.now.monitor.alive) {
    return false;
  }
  // A monitor restarts from the file as it is now: only if that is the one started.
  auto id = state::file_identity(s.spec->file);
  return id && *id == s.now.record->file_id;
}

Result<Outcome> run_steps(Subject& s, Effects& fx) {
  std::optional<Outcome> done;
  for (Step step : steps(s.now.state, s.action)) {
    Status ok;
    switch (step) {
      case Step::refuse: return unknown_state(s.now);
      case Step::say_running:
      case Step::say_restarting:
      case Step::say_stopped:
        if (!done) done = say(step, s);
        break;
      case Step::reattach: {
        auto back = fx.reattach(s);
        if (!back) return std::move(back).error();
        if (*back) done = std::move(**back);
        break;
      }
      case Step::rewrite_pidfile: fx.rewrite_pidfile(s); break;
      case Step::tell_monitor: ok = fx.tell_monitor(s); break;
      case Step::await_monitor: fx.await_monitor(s); break;
      case Step::clear_leftovers: ok = fx.clear_leftovers(s); break;
      case Step::remove_stale: ok = fx.remove_stale(s); break;
      case Step::remove_record: ok = fx.remove_record(s); break;
      case Step::terminate: {
        auto ended = fx.terminate(s);
        if (!ended) return ended;
        done = std::move(*ended);
        break;
      }
      case Step::launch: {
        auto started = after_stop(done, fx.launch(s));
        if (!started) return started;
        done = std::move(*started);
        break;
      }
      case Step::send: {
        auto sent = fx.send(s);
        if (!sent) return sent;
        done = std::move(*sent);
        break;
      }
    }
    if (!ok) return std::move(ok).error();
  }
  Outcome out = done.value_or(Outcome{});
  std::string said;
  for (const std::string& line : fx.said()) said += (said.empty() ? "" : "\n") + line;
  if (!said.empty()) out.text = said + (out.text.empty() ? "" : "\n" + out.text);
  return out;
}

}  // namespace daemonctl::service
