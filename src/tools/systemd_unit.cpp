#include "tools/systemd_unit.h"

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstdio>
#include <string_view>
#include <sys/resource.h>

#include "common/escape.h"
#include "config/duration.h"
#include "config/limits.h"
#include "posix/signal_name.h"
#include "service/environment.h"
#include "tools/systemd_syntax.h"

namespace daemonctl::tools {
namespace {

using config::Duration;
using config::ServiceSpec;

/// A `# ` line, escaped (common/escape.h) so that it stays one line.
std::string comment(std::string_view text) { return "# " + text::escape(text) + "\n"; }

/// One section of the unit, written line by line.
class Section {
 public:
  explicit Section(std::string_view name) : text_("[" + std::string(name) + "]\n") {}
  void set(std::string_view key, const std::string& value) { text_ += std::string(key) + "=" + value + "\n"; }
  void note(std::string_view text) { text_ += comment(text); }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

std::string shown(const config::Duration& d) { return config::format_duration(d); }

std::string words(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& w : argv) out += (out.empty() ? "" : " ") + systemd_exec_word(w);
  return out;
}

/// "SIGTERM", "SIGRTMIN+2": names systemd reads; a number otherwise.
std::string signal_text(int sig) {
  std::string name = posix::signal_name(sig);
  if (name.size() > 3 && std::isdigit(static_cast<unsigned char>(name[3]))) return std::to_string(sig);
  return name;
}

void set_path(Section& s, std::string_view key, const std::string& prefix, const std::string& toml_key,
              const std::string& path) {
  if (auto value = systemd_path(path)) return s.set(key, prefix + *value);
  s.note(toml_key + " = '" + path + "': a unit file cannot hold this path; not carried over");
}

/// A name systemd reads otherwise as a unit's: "@x" is no unit name, "x@"
/// names a template.
std::string name_note(const std::string& name) {
  if (name.starts_with("@")) {
    return comment("the name starts with @, which systemd refuses in a unit's name: rename it");
  }
  if (name.ends_with("@")) return comment("the name ends with @: systemd reads " + name + ".service as a template");
  return "";
}

Section unit_section(const ServiceSpec& spec) {
  Section s("Unit");
  s.set("Description", "daemonctl service " + spec.name);
  if (!spec.after.empty()) {
    std::string after;
    for (const std::string& name : spec.after) after += (after.empty() ? "" : " ") + name + ".service";
    s.set("After", after);
    s.note("after: the order only, as in daemonctl; Wants= would also start them (start --with-deps)");
  }
  if (spec.restart.policy != config::RestartPolicy::no) {
    s.set("StartLimitIntervalSec", systemd_timespan(spec.restart.window));
    s.set("StartLimitBurst", std::to_string(spec.restart.limit + 1));
    s.note("[restart] limit = " + std::to_string(spec.restart.limit) + " restarts within window = " +
           shown(spec.restart.window) + ": systemd counts the first start too");
  }
  return s;
}

void type_lines(Section& s, const ServiceSpec& spec) {
  if (spec.type == config::ServiceType::forking) {
    s.set("Type", "forking");
    set_path(s, "PIDFile", "", "pidfile", spec.pidfile);
    if (spec.ready.notify) s.note("[ready] notify = true: systemd cannot wait for READY=1 with Type=forking");
    return;
  }
  if (spec.ready.notify) {
    s.set("Type", "notify");
    // daemonctl takes READY=1 from any process of the service (systemd-notify
    // run by a script), systemd by default from the main process only.
    s.set("NotifyAccess", "all");
  } else {
    s.set("Type", "exec");
  }
  if (!spec.pidfile.empty()) {
    s.note("pidfile = '" + spec.pidfile + "': systemd follows the main process itself and writes no pidfile");
  }
}

/// An Exec*= line running `argv` with the program `program` (absolute).
std::string exec_line(const std::vector<std::string>& argv, const std::string& program) {
  // `@`: argv[0] is the next word, not the path. A path with `$` needs it
  // too, as systemd would expand variables in an argv[0] copied from it.
  const bool own_argv0 = argv.front() != program || program.find('$') != std::string::npos;
  std::string line = own_argv0 ? "@" + systemd_exec_path(program) + " " + systemd_exec_word(argv.front())
                               : systemd_exec_path(program);
  for (std::size_t i = 1; i < argv.size(); ++i) line += " " + systemd_exec_word(argv[i]);
  return line;
}

void exec_lines(Section& s, const ServiceSpec& spec, const std::string& executable,
                const std::vector<std::string>& pre_programs) {
  for (std::size_t i = 0; i < spec.start.pre.size(); ++i) {
    const std::string& program = i < pre_programs.size() ? pre_programs[i] : spec.start.pre[i].front();
    s.set("ExecStartPre", exec_line(spec.start.pre[i], program));
  }
  if (!spec.start.pre.empty()) {
    s.note("[start] pre_timeout = " + shown(spec.start.pre_timeout) +
           " bounds each pre command in daemonctl; systemd's TimeoutStartSec= bounds them all with the start");
  }
  s.set("ExecStart", exec_line(spec.command, executable));
  std::string reload = signal_text(spec.reload_signal);
  if (reload.starts_with("SIG")) reload.erase(0, 3);
  s.set("ExecReload", "/bin/kill -s " + reload + " $MAINPID");
}

void process_lines(Section& s, const ServiceSpec& spec) {
  set_path(s, "WorkingDirectory", "", "directory", spec.directory);
  char umask[8];
  std::snprintf(umask, sizeof umask, "%04o", static_cast<unsigned>(spec.umask));
  s.set("UMask", umask);
  if (!spec.user.empty()) s.set("User", spec.user);
  if (!spec.group.empty()) s.set("Group", spec.group);
  if (spec.nice) s.set("Nice", std::to_string(*spec.nice));
  if (spec.oom_score_adj) s.set("OOMScoreAdjust", std::to_string(*spec.oom_score_adj));
  if (!spec.runtime_directory.empty()) {
    s.set("RuntimeDirectory", spec.runtime_directory);
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(spec.runtime_directory_mode));
    s.set("RuntimeDirectoryMode", mode);
  }
}

void limit_lines(Section& s, const ServiceSpec& spec) {
  for (config::Limit limit : spec.limits) {
    std::string name(config::limit_name(limit.resource));
    if (limit.resource == RLIMIT_NICE) {
      // systemd takes 0 to 40; the kernel reads anything above as 40.
      auto clamp = [](rlim_t v) { return v == RLIM_INFINITY ? v : std::min<rlim_t>(v, 40); };
      if (clamp(limit.soft) != limit.soft || clamp(limit.hard) != limit.hard) {
        s.note("[limits] nice = \"" + config::format_limit(limit) +
               "\": systemd takes at most 40, which acts the same");
      }
      limit.soft = clamp(limit.soft);
      limit.hard = clamp(limit.hard);
    }
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::toupper(c); });
    s.set("Limit" + name, config::format_limit(limit));
  }
}

