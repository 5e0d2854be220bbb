#include "service/dry_run.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <set>
#include <string_view>
#include <tuple>
#include <vector>

#include "common/escape.h"
#include "config/duration.h"
#include "posix/signal_name.h"
#include "service/before_start.h"
#include "service/inspect.h"
#include "service/effects.h"
#include "service/forking.h"
#include "service/launch.h"
#include "service/log_dir.h"
#include "service/ready.h"
#include "service/supervised.h"
#include "service/terminate.h"
#include "posix/file_info.h"
#include "posix/files.h"
#include "posix/proc.h"
#include "posix/process.h"

extern char** environ;

namespace daemonctl::service {
namespace {

using Lines = std::vector<std::string>;

Lines operator+(Lines a, const Lines& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Escaped (common/escape.h), so that every line printed stays one line;
// quoted: in "double quotes", with " and \ escaped.
std::string visible(std::string_view s, bool quoted) {
  if (!quoted) return text::escape(s);
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return "\"" + text::escape(out) + "\"";
}

std::string octal(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode));
  return buf;
}

std::string user_name(uid_t uid) {
  const struct passwd* pw = ::getpwuid(uid);
  return pw ? pw->pw_name : std::to_string(uid);
}

std::string group_name(gid_t gid) {
  const struct group* gr = ::getgrgid(gid);
  return gr ? gr->gr_name : std::to_string(gid);
}

bool missing(const std::string& path) {
  auto st = posix::lstat_path(path);
  return !st && st.error().err == ENOENT;
}

// Why we may not create entries in `folder` (an errno), 0 if we may.
int cannot_write_in(const std::string& folder) {
  Status may = posix::check_effective_access(AT_FDCWD, folder, W_OK | X_OK);
  return may ? 0 : may.error().err;
}

// Could write_file_atomic(file) succeed once posix::make_dirs has made its
// folder? Errors as those two would give them.
Status check_writable(const std::string& file) {
  std::string folder = posix::dirname(file);
  if (!missing(folder)) {
    if (int err = cannot_write_in(folder)) return sys_error("cannot open '" + file + ".tmp'", err);
    return {};
  }
  std::string first = folder;  // the outermost missing folder: created first
  while (posix::dirname(first) != first && missing(posix::dirname(first))) first = posix::dirname(first);
  if (int err = cannot_write_in(posix::dirname(first))) return sys_error("cannot create directory '" + first + "'", err);
  return {};
}

// Could remove_file(path) succeed?
Status check_removable(const std::string& path) {
  if (missing(path)) return {};
  if (int err = cannot_write_in(posix::dirname(path))) return sys_error("cannot remove '" + path + "'", err);
  return {};
}


Result<Lines> stale_lines(const state::StatePaths& paths, const Inspection& stale) {
  if (Status st = check_removable(paths.pidfile); !st) return std::move(st).error();
  if (Status st = check_removable(paths.record); !st) return std::move(st).error();
  return Lines{"would remove stale pidfile '" + paths.pidfile + "' (" + stale_reason(stale) + ")"};
}

std::string name_of(const std::string& entry) { return entry.substr(0, entry.find('=')); }

// The daemon's environment `env`, built from an empty one, or with
// inherit_environment as changes to daemonctl's own.
Lines environment_lines(const config::ServiceSpec& spec, const std::vector<std::string>& env, char** inherited) {
  std::map<std::string, std::string> ours;
  for (char** e = spec.inherit_environment ? inherited : nullptr; e && *e; ++e) ours.emplace(name_of(*e), *e);
  std::set<std::string> kept;
  Lines lines;
  for (const auto& entry : env) {
    kept.insert(name_of(entry));
    auto it = ours.find(name_of(entry));
    if (it == ours.end() || it->second != entry) lines.push_back("would set environment: +" + visible(entry, false));
  }
  for (const auto& [name, entry] : ours) {
    if (!kept.count(name)) lines.push_back("would set environment: -" + visible(name, false));
  }
  if (!spec.inherit_environment) return Lines{"would start from an empty environment, not daemonctl's"} + lines;
  if (lines.empty()) lines.push_back("would keep daemonctl's environment");
  return lines;
}

std::string argv_text(const std::vector<std::string>& words) {
  std::string argv;
  for (const auto& arg : words) argv += (argv.empty() ? "" : ", ") + visible(arg, true);
  return "[" + argv + "]";
}

Lines process_lines(const config::ServiceSpec& spec, const Launch& l) {
  const std::string argv = argv_text(spec.command);
  uid_t uid = l.creds.change ? l.creds.uid : posix::effective_uid();
  gid_t gid = l.creds.change ? l.creds.gid : posix::effective_gid();
  Lines lines{"would start: exec " + l.executable + " with argv " + argv};
  lines = lines + environment_lines(spec, l.env, environ);
  lines.push_back("would run in '" + spec.directory + "' with umask " + octal(spec.umask) + " as user " +
                  user_name(uid) + " group " + group_name(gid));
  std::string tuning;
  auto add = [&tuning](const std::string& what) { tuning += (tuning.empty() ? "" : ", ") + what; };
  if (spec.nice) add("nice " + std::to_string(*spec.nice));
  if (spec.oom_score_adj) add("oom_score_adj " + std::to_string(*spec.oom_score_adj));
  for (const config::Limit& limit : spec.limits) {
    add("limit " + std::string(config::limit_name(limit.resource)) + " " + config::format_limit(limit));
  }
  if (!tuning.empty()) lines.push_back("would set " + tuning);
  return lines;
}

Lines stdio_lines(const config::ServiceSpec& spec, const Launch& l) {
  Lines lines{"would connect stdin '" + spec.stdin_path + "', stdout '" + spec.stdout_path + "', stderr '" +
              spec.stderr_path + "'"};
  std::set<std::string> logs{spec.stdout_path, spec.stderr_path};
  for (const auto& log : logs) {
    if (!missing(log)) continue;
    if (log == spec.default_log && missing(posix::dirname(log))) {
      lines.push_back("would create directory '" + posix::dirname(log) + "'");
    }
    std::string owner = l.creds.change ? ", owned by uid " + std::to_string(l.creds.uid) : "";
    lines.push_back("would create '" + log + "' with mode " + octal(log_file_mode(spec, log)) + owner);
  }
  return lines;
}

// What launch() does before the daemon: its runtime directory made, each pre command run.
Result<Lines> before_start_lines(const config::ServiceSpec& spec, const Launch& l) {
  Lines lines;
  auto dir = runtime_dir_path(spec);
  if (!dir) return std::move(dir).error();
  if (!dir->empty()) {
    uid_t uid = l.creds.change ? l.creds.uid : posix::effective_uid();
    gid_t gid = l.creds.change ? l.creds.gid : posix::effective_gid();
    lines.push_back("would create runtime directory '" + *dir + "' with mode " + octal(spec.runtime_directory_mode) +
                    " owned by user " + user_name(uid) + " group " + group_name(gid) + ", removed after the stop");
  }
  auto programs = resolve_pre(spec, path_of(l.env));
  if (!programs) return std::move(programs).error();
  for (std::size_t i = 0; i < programs->size(); ++i) {
    lines.push_back("would run pre command: exec " + (*programs)[i] + " with argv " + argv_text(spec.start.pre[i]) +
                    ", and fail the start unless it exits 0 within " + config::format_duration(spec.start.pre_timeout));
  }
  return lines;
}

// What launch() would do after prepare_launch, with `l` from check_launch.
Result<Lines> launch_lines(const Context& ctx, const config::ServiceSpec& spec, const Launch& l) {
  state::StatePaths paths = state_paths(ctx, spec);
  std::string folder = posix::dirname(paths.pidfile);
  // In launch's order: the pidfile's folder made, the record, the pidfile.
  if (missing(folder)) {
    if (Status st = check_writable(paths.pidfile); !st) return std::move(st).error();
  }
  if (Status st = check_writable(paths.record); !st) return std::move(st).error();
  if (Status st = check_writable(paths.pidfile); !st) return std::move(st).error();
  // The entries launch adds to the environment.
  Launch started{l.executable, l.ready_program, l.env, l.creds, {}};
  if (spec.ready.notify) started.env.push_back("NOTIFY_SOCKET=" + notify_socket_path(ctx, spec));
  bool forking = spec.type == config::ServiceType::forking;
  Lines lines = process_lines(spec, started) + stdio_lines(spec, l);
  if (missing(folder) && folder != ctx.state_dir) lines.push_back("would create directory '" + folder + "'");
  auto before = before_start_lines(spec, l);
  if (!before) return std::move(before).error();
  lines = lines + *before;
  if (needs_monitor(spec)) {
    auto program = monitor_program();
    if (!program) return std::move(program).error();
    lines.push_back("would start monitor " + *program + " as the daemon; it starts the command as its child, "
                    "writes pidfile '" + paths.pidfile + "' and record '" + paths.record + "'" +
                    (spec.restart.policy == config::RestartPolicy::no
                         ? std::string(", and does not restart it")
                         : ", and restarts it (" +
                               std::string(spec.restart.policy == config::RestartPolicy::always ? "always" : "on failure") +
                               ", at most " + std::to_string(spec.restart.limit) + " times within " +
                               config::format_duration(spec.restart.window) + ")"));
    for (const auto& [stream, path, rotation] :
         {std::tuple{"stdout", spec.stdout_path, spec.stdout_rotation}, {"stderr", spec.stderr_path, spec.stderr_rotation}}) {
      if (rotation.max_size == 0 || (std::string(stream) == "stderr" && path == spec.stdout_path)) continue;
      lines.push_back(std::string("would pass ") + stream + " through a pipe to the monitor, which rotates '" + path +
                      "' at " + std::to_string(rotation.max_size) + " bytes, keeping " + std::to_string(rotation.keep));
    }
  } else if (forking) {
    lines.push_back("would wait up to " + config::format_duration(spec.ready.timeout) +
                    " for it to exit 0 and for pidfile '" + paths.pidfile + "' to name the process it leaves");
    lines.push_back("would write record '" + paths.record + "'");
  } else {
    lines.push_back("would write pidfile '" + paths.pidfile + "' and record '" + paths.record + "'");
  }
  if (!spec.ready.file.empty() && !missing(spec.ready.file)) {
    lines.push_back("would remove the old ready file '" + spec.ready.file + "'");
  }
  if (spec.ready.any()) {
    lines.push_back("would wait up to " + config::format_duration(spec.ready.timeout) + " for " +
                    describe_ready(spec.ready) + ", and stop it if it is not ready by then");
  }
  if (spec.start.grace.count() > 0) {
    lines.push_back("would wait " + config::format_duration(spec.start.grace) +
                    " of start grace, and fail if it exits meanwhile");
  }
  return lines;
}

// The state dir, made by the CLI before any command (prepare_state_dir).
Lines state_dir_lines(const Context& ctx) {
  if (!missing(ctx.state_dir)) return {};
  return {"would create state directory '" + ctx.state_dir + "' with mode " + octal(posix::effective_uid() == 0 ? 0755 : 0700)};
}

// The dry run's effects: each step says what it would do, having checked
// that it could (the same permission the real step would need).
class DryEffects : public Effects {
 public:
  explicit DryEffects(Lines first = {}) : lines_(std::move(first)) {}

