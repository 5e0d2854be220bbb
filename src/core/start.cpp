#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "config/duration.h"
#include "config/paths.h"
#include "core/commands.h"
#include "core/effects.h"
#include "core/inspect.h"
#include "core/forking.h"
#include "core/launch.h"
#include "core/ready.h"
#include "core/supervised.h"
#include "core/terminate.h"
#include "posix/files.h"
#include "posix/proc.h"
#include "posix/spawn.h"

extern char** environ;

namespace daemonctl::core {
namespace {

// What this start records of the service, once, beside its instance: the
// file it came from, what runs, and how to stop it.
Record definition(const config::ServiceSpec& spec, const Launch& l, const StatePaths& paths) {
  Record r;
  r.name = spec.name;
  r.file = spec.file;
  struct stat st;
  if (::stat(spec.file.c_str(), &st) == 0) {
    r.file_id = FileIdentity{st.st_dev, st.st_ino, static_cast<std::uint64_t>(st.st_size),
                             static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
  }
  r.argv = spec.command;
  r.argv.front() = l.executable;
  r.env_digest = environment_digest(l.env);
  // Absolute: later commands may run from another folder.
  auto pidfile = config::absolute_path(paths.pidfile);
  r.pidfile = pidfile ? *pidfile : paths.pidfile;
  r.forking = spec.type == config::ServiceType::forking;
  r.stop = RecordedStop{spec.stop.signal, spec.stop.timeout.count(), spec.stop.interval.count(), spec.stop.group,
                        spec.reload_signal};
  r.user = spec.user;
  r.stdout_path = spec.stdout_path;
  r.stderr_path = spec.stderr_path;
  r.phase = State::starting;
  r.boot_id = posix::boot_id();
  return r;
}

// Writes the record of `proc` in `phase`, then the pidfile: the pidfile is
// the commit point. A forking service wrote its own pidfile: then only the record.
Status record_identity(const StatePaths& paths, Record record, const posix::Pidfd& proc, State phase,
                       bool write_pidfile = true) {
  auto stat = posix::read_stat(proc.pid());
  if (!stat) return Error{ExitStatus::failure, "the daemon (pid " + std::to_string(proc.pid()) + ") vanished at start"};
  record.phase = phase;
  record.pid = proc.pid();
  record.starttime = stat->starttime;
  record.pgid = stat->pgrp;
  if (Status st = posix::write_file_atomic(paths.record, format_record(record), 0644); !st) return st;
  if (!write_pidfile) return {};
  if (Status st = posix::write_file_atomic(paths.pidfile, std::to_string(proc.pid()) + "\n", 0644); !st) {
    (void)posix::remove_file(paths.record);
    return st;
  }
  return {};
}

// The record of `spec`'s name, if its instance lives, must come from
// spec's own file; and no other service's record may hold its pidfile.
Status check_owner(const Inspection& now, const config::ServiceSpec& spec, const Context& ctx) {
  bool alive = now.state == State::running || now.state == State::starting || now.state == State::restarting;
  if (alive && owned_elsewhere(now, &spec)) {
    return Error{ExitStatus::failure, "the name '" + spec.name + "' is taken: it runs from '" + now.record->file +
                                          "', and '" + spec.file + "' declares it too; stop it first, or rename one"};
  }
  if (spec.pidfile.empty()) return {};  // <state dir>/<name>.pid: unique as the name
  auto names = posix::list_dir(ctx.state_dir);
  for (const std::string& entry : names ? *names : std::vector<std::string>{}) {
    if (!entry.ends_with(".record") || entry == spec.name + ".record") continue;
    auto other = read_record(StatePaths{"", ctx.state_dir + "/" + entry, ""});
    if (other && other->pidfile == spec.pidfile) {
      return Error{ExitStatus::failure, "pidfile '" + spec.pidfile + "' is the pidfile of service '" + other->name +
                                            "' (from '" + other->file + "'): give each service its own"};
    }
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

}  // namespace

Result<Outcome> launch(const Context& ctx, const config::ServiceSpec& spec, Launch l, int lock_fd) {
  StatePaths paths = state_paths(ctx, spec);
  if (Status st = posix::make_dirs(posix::dirname(paths.pidfile), 0755); !st) return std::move(st).error();
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
  // A ready file left by an earlier run must not pass for this one.
  if (!spec.ready.file.empty()) {
    if (Status st = posix::remove_file(spec.ready.file); !st) {
      Error e = std::move(st).error();
      e.message = "cannot remove the old ready file: " + e.message;
      return e;
    }
  }
  std::optional<posix::NotifySocket> notify;
  uid_t daemon_uid = l.creds.change ? l.creds.uid : ::geteuid();
  if (spec.ready.notify) {
    auto sock = posix::NotifySocket::open();
    if (!sock) return std::move(sock).error();
    notify.emplace(std::move(*sock));
  }
  if (notify) rq.env.push_back("NOTIFY_SOCKET=" + notify->address());
  bool forking = spec.type == config::ServiceType::forking;
  rq.guard = forking;
  // Recorded as starting until it is ready and past its grace; before its
  // daemon is known (a monitor's child, a forking command's daemon), with
  // no pid: nothing it starts ever runs unrecorded.
  Record base = definition(spec, l, paths);
  bool waits = spec.ready.any() || spec.start.grace.count() > 0;
  if (needs_monitor(spec) || forking) {
    if (Status st = posix::write_file_atomic(paths.record, format_record(base), 0644); !st) {
      return std::move(st).error();
    }
  }

  std::optional<Supervised> supervised;
  std::optional<posix::PreparedDaemon> prepared;
  std::optional<posix::Pidfd> forked;
  if (needs_monitor(spec)) {
    auto started = start_monitor(spec, paths, rq, lock_fd);
    if (!started) {
      (void)remove_state(paths);
      return std::move(started).error();
    }
    supervised.emplace(std::move(*started));
    log::debug(spec.name + ": monitor pid " + std::to_string(supervised->monitor.pid()) + " started pid " +
               std::to_string(supervised->pid));
    if (!supervised->daemon && (spec.ready.any() || spec.start.grace.count() > 0)) {
      // Gone before it could be ready, or within its grace.
      auto how = first_exit(*supervised);
      auto monitor = stand_down(supervised->monitor.pid(), 0);
      stop_recorded(spec.stop, paths);
      if (monitor) await_monitor(*monitor);
      (void)remove_state(paths);
      return Error{ExitStatus::failure, "pid " + std::to_string(supervised->pid) + " " +
                                            (how ? describe_exit(*how) : "exited") + " " +
                                            (spec.ready.any() ? "before it was ready"
                                                              : "within the start grace of " +
                                                                    config::format_duration(spec.start.grace))};
    }
    if (!supervised->daemon) {  // it ran, and exited: the monitor has it in hand
      return Outcome{ExitStatus::success, "started (pid " + std::to_string(supervised->pid) + ", monitor pid " +
                                              std::to_string(supervised->monitor.pid()) + ")", supervised->pid};
    }
  } else {
    auto made = posix::prepare_daemon(rq);
    if (!made) return std::move(made).error();
    prepared.emplace(std::move(*made));
    // Recorded before it runs anything: no daemon ever runs without its
    // pidfile, even if daemonctl is killed right here. A forking command is
    // recorded once it has named its daemon.
    Status st = forking ? Status() : record_identity(paths, base, prepared->proc(), waits ? State::starting : State::running);
    if (!st) {
      prepared->abandon();
      (void)remove_state(paths);
      return std::move(st).error();
    }
    if (Status st = prepared->exec(); !st) {
      (void)remove_state(paths);
      return std::move(st).error();
    }
    log::debug(spec.name + ": exec'd '" + l.executable + "' as pid " + std::to_string(prepared->proc().pid()));
  }

  if (forking) {
    // Dropping the guard kills what the command left; releasing it, once
    // the record names the daemon, lets that run on.
    std::optional<posix::Guard>& guard = prepared->guard();
    auto daemon = await_forked(spec, paths.pidfile, prepared->proc().pid(), *guard, daemon_uid);
    if (daemon) forked.emplace(std::move(*daemon));
    Status st = daemon ? record_identity(paths, base, *forked, waits ? State::starting : State::running, false)
                       : Status(std::move(daemon).error());
    if (!st) {
      guard.reset();
      (void)remove_state(paths);
      return std::move(st).error();
    }
    guard->release();
    log::debug(spec.name + ": forked into pid " + std::to_string(forked->pid()));
  }
  const posix::Pidfd& proc = supervised ? *supervised->daemon : forked ? *forked : prepared->proc();
  // A start that fails from here stops what it started: a monitor first, so
  // that it restarts nothing, then the daemon it recorded.
  auto undo = [&](bool died) {
    if (supervised) {
      auto monitor = stand_down(supervised->monitor.pid(), 0);
      stop_recorded(spec.stop, paths);
      if (monitor) await_monitor(*monitor);
    } else if (!died) {
      stop_unready(spec, proc);
    }
    (void)remove_state(paths);
  };

  if (spec.ready.any()) {
    ReadyProbe probe{notify ? &*notify : nullptr, daemon_uid, l.ready_program, &rq, {}};
    if (supervised) probe.reap = [&] { return first_exit(*supervised); };
    auto ready = wait_ready(spec, proc, probe);
    if (!ready || *ready) {
      Error e = ready ? Error{ExitStatus::failure, (*ready)->message} : std::move(ready).error();
      undo(ready && (*ready)->died);
      return e;
    }
    log::debug(spec.name + ": ready");
  }

  if (spec.start.grace.count() > 0 && proc.wait_exit(spec.start.grace)) {
    // A monitor's child is the monitor's to reap: it tells how it ended.
    auto how = supervised ? first_exit(*supervised) : proc.reap();
    undo(true);
    std::string what = how ? describe_exit(*how) : "exited";
    return Error{ExitStatus::failure, "pid " + std::to_string(proc.pid()) + " " + what + " within the start grace of " +
                                          config::format_duration(spec.start.grace)};
  }
  if (waits && !supervised) {  // a monitor keeps its own record
    if (Status st = record_identity(paths, base, proc, State::running, false); !st) {
      undo(false);
      return std::move(st).error();
    }
  }
  std::string text = "started (pid " + std::to_string(proc.pid());
  if (supervised) text += ", monitor pid " + std::to_string(supervised->monitor.pid());
  return Outcome{ExitStatus::success, text + ")", proc.pid()};
}

Status check_owner(const Context& ctx, const config::ServiceSpec& spec) {
  StatePaths paths = state_paths(ctx, spec);
  Inspection now = inspect(paths, Handle::none);
  return check_owner(now, spec, ctx);
}

Result<Outcome> start_locked(const Context& ctx, const config::ServiceSpec& spec, int lock_fd) {
  StatePaths base = state_paths(ctx, spec);
  Inspection now = inspect(base);
  if (Status mine = check_owner(now, spec, ctx); !mine) return std::move(mine).error();
  Subject s{ctx, spec.name, &spec, now, recorded_paths(base, now), Action::start, 0, lock_fd};
  RealEffects real;
  return run_steps(s, real);
}

}  // namespace daemonctl::core
