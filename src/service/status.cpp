#include <sys/stat.h>

#include "service/commands.h"
#include "service/inspect.h"
#include "posix/proc.h"

namespace daemonctl::service {
namespace {


}  // namespace

std::string format_uptime(double seconds) {
  auto s = static_cast<long long>(seconds < 0 ? 0 : seconds);
  auto part = [](long long n, const char* unit) { return std::to_string(n) + unit; };
  if (s < 60) return part(s, "s");
  if (s < 3600) return part(s / 60, "m") + part(s % 60, "s");
  if (s < 86400) return part(s / 3600, "h") + part(s / 60 % 60, "m");
  return part(s / 86400, "d") + part(s / 3600 % 24, "h");
}

namespace {

// What the record says of the service file and what runs (taken from it),
// and what is off. `file_unchanged`: the file is known to have the recorded
// identity now.
void recorded_facts(StatusInfo& info, Inspection& now, const state::StatePaths& paths, bool file_unchanged) {
  if (now.record) {
    auto now_id = now.record->file.empty() ? std::nullopt
                  : file_unchanged           ? std::optional(now.record->file_id)
                                             : state::file_identity(now.record->file);
    info.file_gone = !now.record->file.empty() && !now_id;
    info.file_changed = info.file_gone || (now_id && !(now.record->file_id == *now_id));
    info.file = std::move(now.record->file);
    info.argv = std::move(now.record->argv);
    info.stdout_path = std::move(now.record->stdout_path);
    info.stderr_path = std::move(now.record->stderr_path);
  }
  if (!now.pidfile_problem.empty()) info.note = now.pidfile_problem + " (start rewrites it)";
  if (now.stale_pidfile) {
    info.note = "pidfile '" + paths.pidfile + "' is left, with no record: not daemonctl's (stop removes it)";
  }
  info.monitor = now.monitor.pid;
  info.monitor_alive = now.monitor.alive;
  info.restarts = now.monitor.restarts;
  info.last_exit = now.monitor.last_exit;
}

// "monitor pid 12, 2 restarts, last exited with status 1", "" without one.
std::string supervision(const MonitorFacts& m) {
  if (m.pid == 0) return {};
  std::string text = "monitor pid " + std::to_string(m.pid) + (m.alive ? "" : " gone, unsupervised");
  if (m.restarts > 0) text += ", " + std::to_string(m.restarts) + (m.restarts == 1 ? " restart" : " restarts");
  if (!m.last_exit.empty()) text += ", last " + m.last_exit;
  return text;
}

// The status line and its LSB code, for the state found.
void say_state(StatusInfo& info, const Inspection& now) {
  std::string pid = std::to_string(now.pid), monitor = supervision(now.monitor);
  switch (now.state) {
    case state::State::starting:
      info.status = ExitStatus::not_running;
      info.text = now.pid != 0 ? "starting (pid " + pid + ", not ready yet)" : "starting";
      return;
    case state::State::restarting:
      info.status = ExitStatus::success;
      info.text = "restarting (" + monitor + ")";
      return;
    case state::State::failed:
      info.status = ExitStatus::failure;
      info.text = "failed: monitor pid " + std::to_string(now.monitor.pid) + " " + now.reason;
      return;
    case state::State::running: {
      double since_boot = static_cast<double>(now.starttime) / static_cast<double>(posix::clock_ticks_per_second());
      info.status = ExitStatus::success;
      info.uptime = posix::uptime_seconds() - since_boot;
      info.started_at = posix::boot_time() + since_boot;
      info.text = "running (pid " + pid + ", up " + format_uptime(info.uptime) + (monitor.empty() ? "" : ", " + monitor) + ")";
      return;
    }
    case state::State::stopped:
      info.status = ExitStatus::not_running;
      info.text = "not running";
      return;
    case state::State::dead:
      info.status = ExitStatus::failure;
      info.text = "dead (pid " + pid + ": " + now.reason + ")";
      return;
    case state::State::invalid:
    case state::State::unknown:
      break;
  }
  info.status = ExitStatus::privilege;
  info.state = state::State::unknown;
  info.text = "unknown: " + info.reason;
}

}  // namespace

Result<StatusInfo> status_info(const Context& ctx, const std::string& name, const config::ServiceSpec* spec,
                               KnownRecord* known) {
  // No lock: records are replaced whole (rename), and a start under way is
  // recorded as starting, so status never waits for another command.
  state::StatePaths base = state_paths(ctx, name, spec);
  bool known_unchanged = known && known->file_unchanged;  // inspect() takes the record
  Inspection now = inspect(base, Handle::none, Lock::probe, known);
  StatusInfo info;
  if (owned_elsewhere(now, spec)) {  // as stop and signal see it: not this file's
    info.pidfile = base.pidfile;
    info.text = "not running from this file: the name '" + name + "' runs from '" + now.record->file + "'";
    return info;
  }
  state::StatePaths paths = recorded_paths(std::move(base), now);
  info.pid = now.pid;
  info.pidfile = paths.pidfile;
  info.reason = now.reason;
  info.state = now.state;
  say_state(info, now);
  recorded_facts(info, now, paths, known_unchanged && now.known);
  return info;
}

Result<Outcome> status(const Context& ctx, const std::string& name) {
  auto info = status_info(ctx, name, nullptr);
  if (!info) return std::move(info).error();
  return Outcome{info->status, info->text, info->state == state::State::running ? info->pid : 0};
}

}  // namespace daemonctl::service