  Status tell_monitor(Subject& s) override {
    if (s.now.monitor.alive) {
      say("would send SIGTERM to monitor pid " + std::to_string(s.now.monitor.pid) +
          " and wait for it to exit, so that it restarts nothing");
    }
    return {};
  }
  void await_monitor(Subject&) override {}
  Status clear_leftovers(Subject& s) override {
    if (s.now.stale_pidfile) return remove_stale(s);
    if (s.now.record) say("would remove the record '" + s.paths.record + "' of a start cut short");
    if (s.now.record) say_runtime_dir(s);
    return {};
  }
  Status remove_stale(Subject& s) override {
    say_runtime_dir(s);
    auto stale = stale_lines(s.paths, s.now);
    if (!stale) return std::move(stale).error();
    for (auto& line : *stale) say(std::move(line));
    return {};
  }
  Status remove_record(Subject& s) override {
    say_runtime_dir(s);
    if (s.now.state == state::State::running || s.now.state == state::State::starting) {
      if (Status st = check_removable(s.paths.pidfile); !st) return st;
      if (Status st = check_removable(s.paths.record); !st) return st;
      say("would remove pidfile '" + s.paths.pidfile + "' and record '" + s.paths.record + "'");
    } else if (s.action == Action::start) {
      say("would remove the record of the failed service '" + s.paths.record + "'");
    } else {
      say("would remove record '" + s.paths.record + "'");
    }
    return {};
  }
  void rewrite_pidfile(Subject& s) override {
    if (!s.now.pidfile_problem.empty()) say("would rewrite pidfile '" + s.paths.pidfile + "' (" + s.now.pidfile_problem + ")");
  }
  Result<std::optional<Outcome>> reattach(Subject& s) override {
    if (unsupervised(s)) {
      say("would start a monitor to supervise pid " + std::to_string(s.now.pid) + " again (monitor pid " +
          std::to_string(s.now.monitor.pid) + " is gone)");
    }
    return std::optional<Outcome>();
  }
  Result<Outcome> terminate(Subject& s) override;
  Result<Outcome> launch(Subject& s) override {
    auto l = check_launch(*s.spec, environ);
    if (!l) return std::move(l).error();
    auto launched = launch_lines(s.ctx, *s.spec, *l);
    if (!launched) return std::move(launched).error();
    for (auto& line : *launched) say(std::move(line));
    return Outcome{};
  }
  Result<Outcome> send(Subject& s) override {
    std::string pid = std::to_string(s.now.pid);
    int sig = s.sig != 0 ? s.sig : recorded_reload_signal(s.now, s.spec);
    std::string what = "would send " + posix::signal_name(sig) + " to ";
    if (s.group && group_is_ours(*s.now.proc, s.now.pgid)) {
      if (Status allowed = may_signal_group(s.now.pgid); !allowed) return std::move(allowed).error();
      return Outcome{ExitStatus::success, what + "process group " + std::to_string(s.now.pgid) + " (pid " + pid + ")",
                     s.now.pid};
    }
    // As send_signal reports a refusal, and a daemon that exited meanwhile.
    if (Status allowed = s.now.proc->send_signal(0); !allowed) {
      if (allowed.error().err == ESRCH) return Outcome{ExitStatus::inactive, "not running (pid " + pid + " just exited)"};
      return std::move(allowed).error();
    }
    what += "pid " + pid;
    if (s.group) what += " alone, not to process group " + std::to_string(s.now.pgid);
    return Outcome{ExitStatus::success, what, s.now.pid};
  }
  std::vector<std::string> said() const override { return lines_; }