/// The fixed base daemonctl gives (service/environment.h), as far as systemd
/// does not give the same: PATH differs between its versions; LANG comes
/// from the same locale files (C.UTF-8 if none sets it, since systemd 250);
/// HOME, USER, LOGNAME and SHELL come only with User=.
void base_environment_lines(Section& s, const ServiceSpec& spec) {
  if (spec.inherit_environment) {
    s.note("inherit_environment = true: daemonctl passes on the environment it runs in, systemd only a few "
           "variables of its own: add those the daemon needs");
    return;
  }
  if (!spec.environment.count("PATH")) s.set("Environment", systemd_env_assignment("PATH", service::kDefaultPath));
  if (spec.user.empty()) {
    s.note("no user: daemonctl sets HOME, USER, LOGNAME and SHELL of its own user, systemd only with User=");
  }
}

void environment_lines(Section& s, const ServiceSpec& spec) {
  base_environment_lines(s, spec);
  std::string passed;
  for (const std::string& name : spec.pass_environment) {
    if (systemd_env_name_ok(name)) passed += (passed.empty() ? "" : " ") + name;
    else s.note("pass_environment '" + name + "': systemd takes only letters, digits and _ in a name; not carried over");
  }
  // systemd passes them from its own environment, as daemonctl from its caller's.
  if (!passed.empty()) s.set("PassEnvironment", passed);
  for (const auto& [name, value] : spec.environment) {
    if (!systemd_env_name_ok(name)) {
      s.note("environment '" + name + "': systemd takes only letters, digits and _ in a name; not carried over");
    } else if (!systemd_env_value_ok(value)) {
      s.note("environment '" + name + "': systemd refuses control characters in a value; not carried over");
    } else {
      s.set("Environment", systemd_env_assignment(name, value));
    }
  }
}

void stdio_line(Section& s, std::string_view key, const std::string& toml_key, const std::string& path,
                const config::Rotation& rotation, bool input) {
  if (path == "/dev/null") s.set(key, "null");
  else set_path(s, key, input ? "file:" : "append:", toml_key, path);
  if (rotation.max_size == 0) return;
  s.note(toml_key + " max_size = " + std::to_string(rotation.max_size) + " bytes, keep = " +
         std::to_string(rotation.keep) + ": systemd does not rotate; use logrotate (copytruncate) or the journal");
}

