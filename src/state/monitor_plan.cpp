#include "state/monitor_plan.h"

#include <algorithm>
#include <charconv>
#include <iterator>
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

namespace {

Error bad(const std::string& what) { return Error{ExitStatus::usage, "daemonctl-monitor: " + what}; }

bool text(std::string& field, std::string_view value) {
  field = value;
  return true;
}

bool nanoseconds(std::chrono::nanoseconds& field, std::string_view value) {
  long long n = 0;
  if (!number(value, n)) return false;
  field = std::chrono::nanoseconds(n);
  return true;
}

bool optional_int(std::optional<int>& field, std::string_view value) {
  long long n = 0;
  if (!number(value, n)) return false;
  field = static_cast<int>(n);
  return true;
}

bool policy(RestartPolicy& field, std::string_view value) {
  if (value == "always") field = RestartPolicy::always;
  else if (value == "on-failure") field = RestartPolicy::on_failure;
  else if (value == "no") field = RestartPolicy::no;
  else return false;
  return true;
}

// "34,100"
bool groups(std::vector<gid_t>& field, std::string_view value) {
  bool ok = true;
  for (std::string_view rest = value; ok && !rest.empty();) {
    auto comma = rest.find(',');
    gid_t g = 0;
    ok = number(rest.substr(0, comma), g);
    field.push_back(g);
    rest = comma == rest.npos ? std::string_view() : rest.substr(comma + 1);
  }
  return ok;
}

// RESOURCE:SOFT:HARD:NAME
bool rlimit(std::vector<posix::ResourceLimit>& field, std::string_view value) {
  posix::ResourceLimit l;
  auto a = value.find(':'), b = value.find(':', a + 1), d = value.find(':', b + 1);
  bool ok = a != value.npos && b != value.npos && d != value.npos && number(value.substr(0, a), l.resource) &&
            number(value.substr(a + 1, b - a - 1), l.soft) && number(value.substr(b + 1, d - b - 1), l.hard);
  l.name = value.substr(d + 1 < value.size() ? d + 1 : value.size());
  field.push_back(l);
  return ok;
}

// MAX_SIZE:KEEP:PATH
bool log_plan(LogPlan& field, std::string_view value) {
  auto a = value.find(':'), b = value.find(':', a + 1);
  bool ok = a != value.npos && b != value.npos && number(value.substr(0, a), field.max_size) &&
            number(value.substr(a + 1, b - a - 1), field.keep) && b + 1 < value.size();
  if (ok) field.path = value.substr(b + 1);
  return ok;
}

// A:B, two numbers.
template <class A, class B>
bool pair(A& a, B& b, std::string_view value) {
  auto colon = value.find(':');
  return colon != value.npos && number(value.substr(0, colon), a) && number(value.substr(colon + 1), b);
}

// Each option of encode(): "--KEY=VALUE" sets what KEY names from VALUE, or
// returns false for a VALUE it cannot take.
struct Option {
  std::string_view key;
  bool (*set)(MonitorPlan& p, std::string_view value);
};

using V = std::string_view;
constexpr Option kOptions[] = {
    {"name", [](MonitorPlan& p, V v) { return text(p.name, v); }},
    {"pidfile", [](MonitorPlan& p, V v) { return text(p.pidfile, v); }},
    {"record", [](MonitorPlan& p, V v) { return text(p.record, v); }},
    {"lock", [](MonitorPlan& p, V v) { return text(p.lock, v); }},
    {"policy", [](MonitorPlan& p, V v) { return policy(p.restart.policy, v); }},
    {"delay", [](MonitorPlan& p, V v) { return nanoseconds(p.restart.delay, v); }},
    {"max-delay", [](MonitorPlan& p, V v) { return nanoseconds(p.restart.max_delay, v); }},
    {"window", [](MonitorPlan& p, V v) { return nanoseconds(p.restart.window, v); }},
    {"limit", [](MonitorPlan& p, V v) { return number(v, p.restart.limit); }},
    {"stop-signal", [](MonitorPlan& p, V v) { return number(v, p.stop_signal); }},
    {"executable", [](MonitorPlan& p, V v) { return text(p.child.executable, v); }},
    {"directory", [](MonitorPlan& p, V v) { return text(p.child.directory, v); }},
    {"umask", [](MonitorPlan& p, V v) { return number(v, p.child.umask); }},
    {"uid", [](MonitorPlan& p, V v) { return p.child.change_ids = true, number(v, p.child.uid); }},
    {"gid", [](MonitorPlan& p, V v) { return number(v, p.child.gid); }},
    {"groups", [](MonitorPlan& p, V v) { return groups(p.child.groups, v); }},
    {"rlimit", [](MonitorPlan& p, V v) { return rlimit(p.child.limits, v); }},
    {"nice", [](MonitorPlan& p, V v) { return optional_int(p.child.nice, v); }},
    {"oom-score-adj", [](MonitorPlan& p, V v) { return optional_int(p.child.oom_score_adj, v); }},
    {"out-log", [](MonitorPlan& p, V v) { return log_plan(p.out, v); }},
    {"err-log", [](MonitorPlan& p, V v) { return v == "same" ? (p.err_is_out = true) : log_plan(p.err, v); }},
    {"log-to", [](MonitorPlan& p, V v) { return p.log_to_out = v == "stdout"; }},
    {"log-mode", [](MonitorPlan& p, V v) { return number(v, p.log_mode); }},
    {"log-owner", [](MonitorPlan& p, V v) { return p.log_chown = pair(p.log_uid, p.log_gid, v); }},
    {"attach", [](MonitorPlan& p, V v) { return pair(p.attach_pid, p.attach_starttime, v) && p.attach_pid > 1; }},
};

// One "--KEY=VALUE" of the command line, applied to `p`.
Status apply(MonitorPlan& p, std::string_view arg) {
  auto eq = arg.find('=');
  if (!arg.starts_with("--") || eq == arg.npos) return bad("unexpected argument '" + std::string(arg) + "'");
  std::string_view key = arg.substr(2, eq - 2), value = arg.substr(eq + 1);
  auto named = [key](const Option& o) { return o.key == key; };
  const Option* option = std::find_if(std::begin(kOptions), std::end(kOptions), named);
  if (option == std::end(kOptions)) return bad("unknown option '--" + std::string(key) + "'");
  if (!option->set(p, value)) return bad("invalid value for --" + std::string(key) + ": '" + std::string(value) + "'");
  return {};
}

// Does `p` hold what every monitor needs (all of it, when daemonctl wrote it)?
bool complete(const MonitorPlan& p) {
  return !p.name.empty() && !p.pidfile.empty() && !p.record.empty() && !p.lock.empty() &&
         !p.child.executable.empty() && !p.child.argv.empty() &&
         (p.restart.policy != RestartPolicy::no || p.rotates());
}

}  // namespace

Result<MonitorPlan> decode(int argc, const char* const argv[]) {
  MonitorPlan p;
  int i = 1;
  for (; i < argc && std::string_view(argv[i]) != "--"; ++i) {
    if (Status applied = apply(p, argv[i]); !applied) return std::move(applied).error();
  }
  for (++i; i < argc; ++i) p.child.argv.emplace_back(argv[i]);
  if (!complete(p)) return bad("incomplete plan: run by 'daemonctl start', not by hand");
  if (p.child.directory.empty()) p.child.directory = "/";
  return p;
}

}  // namespace daemonctl::state