 private:
  void say(std::string line) { lines_.push_back(std::move(line)); }
  void say_runtime_dir(const Subject& s) {
    if (s.now.record && !s.now.record->runtime_dir.empty()) {
      say("would remove runtime directory '" + s.now.record->runtime_dir + "' and everything in it");
    }
  }
  Lines lines_;
};

// What terminate would send, to whom, and when it would give up.
Result<Outcome> DryEffects::terminate(Subject& s) {
  const Inspection& now = s.now;
  const config::StopSpec stop = recorded_stop(now, s.spec);
  std::string target = "pid " + std::to_string(now.pid);
  Status allowed;
  if (stop.group && group_is_ours(*now.proc, now.pgid)) {
    target = "process group " + std::to_string(now.pgid);
    allowed = may_signal_group(now.pgid);
  } else {
    if (stop.group) target += " alone, not to process group " + std::to_string(now.pgid);
    allowed = may_signal(*now.proc);
  }
  if (!allowed) return std::move(allowed).error();
  bool repeat = stop.interval.count() > 0 && stop.interval < stop.timeout;
  say("would send " + posix::signal_name(stop.signal) + " to " + target +
      (repeat ? " every " + config::format_duration(stop.interval) : " once"));
  say("would send SIGKILL after " + config::format_duration(stop.timeout));
  return Outcome{ExitStatus::success, "", now.pid};
}

// The steps of `action` on `spec`'s service, said and not done.
Result<Outcome> dry(const Context& ctx, const config::ServiceSpec& spec, Action action, int sig, Lines first = {},
                    bool group = false) {
  state::StatePaths base = state_paths(ctx, spec);
  Inspection now = inspect(base);
  Subject s{ctx, spec.name, &spec, now, recorded_paths(base, now), action, sig};
  s.group = group;
  DryEffects said(std::move(first));
  return run_steps(s, said);
}

}  // namespace

Result<Outcome> dry_start(const Context& ctx, const config::ServiceSpec& spec) {
  return dry(ctx, spec, Action::start, 0, state_dir_lines(ctx));
}

Result<Outcome> dry_stop(const Context& ctx, const config::ServiceSpec& spec) {
  return dry(ctx, spec, Action::stop, 0);
}

Result<Outcome> dry_restart(const Context& ctx, const config::ServiceSpec& spec) {
  // As restart: everything a start checks, checked before anything is stopped.
  auto l = check_launch(spec, environ);
  if (!l) return std::move(l).error();
  return dry(ctx, spec, Action::restart, 0, state_dir_lines(ctx));
}

Result<Outcome> dry_signal(const Context& ctx, const config::ServiceSpec& spec, int sig, bool group) {
  return dry(ctx, spec, sig == 0 ? Action::reload : Action::signal, sig, {}, group);
}

}  // namespace daemonctl::service
