#include "config/schema.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "config/duration.h"
#include "config/keys.h"
#include "config/limits.h"
#include "config/read_command.h"
#include "config/read_limits.h"
#include "config/read_log.h"
#include "config/read_names.h"
#include "config/read_value.h"
#include "config/walk.h"

namespace daemonctl::config {
namespace {

/// A KeyReader that stores what `Reader` returns, if anything, in `Member`.
template <auto Member, auto Reader>
void set(ReadContext& c, const Value& v, const std::string& key, ServiceSpec& spec) {
  if (auto value = Reader(c, v, key)) spec.*Member = std::move(*value);
}

/// set() for the `Member` of the table `Table` ([stop] signal...).
template <auto Table, auto Member, auto Reader>
void set_in(ReadContext& c, const Value& v, const std::string& key, ServiceSpec& spec) {
  if (auto value = Reader(c, v, key)) (spec.*Table).*Member = std::move(*value);
}

template <auto Path, auto Rotation>
void set_log(ReadContext& c, const Value& v, const std::string& key, ServiceSpec& spec) {
  read_log(c, v, key, spec.*Path, spec.*Rotation);
}

void read_restart(ReadContext& c, const Value& v, const std::string& key, ServiceSpec& spec) {
  read_section(c, v, key, spec);
  if (spec.restart.max_delay < spec.restart.delay) {
    c.error(v, "'restart.max_delay' (" + format_duration(spec.restart.max_delay) + ") is below 'restart.delay' (" +
                   format_duration(spec.restart.delay) + ")");
  }
}

using S = ServiceSpec;

// Suggestions for typos take the first close match in this order.
const Key kKeys[] = {
    {"name", set<&S::name, read_name>},
    {"command", set<&S::command, read_command>},
    {"pidfile", set<&S::pidfile, read_path>},
    {"directory", set<&S::directory, read_path>},
    {"runtime_directory", set<&S::runtime_directory, read_folder_name>},
    {"runtime_directory_mode", set<&S::runtime_directory_mode, read_mode>},
    {"umask", set<&S::umask, read_umask>},
    {"user", set<&S::user, read_account>},
    {"group", set<&S::group, read_account>},
    {"stdin", set<&S::stdin_path, read_path>},
    {"stdout", set_log<&S::stdout_path, &S::stdout_rotation>},
    {"stderr", set_log<&S::stderr_path, &S::stderr_rotation>},
    {"environment", set<&S::environment, read_environment>},
    {"pass_environment", set<&S::pass_environment, read_pass_environment>},
    {"inherit_environment", set<&S::inherit_environment, read_bool>},
    {"clear_environment", read_clear_environment},  // the old name of the default
    {"after", set<&S::after, read_after>},
    {"reload_signal", set<&S::reload_signal, read_signal>},
    {"nice", set<&S::nice, read_int<-20, 19>>},
    {"oom_score_adj", set<&S::oom_score_adj, read_int<-1000, 1000>>},
    {"limits", set<&S::limits, read_limits>},
    {"type", set<&S::type, read_type>},
    {"start", read_section},
    {"stop", read_section},
    {"ready", read_section},
    {"restart", read_restart},  // and max_delay >= delay

    {"start.grace", set_in<&S::start, &StartSpec::grace, read_duration>},
    {"start.pre", set_in<&S::start, &StartSpec::pre, read_commands>},
    {"start.pre_timeout", set_in<&S::start, &StartSpec::pre_timeout, read_positive_duration>},

    {"stop.signal", set_in<&S::stop, &StopSpec::signal, read_signal>},
    {"stop.interval", set_in<&S::stop, &StopSpec::interval, read_duration>},
    {"stop.timeout", set_in<&S::stop, &StopSpec::timeout, read_positive_duration>},
    {"stop.group", set_in<&S::stop, &StopSpec::group, read_bool>},

    {"ready.notify", set_in<&S::ready, &ReadySpec::notify, read_bool>},
    {"ready.tcp", set_in<&S::ready, &ReadySpec::tcp, read_endpoint>},
    {"ready.file", set_in<&S::ready, &ReadySpec::file, read_path>},
    {"ready.command", set_in<&S::ready, &ReadySpec::command, read_command>},
    {"ready.timeout", set_in<&S::ready, &ReadySpec::timeout, read_positive_duration>},

    {"restart.policy", set_in<&S::restart, &RestartSpec::policy, read_policy>},
    {"restart.delay", set_in<&S::restart, &RestartSpec::delay, read_duration>},
    {"restart.max_delay", set_in<&S::restart, &RestartSpec::max_delay, read_duration>},
    {"restart.limit", set_in<&S::restart, &RestartSpec::limit, read_int<1, 1000000>>},
    {"restart.window", set_in<&S::restart, &RestartSpec::window, read_positive_duration>},
};

}  // namespace

std::string key_path(std::string_view table, std::string_view name) {
  return table.empty() ? std::string(name) : std::string(table) + "." + std::string(name);
}

const Key* find_key(std::string_view table, std::string_view name) {
  if (name.find('.') != std::string_view::npos) return nullptr;
  const std::string path = key_path(table, name);
  auto found = std::find_if(std::begin(kKeys), std::end(kKeys), [&](const Key& k) { return k.path == path; });
  return found == std::end(kKeys) ? nullptr : found;
}

std::vector<std::string> schema_keys() {
  std::vector<std::string> keys;
  for (const Key& k : kKeys) keys.emplace_back(k.path);
  for (const std::string& name : limit_names()) keys.push_back("limits." + name);
  return keys;
}

std::vector<std::string> service_file_keys() {
  std::vector<std::string> keys = schema_keys();
  for (std::string_view log : {"stdout", "stderr"}) {
    for (std::string_view key : kLogKeys) keys.push_back(key_path(log, key));
  }
  return keys;
}

}  // namespace daemonctl::config