void stdio_lines(Section& s, const ServiceSpec& spec) {
  stdio_line(s, "StandardInput", "stdin", spec.stdin_path, {}, true);
  stdio_line(s, "StandardOutput", "stdout", spec.stdout_path, spec.stdout_rotation, false);
  stdio_line(s, "StandardError", "stderr", spec.stderr_path, spec.stderr_rotation, false);
}

void ready_lines(Section& s, const ServiceSpec& spec) {
  s.set("TimeoutStartSec", systemd_timespan(spec.ready.timeout));
  const std::string none = ": daemonctl's start waits for it, systemd has no such check";
  if (spec.ready.tcp) s.note("[ready] tcp = \"" + spec.ready.tcp->to_string() + "\"" + none);
  if (!spec.ready.file.empty()) s.note("[ready] file = \"" + spec.ready.file + "\"" + none);
  if (!spec.ready.command.empty()) s.note("[ready] command = " + words(spec.ready.command) + none);
  if (spec.start.grace > Duration::zero()) {
    s.note("[start] grace = " + shown(spec.start.grace) +
           ": daemonctl's start fails if the daemon exits within it; systemd has no such check");
  }
}

/// systemd takes a kill by these signals for a clean exit (and restarts
/// `on-failure` after a kill by any other).
constexpr int kCleanSignals[] = {SIGHUP, SIGINT, SIGTERM, SIGPIPE};

void stop_lines(Section& s, const ServiceSpec& spec) {
  s.set("KillMode", spec.stop.group ? "control-group" : "process");
  if (spec.stop.group) {
    s.note("[stop] group = true: systemd signals every process of the service, even those that left its group");
  }
  s.set("KillSignal", signal_text(spec.stop.signal));
  // A daemon killed by its stop signal has stopped well, whatever the policy.
  if (std::find(std::begin(kCleanSignals), std::end(kCleanSignals), spec.stop.signal) == std::end(kCleanSignals)) {
    s.set("SuccessExitStatus", signal_text(spec.stop.signal));
  }
  s.set("TimeoutStopSec", systemd_timespan(spec.stop.timeout));
  if (spec.stop.interval > Duration::zero()) {
    s.note("[stop] interval = " + shown(spec.stop.interval) +
           ": daemonctl sends the stop signal again at this period, systemd once");
  }
}

void on_failure_lines(Section& s, const ServiceSpec& spec) {
  std::string force;
  for (int sig : kCleanSignals) {
    if (sig != spec.stop.signal) force += (force.empty() ? "" : " ") + signal_text(sig);
  }
  s.set("RestartForceExitStatus", force);
}

void backoff_lines(Section& s, const config::RestartSpec& r) {
  if (r.delay <= Duration::zero() || r.max_delay <= r.delay) return;
  int steps = 0;
  for (Duration d = r.delay; d < r.max_delay; d *= 2) ++steps;
  s.note("[restart] the delay doubles after each run shorter than window = " + shown(r.window) +
         ", up to max_delay = " + shown(r.max_delay) + ": systemd 252 waits RestartSec= each time;");
  s.note("systemd 254 and newer come close with:");
  s.note("RestartSteps=" + std::to_string(steps));
  s.note("RestartMaxDelaySec=" + systemd_timespan(r.max_delay));
}

void restart_lines(Section& s, const ServiceSpec& spec) {
  const config::RestartSpec& r = spec.restart;
  switch (r.policy) {
    case config::RestartPolicy::no:
      s.set("Restart", "no");
      if (spec.locations.count("restart")) s.note("[restart] delay, max_delay, limit, window: unused without a policy");
      return;
    case config::RestartPolicy::on_failure:
      s.set("Restart", "on-failure");
      on_failure_lines(s, spec);
      break;
    case config::RestartPolicy::always: s.set("Restart", "always"); break;
  }
  s.set("RestartSec", systemd_timespan(r.delay));
  backoff_lines(s, r);
}

Section service_section(const ServiceSpec& spec, const std::string& executable,
                        const std::vector<std::string>& pre_programs) {
  Section s("Service");
  type_lines(s, spec);
  exec_lines(s, spec, executable, pre_programs);
  process_lines(s, spec);
  limit_lines(s, spec);
  environment_lines(s, spec);
  stdio_lines(s, spec);
  ready_lines(s, spec);
  stop_lines(s, spec);
  restart_lines(s, spec);
  return s;
}

}  // namespace

std::string systemd_unit(const ServiceSpec& spec, const std::string& executable,
                         const std::vector<std::string>& pre_programs) {
  Section install("Install");
  install.set("WantedBy", "multi-user.target");
  return comment(spec.name + ".service, from " + spec.file + " by daemonctl export systemd") + name_note(spec.name) +
         unit_section(spec).text() + "\n" + service_section(spec, executable, pre_programs).text() + "\n" + install.text();
}

}  // namespace daemonctl::tools
