// launch(): a start whose checks are done. Prepared (the pidfile's folder,
// the request, the notify socket, the record of what starts), spawned (a
// plain daemon, a forking command under its guard, or a monitor and its
// child), then one tail for all three: readiness, grace, the record that
// says it runs. A failure anywhere undoes what was started.
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "config/duration.h"
#include "config/paths.h"
#include "service/before_start.h"
#include "service/commands.h"
#include "service/effects.h"
#include "service/forking.h"
#include "service/inspect.h"
#include "service/launch.h"
#include "service/progress.h"
#include "service/log_tail.h"
#include "service/ready.h"
#include "service/supervised.h"
#include "service/terminate.h"
#include "posix/files.h"
#include "posix/safe_path.h"
#include "posix/proc.h"
#include "posix/process.h"
#include "posix/spawn.h"

extern char** environ;

namespace daemonctl::service {
namespace {

// What this start records of the service, once, beside its instance: the
// file it came from, what runs, and how to stop it.
state::Record definition(const config::ServiceSpec& spec, const Launch& l, const state::StatePaths& paths) {
  state::Record r;
  r.name = spec.name;
  r.file = spec.file;
  r.file_id = state::file_identity(spec.file).value_or(state::FileIdentity{});
  r.argv = spec.command;
  r.argv.front() = l.executable;
  r.env_digest = state::environment_digest(l.env);
  // Absolute: later commands may run from another folder.
  auto pidfile = config::absolute_path(paths.pidfile);
  r.pidfile = pidfile ? *pidfile : paths.pidfile;
  r.forking = spec.type == config::ServiceType::forking;
  r.stop = state::RecordedStop{spec.stop.signal, spec.stop.timeout.count(), spec.stop.interval.count(), spec.stop.group,
                        spec.reload_signal};
  r.user = spec.user;
  r.stdout_path = spec.stdout_path;
  r.stderr_path = spec.stderr_path;
  r.phase = state::State::starting;
  r.boot_id = posix::boot_id();
  return r;
}

// Writes the record of `proc` in `phase`, then the pidfile: the pidfile is
// the commit point. A forking service wrote its own pidfile: then only the record.
Status record_identity(const state::StatePaths& paths, state::Record record, const posix::Pidfd& proc, state::State phase,
                       bool write_pidfile = true) {
  auto stat = posix::read_stat(proc.pid());
  if (!stat) return Error{ExitStatus::failure, "the daemon (pid " + std::to_string(proc.pid()) + ") vanished at start"};
  record.phase = phase;
  record.pid = proc.pid();
  record.starttime = stat->starttime;
  record.pid_inode = proc.inode();
  record.pgid = stat->pgrp;
  // The state folder entered once for both: the daemon waits for them to exec.
  std::string dir = posix::dirname(paths.record);
  auto folder = posix::open_folder(dir);
  if (!folder) return std::move(folder).error();
  auto write = [&](const std::string& path, const std::string& content) {
    if (posix::dirname(path) != dir) return posix::write_file_atomic(path, content, 0644);
    return posix::write_file_atomic_at(folder->fd.get(), path.substr(path.find_last_of('/') + 1), path, content, 0644);
  };
  if (Status st = write(paths.record, state::format_record(record)); !st) return st;
  if (!write_pidfile) return {};
  if (Status st = write(paths.pidfile, std::to_string(proc.pid()) + "\n"); !st) {
    (void)posix::remove_file(paths.record);
    return st;
  }
  return {};
}

// A daemon that never became ready is stopped, as `stop` would, and reaped.
void stop_unready(const config::ServiceSpec& spec, const posix::Pidfd& proc) {
  auto stat = posix::read_stat(proc.pid());
  auto ended = terminate(proc, stat ? stat->pgrp : 0, spec.stop);
  if (!ended) log::warn(spec.name + ": " + ended.error().message);
  (void)proc.reap();
}


// One start on its way: what was decided before the fork, and what runs.
struct Starting {
  const Context& ctx;
  const config::ServiceSpec& spec;
  int lock_fd;
  state::StatePaths paths;
  Launch l;
  posix::SpawnRequest rq{};
  std::optional<posix::NotifySocket> notify{};
  uid_t daemon_uid = 0;
  state::Record base{};
  /// Ready checks or a grace: recorded as starting until they pass (a monitor
  /// records its child as running at once: its record is its own).
  bool waits = false;
  std::optional<Supervised> supervised{};
  std::optional<posix::PreparedDaemon> prepared{};
  std::optional<posix::Pidfd> forked{};
  LogMark log_mark{};  ///< where the log ended before the spawn: what the daemon printed comes after

