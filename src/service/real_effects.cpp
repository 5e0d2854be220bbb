// The real run's effects: what start, stop, restart, reload and signal do
// at each step of the lifecycle (service/lifecycle.h).
#include "common/log.h"
#include "config/duration.h"
#include "posix/signal_name.h"
#include "service/before_start.h"
#include "service/effects.h"
#include "service/progress.h"
#include "service/supervised.h"
#include "service/terminate.h"
#include "posix/files.h"

extern char** environ;

namespace daemonctl::service {

Status RealEffects::tell_monitor(Subject& s) {
  if (s.now.monitor.alive) standing_down_ = stand_down(s.now.monitor.pid, s.now.monitor.starttime);
  return {};
}

// After the daemon's exit: the monitor may be writing its last output.
void RealEffects::await_monitor(Subject&) {
  if (standing_down_) service::await_monitor(*standing_down_);
  standing_down_.reset();
}

namespace {

// The runtime directory the record names: what is no longer running needs it no more.
void remove_recorded_dir(const Subject& s) {
  if (s.now.record) remove_runtime_dir(s.name, s.now.record->runtime_dir);
}

}  // namespace

Status RealEffects::clear_leftovers(Subject& s) {
  if (s.now.stale_pidfile) return service::remove_stale(s.name, s.paths, s.now);
  if (s.now.record) {  // a start's, cut short
    (void)remove_state(s.paths);
    remove_recorded_dir(s);
  }
  return {};
}

Status RealEffects::remove_stale(Subject& s) {
  remove_recorded_dir(s);
  return service::remove_stale(s.name, s.paths, s.now);
}

Status RealEffects::remove_record(Subject& s) {
  remove_recorded_dir(s);
  Status st = remove_state(s.paths);
  // Only a stop's own removal is an error: anything else was cleaning up.
  return s.now.state == state::State::running || s.now.state == state::State::starting ? st : Status();
}

// daemonctl's pidfile is an output: written again when it no longer says
// what the record proves.
void RealEffects::rewrite_pidfile(Subject& s) {
  const std::string& problem = s.now.pidfile_problem;
  if (problem.empty() || (s.now.record && s.now.record->forking)) return;
  Status st = posix::write_file_atomic(s.paths.pidfile, std::to_string(s.now.pid) + "\n", 0644);
  if (st) log::warn(s.name + ": " + problem + "; rewritten");
  else log::warn(s.name + ": " + problem + ", and it cannot be rewritten: " + st.error().message);
}

Result<std::optional<Outcome>> RealEffects::reattach(Subject& s) {
  if (!unsupervised(s)) {
    bool lost = s.now.record && s.now.record->monitor != 0 && !s.now.monitor.alive;
    if (lost && s.spec && needs_monitor(*s.spec)) {
      log::warn(s.name + ": its monitor is gone, and its file changed since the start: restart to supervise it again");
    }
    return std::optional<Outcome>();
  }
  auto back = reattach_monitor(s.ctx, *s.spec, s.now, s.lock_fd);
  // It runs, unsupervised still: said, not an error of the start.
  if (!back) log::warn(s.name + ": cannot supervise pid " + std::to_string(s.now.pid) + " again: " + back.error().message);
  if (!back) return std::optional<Outcome>();
  return std::optional(std::move(*back));
}

Result<Outcome> RealEffects::terminate(Subject& s) {
  const Inspection& now = s.now;
  config::StopSpec how = recorded_stop(now, s.spec);
  Waiting waiting;
  if (s.ctx.progress) {
    waiting = [&](std::chrono::seconds waited) { s.ctx.progress->stop_waiting(s.name, now.pid, waited, how.timeout); };
  }
  auto done = service::terminate(*now.proc, now.pgid, how, waiting);
  if (s.ctx.progress) s.ctx.progress->stop_waited(s.name);
  if (!done) {
    await_monitor(s);
    return std::move(done).error();
  }
  std::string text = "stopped (pid " + std::to_string(now.pid);
  if (now.monitor.pid != 0) text += ", monitor pid " + std::to_string(now.monitor.pid);
  if (done->killed) text += ", killed with SIGKILL after " + config::format_duration(how.timeout);
  return Outcome{ExitStatus::success, text + ")", now.pid};
}

Result<Outcome> RealEffects::launch(Subject& s) {
  if (!s.spec) return Error{ExitStatus::config, "no service file to start it from"};
  std::optional<Launch> l;
  if (s.prepared && *s.prepared) {
    l = std::move(**s.prepared);
  } else {
    auto made = prepare_launch(*s.spec, environ);
    if (!made) return std::move(made).error();
    l = std::move(*made);
  }
  return service::launch(s.ctx, *s.spec, std::move(*l), s.lock_fd);
}

Result<Outcome> RealEffects::send(Subject& s) {
  int sig = s.sig != 0 ? s.sig : recorded_reload_signal(s.now, s.spec);
  std::string pid = std::to_string(s.now.pid);
  auto sent = signal_once(*s.now.proc, s.now.pgid, s.group, sig);
  if (!sent) {
    // ESRCH: it exited between the proof and the signal.
    if (sent.error().err == ESRCH) return Outcome{ExitStatus::inactive, "not running (pid " + pid + " just exited)"};
    return std::move(sent).error();
  }
  std::string target = "pid " + pid;
  if (*sent) target = "process group " + std::to_string(s.now.pgid) + " (pid " + pid + ")";
  else if (s.group) target += " alone, not to process group " + std::to_string(s.now.pgid);
  return Outcome{ExitStatus::success, "sent " + posix::signal_name(sig) + " to " + target, s.now.pid};
}

}  // namespace daemonctl::service
