#include "state/monitor_plan.h"

#include <charconv>
#include <string_view>

namespace daemonctl::state {
namespace {

std::string policy_word(state::RestartPolicy p) {
  switch (p) {
    case state::RestartPolicy::always: return "always";
    case state::RestartPolicy::on_failure: return "on-failure";
    case state::RestartPolicy::no: break;
  }
  return "no";
}

template <class T>
bool number(std::string_view s, T& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

std::vector<std::string> encode(const MonitorPlan& p) {
  const posix::SpawnRequest& c = p.child;
  std::vector<std::string> args = {
      "--name=" + p.name,
      "--pidfile=" + p.pidfile,
      "--record=" + p.record,
      "--lock=" + p.lock,
      "--policy=" + policy_word(p.restart.policy),
      "--delay=" + std::to_string(p.restart.delay.count()),
      "--max-delay=" + std::to_string(p.restart.max_delay.count()),
      "--limit=" + std::to_string(p.restart.limit),
      "--window=" + std::to_string(p.restart.window.count()),
      "--stop-signal=" + std::to_string(p.stop_signal),
      "--executable=" + c.executable,
      "--directory=" + c.directory,
      "--umask=" + std::to_string(c.umask),
  };
  if (c.change_ids) {
    args.push_back("--uid=" + std::to_string(c.uid));
    args.push_back("--gid=" + std::to_string(c.gid));
    std::string groups;
    for (gid_t g : c.groups) groups += (groups.empty() ? "" : ",") + std::to_string(g);
    args.push_back("--groups=" + groups);
  }
  for (const auto& l : c.limits) {
    args.push_back("--rlimit=" + std::to_string(l.resource) + ":" + std::to_string(l.soft) + ":" +
                   std::to_string(l.hard) + ":" + l.name);
  }
  auto log = [](const LogPlan& l) { return std::to_string(l.max_size) + ":" + std::to_string(l.keep) + ":" + l.path; };
  if (!p.out.path.empty()) args.push_back("--out-log=" + log(p.out));
  if (p.err_is_out) args.push_back("--err-log=same");
  else if (!p.err.path.empty()) args.push_back("--err-log=" + log(p.err));
  if (p.log_to_out) args.push_back("--log-to=stdout");
  if (p.rotates()) {
    args.push_back("--log-mode=" + std::to_string(p.log_mode));
    if (p.log_chown) args.push_back("--log-owner=" + std::to_string(p.log_uid) + ":" + std::to_string(p.log_gid));
  }
  if (p.attach_pid != 0) {
    args.push_back("--attach=" + std::to_string(p.attach_pid) + ":" + std::to_string(p.attach_starttime));
  }
  if (c.nice) args.push_back("--nice=" + std::to_string(*c.nice));
  if (c.oom_score_adj) args.push_back("--oom-score-adj=" + std::to_string(*c.oom_score_adj));
  args.push_back("--");
  args.insert(args.end(), c.argv.begin(), c.argv.end());
  return args;
}

Result<MonitorPlan> decode(int argc, const char* const argv[]) {
  MonitorPlan p;
  posix::SpawnRequest& c = p.child;
  auto bad = [](const std::string& what) { return Error{ExitStatus::usage, "daemonctl-monitor: " + what}; };
  int i = 1;
  for (; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") break;
    auto eq = arg.find('=');
    if (!arg.starts_with("--") || eq == arg.npos) return bad("unexpected argument '" + std::string(arg) + "'");
    std::string_view key = arg.substr(2, eq - 2), value = arg.substr(eq + 1);
    bool ok = true;
    long long n = 0;
    if (key == "name") p.name = value;
    else if (key == "pidfile") p.pidfile = value;
    else if (key == "record") p.record = value;
    else if (key == "lock") p.lock = value;
    else if (key == "policy") {
      if (value == "always") p.restart.policy = state::RestartPolicy::always;
      else if (value == "on-failure") p.restart.policy = state::RestartPolicy::on_failure;
      else if (value == "no") p.restart.policy = state::RestartPolicy::no;
      else ok = false;
    } else if (key == "delay" && (ok = number(value, n))) p.restart.delay = std::chrono::nanoseconds(n);
    else if (key == "max-delay" && (ok = number(value, n))) p.restart.max_delay = std::chrono::nanoseconds(n);
    else if (key == "window" && (ok = number(value, n))) p.restart.window = std::chrono::nanoseconds(n);
    else if (key == "limit") ok = number(value, p.restart.limit);
    else if (key == "stop-signal") ok = number(value, p.stop_signal);
    else if (key == "executable") c.executable = value;
    else if (key == "directory") c.directory = value;
    else if (key == "umask") ok = number(value, c.umask);
    else if (key == "uid") ok = (c.change_ids = true, number(value, c.uid));
    else if (key == "gid") ok = number(value, c.gid);
    else if (key == "groups") {
      for (std::string_view rest = value; ok && !rest.empty();) {
        auto comma = rest.find(',');
        gid_t g = 0;
        ok = number(rest.substr(0, comma), g);
        c.groups.push_back(g);
        rest = comma == rest.npos ? std::string_view() : rest.substr(comma + 1);
      }
    } else if (key == "rlimit") {
      // RESOURCE:SOFT:HARD:NAME
      posix::ResourceLimit l;
      auto a = value.find(':'), b = value.find(':', a + 1), d = value.find(':', b + 1);
      ok = a != value.npos && b != value.npos && d != value.npos && number(value.substr(0, a), l.resource) &&
           number(value.substr(a + 1, b - a - 1), l.soft) && number(value.substr(b + 1, d - b - 1), l.hard);
      l.name = value.substr(d + 1 < value.size() ? d + 1 : value.size());
      c.limits.push_back(l);
    } else if (key == "out-log" || key == "err-log") {
      if (key == "err-log" && value == "same") {
        p.err_is_out = true;
        continue;
      }
      LogPlan& l = key == "out-log" ? p.out : p.err;
      auto a = value.find(':'), b = value.find(':', a + 1);
      ok = a != value.npos && b != value.npos && number(value.substr(0, a), l.max_size) &&
           number(value.substr(a + 1, b - a - 1), l.keep) && b + 1 < value.size();
      if (ok) l.path = value.substr(b + 1);
    } else if (key == "log-to") {
      ok = value == "stdout";
      p.log_to_out = ok;
    } else if (key == "log-mode") ok = number(value, p.log_mode);
    else if (key == "log-owner") {
      auto colon = value.find(':');
      ok = colon != value.npos && number(value.substr(0, colon), p.log_uid) && number(value.substr(colon + 1), p.log_gid);
      p.log_chown = ok;
    } else if (key == "attach") {
      auto colon = value.find(':');
      ok = colon != value.npos && number(value.substr(0, colon), p.attach_pid) &&
           number(value.substr(colon + 1), p.attach_starttime) && p.attach_pid > 1;
    } else if (key == "nice" && (ok = number(value, n))) c.nice = static_cast<int>(n);
    else if (key == "oom-score-adj" && (ok = number(value, n))) c.oom_score_adj = static_cast<int>(n);
    else return bad("unknown option '--" + std::string(key) + "'");
    if (!ok) return bad("invalid value for --" + std::string(key) + ": '" + std::string(value) + "'");
  }
  for (++i; i < argc; ++i) c.argv.emplace_back(argv[i]);
  if (p.name.empty() || p.pidfile.empty() || p.record.empty() || p.lock.empty() || c.executable.empty() ||
      c.argv.empty() || (p.restart.policy == state::RestartPolicy::no && !p.rotates())) {
    return bad("incomplete plan: run by 'daemonctl start', not by hand");
  }
  if (c.directory.empty()) c.directory = "/";
  return p;
}

}  // namespace daemonctl::state