  const posix::Pidfd& proc() const { return supervised ? *supervised->daemon : forked ? *forked : prepared->proc(); }
};

posix::SpawnRequest spawn_request(const config::ServiceSpec& spec, Launch& l) {
  posix::SpawnRequest rq;
  rq.executable = l.executable;
  rq.argv = spec.command;
  rq.env = std::move(l.env);
  rq.directory = spec.directory;
  rq.umask = spec.umask;
  rq.stdin_fd = l.stdio.in.get();
  rq.stdout_fd = l.stdio.out.get();
  rq.stderr_fd = l.stdio.err_fd();
  rq.change_ids = l.creds.change;
  rq.uid = l.creds.uid;
  rq.gid = l.creds.gid;
  rq.groups = l.creds.groups;
  for (const config::Limit& limit : spec.limits) {
    rq.limits.push_back({limit.resource, limit.soft, limit.hard, std::string(config::limit_name(limit.resource))});
  }
  rq.nice = spec.nice;
  rq.oom_score_adj = spec.oom_score_adj;
  rq.guard = spec.type == config::ServiceType::forking;
  return rq;
}

// The runtime directory, made for the daemon and recorded, then the pre
// commands, in the daemon's environment (with RUNTIME_DIRECTORY, as systemd sets it).
Status before_start(Starting& s) {
  auto dir = runtime_dir_path(s.spec);
  if (!dir) return std::move(dir).error();
  if (!dir->empty()) {
    if (Status st = make_runtime_dir(s.spec, *dir, s.l.creds); !st) return st;
    s.base.runtime_dir = *dir;
    s.rq.env.push_back("RUNTIME_DIRECTORY=" + *dir);
  }
  return run_pre(s.spec, s.rq);
}

// The state of a start that failed: its record and pidfile, its runtime directory.
void discard(const Starting& s) {
  (void)remove_state(s.paths);
  remove_runtime_dir(s.spec.name, s.base.runtime_dir);
}

// Everything before the fork: the pidfile's folder, no old ready file, the
// notify socket, and, for a daemon not known at once (a monitor's child, a
// forking command's daemon), a record with no pid yet: nothing it starts
// ever runs unrecorded.
Status prepare(Starting& s) {
  const config::ServiceSpec& spec = s.spec;
  if (Status st = posix::make_dirs(posix::dirname(s.paths.pidfile), 0755); !st) return st;
  s.base = definition(spec, s.l, s.paths);
  s.rq = spawn_request(spec, s.l);
  if (Status st = before_start(s); !st) return st;
  if (!spec.ready.file.empty()) {  // one left by an earlier run must not pass for this one
    if (Status st = posix::remove_file(spec.ready.file); !st) {
      Error e = std::move(st).error();
      e.message = "cannot remove the old ready file: " + e.message;
      return e;
    }
  }
  s.daemon_uid = s.l.creds.change ? s.l.creds.uid : posix::effective_uid();
  if (spec.ready.notify) {
    auto sock = posix::NotifySocket::open();
    if (!sock) return std::move(sock).error();
    s.notify.emplace(std::move(*sock));
    s.rq.env.push_back("NOTIFY_SOCKET=" + s.notify->address());
  }
  s.waits = spec.ready.any() || spec.start.grace.count() > 0;
  if (!needs_monitor(spec) && !s.rq.guard) return {};
  return posix::write_file_atomic(s.paths.record, state::format_record(s.base), 0644);
}

// A monitor, which starts the daemon as its child and records it.
Result<std::optional<Outcome>> spawn_supervised(Starting& s) {
  const config::ServiceSpec& spec = s.spec;
  auto started = start_monitor(spec, s.paths, s.rq, s.lock_fd);
  if (!started) return std::move(started).error();
  s.supervised.emplace(std::move(*started));
  Supervised& m = *s.supervised;
  log::debug(spec.name + ": monitor pid " + std::to_string(m.monitor.pid()) + " started pid " + std::to_string(m.pid));
  if (m.daemon) return std::optional<Outcome>();
  if (!s.waits) {  // it ran, and exited: the monitor has it in hand
    return std::optional(Outcome{ExitStatus::success, "started (pid " + std::to_string(m.pid) + ", monitor pid " +
                                                          std::to_string(m.monitor.pid()) + ")", m.pid});
  }
  // Gone before it could be ready, or within its grace.
  auto how = first_exit(m);
  auto monitor = stand_down(m.monitor.pid(), 0);
  stop_recorded(spec.stop, s.paths);
  if (monitor) await_monitor(*monitor);
  return with_last_output(
      Error{ExitStatus::failure,
            "pid " + std::to_string(m.pid) + " " + (how ? describe_exit(*how) : "exited") + " " +
                (spec.ready.any() ? "before it was ready"
                                  : "within the start grace of " + config::format_duration(spec.start.grace))},
      spec, s.log_mark);
}

// The double fork; recorded before it runs anything, so that no daemon ever
// runs without its pidfile, even if daemonctl is killed right there. A
// forking command is recorded once it has named its daemon.
Status spawn_daemon(Starting& s) {
  auto made = posix::prepare_daemon(s.rq);
  if (!made) return std::move(made).error();
  s.prepared.emplace(std::move(*made));
  if (!s.rq.guard) {
    Status st = record_identity(s.paths, s.base, s.prepared->proc(), s.waits ? state::State::starting : state::State::running);
    if (!st) {
      s.prepared->abandon();
      return st;
    }
  }
  if (Status st = s.prepared->exec(); !st) return st;
  log::debug(s.spec.name + ": exec'd '" + s.rq.executable + "' as pid " + std::to_string(s.prepared->proc().pid()));
  return {};
}

// type = "forking": its daemon named and proven, recorded, then let go by
// the guard. Dropping the guard kills what the command left.
Status await_forking(Starting& s) {
  std::optional<posix::Guard>& guard = s.prepared->guard();
  auto daemon = await_forked(s.spec, s.paths.pidfile, s.prepared->proc().pid(), *guard, s.daemon_uid);
  if (daemon) s.forked.emplace(std::move(*daemon));
  Status st = daemon ? record_identity(s.paths, s.base, *s.forked, s.waits ? state::State::starting : state::State::running, false)
                     : Status(std::move(daemon).error());
  if (!st) {
    guard.reset();
    return st;
  }
  guard->release();
  log::debug(s.spec.name + ": forked into pid " + std::to_string(s.forked->pid()));
  return {};
}

// Undoes a start that fails past its spawn, unless disarmed: a monitor
// first, so that it restarts nothing, then the daemon it recorded.
class Undo {
 public:
  explicit Undo(Starting& s) : s_(s) {}
  Undo(const Undo&) = delete;
  Undo& operator=(const Undo&) = delete;
  ~Undo() {
    if (!armed_) return;
    if (s_.supervised) {
      auto monitor = stand_down(s_.supervised->monitor.pid(), 0);
      stop_recorded(s_.spec.stop, s_.paths);
      if (monitor) await_monitor(*monitor);
    } else if (!died_) {
      stop_unready(s_.spec, s_.proc());
    }
    discard(s_);
  }
  void died() { died_ = true; }  ///< the daemon is gone already: nothing to stop
  void disarm() { armed_ = false; }

