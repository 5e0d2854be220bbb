// Service files: TOML in, a validated ServiceSpec or every problem out.
// toml11 throws; nothing thrown here leaves this file.
#include "config/load.h"

#include <algorithm>
#include <map>
#include <optional>
#include <sstream>
#include <toml.hpp>

#include "config/duration.h"
#include "config/limits.h"
#include "config/paths.h"
#include "config/read_command.h"
#include "config/read_context.h"
#include "config/read_log.h"
#include "config/read_names.h"
#include "config/read_value.h"
#include "config/suggest.h"
#include "config/text_check.h"
#include "config/text_file.h"
#include "config/toml_error.h"
#include "config/wording.h"

namespace daemonctl::config {
namespace {

// ---------------------------------------------------------------- tables

/// One key a table may hold, and how to read it into a Spec.
template <class Spec>
struct Field {
  std::string_view key;
  void (*read)(ReadContext&, const Value&, const std::string& qualified_key, Spec&);
};

/// A Field::read that stores what `Reader` returns, if anything, in `Member`.
template <auto Member, auto Reader, class Spec>
void store(ReadContext& c, const Value& v, const std::string& k, Spec& s) {
  if (auto value = Reader(c, v, k)) s.*Member = std::move(*value);
}

const Field<StartSpec> kStartFields[] = {
    {"grace", store<&StartSpec::grace, read_duration>},
};

const Field<StopSpec> kStopFields[] = {
    {"signal", store<&StopSpec::signal, read_signal>},
    {"interval", store<&StopSpec::interval, read_duration>},
    {"timeout", store<&StopSpec::timeout, read_positive_duration>},
    {"group", store<&StopSpec::group, read_bool>},
};

const Field<ReadySpec> kReadyFields[] = {
    {"notify", store<&ReadySpec::notify, read_bool>},
    {"tcp", store<&ReadySpec::tcp, read_endpoint>},
    {"file", store<&ReadySpec::file, read_path>},
    {"command", store<&ReadySpec::command, read_command>},
    {"timeout", store<&ReadySpec::timeout, read_positive_duration>},
};

const Field<RestartSpec> kRestartFields[] = {
    {"policy", store<&RestartSpec::policy, read_policy>},
    {"delay", store<&RestartSpec::delay, read_duration>},
    {"max_delay", store<&RestartSpec::max_delay, read_duration>},
    {"limit", store<&RestartSpec::limit, read_int<1, 1000000>>},
    {"window", store<&RestartSpec::window, read_positive_duration>},
};

/// A table of the service file ([start], [stop]...) read into `Member` by `Fields`.
template <auto Member, const auto& Fields>
void read_section(ReadContext& c, const Value& v, const std::string& k, ServiceSpec& s);
void read_restart(ReadContext& c, const Value& v, const std::string& k, ServiceSpec& s);
void read_limits(ReadContext& c, const Value& v, const std::string& k, ServiceSpec& s);

const Field<ServiceSpec> kServiceFields[] = {
    {"name", store<&ServiceSpec::name, read_name>},
    {"command", store<&ServiceSpec::command, read_command>},
    {"pidfile", store<&ServiceSpec::pidfile, read_path>},
    {"directory", store<&ServiceSpec::directory, read_path>},
    {"umask", store<&ServiceSpec::umask, read_umask>},
    {"user", store<&ServiceSpec::user, read_account>},
    {"group", store<&ServiceSpec::group, read_account>},
    {"stdin", store<&ServiceSpec::stdin_path, read_path>},
    {"stdout", [](ReadContext& c, const Value& v, const std::string& k, ServiceSpec& s) {
       read_log(c, v, k, s.stdout_path, s.stdout_rotation);
     }},
    {"stderr", [](ReadContext& c, const Value& v, const std::string& k, ServiceSpec& s) {
       read_log(c, v, k, s.stderr_path, s.stderr_rotation);
     }},
    {"environment", store<&ServiceSpec::environment, read_environment>},
    {"clear_environment", store<&ServiceSpec::clear_environment, read_bool>},
    {"after", store<&ServiceSpec::after, read_after>},
    {"reload_signal", store<&ServiceSpec::reload_signal, read_signal>},
    {"nice", store<&ServiceSpec::nice, read_int<-20, 19>>},
    {"oom_score_adj", store<&ServiceSpec::oom_score_adj, read_int<-1000, 1000>>},
    {"limits", read_limits},
    {"type", store<&ServiceSpec::type, read_type>},
    {"start", read_section<&ServiceSpec::start, kStartFields>},
    {"stop", read_section<&ServiceSpec::stop, kStopFields>},
    {"ready", read_section<&ServiceSpec::ready, kReadyFields>},
    {"restart", read_restart},
};

/// Every key a service file may hold, nested ones as "stop.signal".
std::vector<std::string> all_keys() {
  std::vector<std::string> keys;
  for (const auto& f : kServiceFields) keys.emplace_back(f.key);
  for (const auto& f : kStartFields) keys.push_back("start." + std::string(f.key));
  for (const auto& f : kStopFields) keys.push_back("stop." + std::string(f.key));
  for (const auto& f : kReadyFields) keys.push_back("ready." + std::string(f.key));
  for (const auto& f : kRestartFields) keys.push_back("restart." + std::string(f.key));
  for (const auto& name : limit_names()) keys.push_back("limits." + name);
  return keys;
}

std::string qualify(std::string_view table, std::string_view key) {
  return table.empty() ? std::string(key) : std::string(table) + "." + std::string(key);
}

/// The known key that the unknown `key` (in `table`, "" for the top level)
/// is probably a typo of: first in the same table, else in another one, since
/// a key written below the wrong [header] is a common slip.
std::optional<std::string> suggest_key(std::string_view table, std::string_view key) {
  for (bool same_table : {true, false}) {
    std::vector<std::string> bare, qualified;
    for (const auto& q : all_keys()) {
      std::size_t dot = q.find('.');
      std::string_view q_table = dot == q.npos ? std::string_view() : std::string_view(q).substr(0, dot);
      if ((q_table == table) != same_table) continue;
      bare.push_back(dot == q.npos ? q : q.substr(dot + 1));
      qualified.push_back(q);
    }
    if (auto match = closest(key, bare)) {
      return qualified[std::find(bare.begin(), bare.end(), *match) - bare.begin()];
    }
  }
  return std::nullopt;
}

template <class Spec, std::size_t N>
void read_table(ReadContext& c, const Value& table, std::string_view prefix, const Field<Spec> (&fields)[N], Spec& spec) {
  for (const auto& [key, value] : table.as_table()) {
    // A plain reference for the lambda: clang 14 cannot capture a structured binding.
    const std::string& name = key;
    auto field = std::find_if(std::begin(fields), std::end(fields), [&](const auto& f) { return f.key == name; });
    if (field != std::end(fields)) {
      field->read(c, value, qualify(prefix, key), spec);
      continue;
    }
    std::string message = "unknown key " + quote(qualify(prefix, key));
    if (auto suggestion = suggest_key(prefix, key)) message += ", did you mean " + quote(*suggestion) + "?";
    c.error(value, message);
  }
}

template <auto Member, const auto& Fields>
void read_section(ReadContext& c, const Value& v, const std::string& k, ServiceSpec& s) {
  if (!v.is_table()) return c.error(v, quote(k) + " must be a table");
  read_table(c, v, k, Fields, s.*Member);
}

void read_restart(ReadContext& c, const Value& v, const std::string& k, ServiceSpec& s) {
  read_section<&ServiceSpec::restart, kRestartFields>(c, v, k, s);
  if (s.restart.max_delay < s.restart.delay) {
    c.error(v, "'restart.max_delay' (" + format_duration(s.restart.max_delay) + ") is below 'restart.delay' (" +
                   format_duration(s.restart.delay) + ")");
  }
}

/// [limits]: a table of limit names; each a number, "infinity" or "SOFT:HARD".
void read_limits(ReadContext& c, const Value& v, const std::string& k, ServiceSpec& s) {
  if (!v.is_table()) return c.error(v, quote(k) + " must be a table");
  for (const auto& [key, value] : v.as_table()) {
    std::string qualified = qualify(k, key);
    auto resource = limit_resource(key);
    if (!resource) {
      std::string message = "unknown limit " + quote(qualified);
      if (auto suggestion = suggest_key(k, key)) message += ", did you mean " + quote(*suggestion) + "?";
      c.error(value, message);
      continue;
    }
    std::string text;
    if (value.is_integer() && value.as_integer() >= 0) text = std::to_string(value.as_integer());
    else if (value.is_string()) text = value.as_string().str;
    else {
      c.error(value, quote(qualified) + " must be a number of at least 0, \"infinity\" or \"SOFT:HARD\"");
      continue;
    }
    std::string why;
    if (auto limit = parse_limit(text, *resource, &why)) s.limits.push_back(*limit);
    else c.error(value, "invalid " + quote(qualified) + ": " + why);
  }
}

/// The checks that need the whole file: required keys and defaults.
void complete(ReadContext& c, const Value& root, ServiceSpec& spec) {
  const auto& table = root.as_table();
  if (!table.count("command")) c.file_error("missing required key 'command'");
  bool rotated = spec.stdout_rotation.max_size != 0 || spec.stderr_rotation.max_size != 0;
  if (spec.stdout_path == spec.stderr_path && table.count("stdout") && table.count("stderr") &&
      (spec.stdout_rotation.max_size != spec.stderr_rotation.max_size ||
       spec.stdout_rotation.keep != spec.stderr_rotation.keep)) {
    c.error(table.at("stderr"), "'stderr' names the file of 'stdout' with other rotation settings: give them once, "
                                "as the same table in both");
  }
  if (spec.type == ServiceType::forking && rotated) {
    c.error(table.at("type"), "type \"forking\" writes its own output: 'stdout' and 'stderr' cannot be rotated");
  }
  if (spec.type == ServiceType::forking && spec.restart.policy != RestartPolicy::no) {
    c.error(table.at("type"), "type \"forking\" cannot be restarted by a monitor (yet): remove 'restart.policy'");
  }
  if (spec.type == ServiceType::forking && !table.count("pidfile")) {
    c.error(table.at("type"), "type \"forking\" needs 'pidfile': the file the program writes its pid to");
  }
  if (table.count("name")) return;
  std::string_view stem = file_name(c.file());
  if (stem.ends_with(".toml")) stem.remove_suffix(5);
  if (std::string problem = name_problem(stem); problem.empty()) spec.name = stem;
  else c.file_error("invalid name " + quote(stem) + " (from the file name): " + problem);
}

std::variant<ServiceSpec, std::vector<Diagnostic>> check(const Value& root, const std::string& path,
                                                         const std::string& base_dir) {
  ReadContext c(path, base_dir);
  ServiceSpec spec;
  spec.file = normalize_path(base_dir + "/" + std::string(file_name(path)));
  read_table(c, root, "", kServiceFields, spec);
  complete(c, root, spec);
  if (c.failed()) return std::move(c).sorted_diagnostics();
  for (const auto& [key, value] : root.as_table()) {
    auto loc = value.location();
    spec.locations[key] = Location{static_cast<unsigned>(loc.line()), static_cast<unsigned>(loc.column())};
  }
  for (const std::string& dep : spec.after) {
    if (dep == spec.name) {
      Diagnostic self{path, spec.locations["after"].line, spec.locations["after"].column,
                      "'after' names the service itself (" + quote(dep) + ")"};
      return std::vector{std::move(self)};
    }
  }
  return spec;
}

}  // namespace

std::variant<ServiceSpec, std::vector<Diagnostic>> parse_service(std::string_view text, const std::string& path,
                                                                 const std::string& base_dir) {
  // Before toml11: it misreads bad bytes, recurses once per level of nesting
  // and is slow on long lines of many values.
  if (auto bad = check_characters(text, path)) return std::vector{std::move(*bad)};
  if (auto bad = check_structure(text, path)) return std::vector{std::move(*bad)};
  try {
    std::istringstream in{std::string(text)};
    auto root = toml::parse<toml::discard_comments, std::map, std::vector>(in, path);
    return check(root, path, base_dir);
  } catch (const toml::exception& e) {
    return std::vector{toml_diagnostic(path, e)};
  } catch (const std::exception& e) {
    return std::vector{Diagnostic{path, 0, 0, toml_message(e.what())}};
  } catch (...) {
    return std::vector{Diagnostic{path, 0, 0, "cannot parse the file"}};
  }
}

Result<ServiceSpec> load_service(const std::string& path) {
  auto text = read_text_file(path);
  if (!text) return std::move(text).error();
  auto file = absolute_path(path);
  if (!file) return std::move(file).error();
  auto parsed = parse_service(*text, path, parent_dir(*file));
  if (auto* spec = std::get_if<ServiceSpec>(&parsed)) return std::move(*spec);

  Error e{ExitStatus::config, ""};
  e.diagnostics = std::get<std::vector<Diagnostic>>(std::move(parsed));
  for (const auto& d : e.diagnostics) {
    if (!e.message.empty()) e.message += '\n';
    e.message += d.to_string();
  }
  return e;
}

}  // namespace daemonctl::config