 private:
  Starting& s_;
  bool armed_ = true, died_ = false;
};

// The tail every start shares: ready, past its grace, recorded as running.
Result<Outcome> settle(Starting& s) {
  const config::ServiceSpec& spec = s.spec;
  const posix::Pidfd& proc = s.proc();
  Undo undo(s);
  if (spec.ready.any()) {
    ReadyProbe probe{s.notify ? &*s.notify : nullptr, s.daemon_uid, s.l.ready_program, &s.rq, {}};
    if (s.supervised) probe.reap = [&] { return first_exit(*s.supervised); };
    if (s.ctx.progress) {
      probe.waiting = [&](std::chrono::seconds waited) {
        s.ctx.progress->ready_waiting(spec.name, describe_ready(spec.ready), waited, spec.ready.timeout);
      };
    }
    auto ready = wait_ready(spec, proc, probe);
    if (s.ctx.progress) s.ctx.progress->stop_waited(spec.name);
    if (!ready || *ready) {
      if (ready && (*ready)->died) undo.died();
      Error e = ready ? Error{ExitStatus::failure, (*ready)->message} : std::move(ready).error();
      return with_last_output(std::move(e), spec, s.log_mark);
    }
    log::debug(spec.name + ": ready");
  }
  if (spec.start.grace.count() > 0 && proc.wait_exit(spec.start.grace)) {
    // A monitor's child is the monitor's to reap: it tells how it ended.
    auto how = s.supervised ? first_exit(*s.supervised) : proc.reap();
    undo.died();
    return with_last_output(Error{ExitStatus::failure, "pid " + std::to_string(proc.pid()) + " " +
                                                           (how ? describe_exit(*how) : "exited") +
                                                           " within the start grace of " +
                                                           config::format_duration(spec.start.grace)},
                            spec, s.log_mark);
  }
  if (s.waits && !s.supervised) {  // a monitor keeps its own record
    if (Status st = record_identity(s.paths, s.base, proc, state::State::running, false); !st) return std::move(st).error();
  }
  undo.disarm();
  std::string text = "started (pid " + std::to_string(proc.pid());
  if (s.supervised) text += ", monitor pid " + std::to_string(s.supervised->monitor.pid());
  return Outcome{ExitStatus::success, text + ")", proc.pid()};
}

// The spawn of one of the three kinds; an Outcome when it is all there is.
Result<std::optional<Outcome>> spawn(Starting& s) {
  if (needs_monitor(s.spec)) return spawn_supervised(s);
  if (Status st = spawn_daemon(s); !st) return std::move(st).error();
  if (s.rq.guard) {
    if (Status st = await_forking(s); !st) return std::move(st).error();
  }
  return std::optional<Outcome>();
}

}  // namespace

Result<Outcome> reattach_monitor(const Context& ctx, const config::ServiceSpec& spec, const Inspection& now,
                                 int lock_fd) {
  auto l = prepare_launch(spec, environ);
  if (!l) return std::move(l).error();
  state::StatePaths paths = recorded_paths(state_paths(ctx, spec), now);
  posix::SpawnRequest rq = spawn_request(spec, *l);
  auto started = start_monitor(spec, paths, rq, lock_fd, Attach{now.pid, now.starttime});
  if (!started) return std::move(started).error();
  return Outcome{ExitStatus::success, "already running (pid " + std::to_string(now.pid) +
                                          "), supervised again by monitor pid " +
                                          std::to_string(started->monitor.pid()),
                 now.pid};
}

Result<Outcome> launch(const Context& ctx, const config::ServiceSpec& spec, Launch l, int lock_fd) {
  Starting s{ctx, spec, lock_fd, state_paths(ctx, spec), std::move(l)};
  // The log as open_stdio just opened it (not opened again): stderr's, else stdout's.
  std::string log = output_log(spec.stdout_path, spec.stderr_path);
  s.log_mark = mark_log(log, log == spec.stderr_path ? s.l.stdio.err_fd() : s.l.stdio.out.get());
  auto spawned = [&]() -> Result<std::optional<Outcome>> {
    if (Status st = prepare(s); !st) return std::move(st).error();
    return spawn(s);
  }();
  if (!spawned) {
    // Nothing of it runs (a guard, or the go, saw to that, or its monitor
    // was stood down): the state it had written goes too.
    discard(s);
    return std::move(spawned).error();
  }
  if (*spawned) return std::move(**spawned);
  return settle(s);
}

}  // namespace daemonctl::service
