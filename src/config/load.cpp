// Service files: TOML in, a validated ServiceSpec or every problem out.
// toml11 throws; nothing thrown here leaves this file.
#include "config/load.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <sstream>
#include <tuple>
#include <toml.hpp>

#include "config/duration.h"
#include "config/endpoint.h"
#include "config/limits.h"
#include "config/paths.h"
#include "config/read_context.h"
#include "config/signal_name.h"
#include "config/suggest.h"
#include "config/text_check.h"
#include "config/text_file.h"
#include "config/toml_error.h"
#include "config/words.h"
#include "config/wording.h"

namespace daemonctl::config {
namespace {

// ---------------------------------------------------------------- values

std::optional<std::string> read_string(ReadContext& c, const Value& v, const std::string& key) {
  if (!v.is_string()) {
    c.error(v, quote(key) + " must be a string");
    return std::nullopt;
  }
  const std::string& s = v.as_string().str;
  if (s.find('\0') != std::string::npos) {
    c.error(v, quote(key) + " must not contain a NUL character");
    return std::nullopt;
  }
  return s;
}

std::optional<bool> read_bool(ReadContext& c, const Value& v, const std::string& key) {
  if (v.is_boolean()) return v.as_boolean();
  c.error(v, quote(key) + " must be a boolean");
  return std::nullopt;
}

/// A non-empty path, made absolute against the file's folder.
std::optional<std::string> read_path(ReadContext& c, const Value& v, const std::string& key) {
  auto s = read_string(c, v, key);
  if (!s) return std::nullopt;
  if (s->empty()) {
    c.error(v, quote(key) + " must not be empty");
    return std::nullopt;
  }
  return resolve_path(c.base_dir(), *s);
}

std::optional<Duration> read_duration(ReadContext& c, const Value& v, const std::string& key) {
  std::variant<Duration, std::string> d;
  std::string shown;
  if (v.is_string()) {
    shown = quote(v.as_string().str);
    d = parse_duration_checked(v.as_string().str);
  } else if (v.is_integer()) {
    shown = std::to_string(v.as_integer());
    d = duration_from_seconds_checked(static_cast<double>(v.as_integer()));
  } else if (v.is_floating()) {
    shown = number_text(v.as_floating());
    d = duration_from_seconds_checked(v.as_floating());
  } else {
    c.error(v, quote(key) + " must be a duration: a number of seconds or a string like \"1.5s\" or \"250ms\"");
    return std::nullopt;
  }
  if (auto* why = std::get_if<std::string>(&d)) {
    c.error(v, "invalid duration " + shown + ": " + *why);
    return std::nullopt;
  }
  return std::get<Duration>(d);
}

std::optional<int> read_signal(ReadContext& c, const Value& v, const std::string& key) {
  std::string text;
  if (v.is_integer()) text = std::to_string(v.as_integer());
  else if (v.is_string()) text = v.as_string().str;
  else {
    c.error(v, quote(key) + " must be a signal name or number");
    return std::nullopt;
  }
  auto sig = parse_signal(text);
  if (!sig) c.error(v, "unknown signal " + (v.is_integer() ? text : quote(text)));
  return sig;
}

/// An integer from `low` to `high`.
std::optional<int> read_int_in(ReadContext& c, const Value& v, const std::string& key, int low, int high) {
  if (!v.is_integer() || v.as_integer() < low || v.as_integer() > high) {
    c.error(v, quote(key) + " must be an integer from " + std::to_string(low) + " to " + std::to_string(high));
    return std::nullopt;
  }
  return static_cast<int>(v.as_integer());
}

std::optional<int> read_nice(ReadContext& c, const Value& v, const std::string& key) {
  return read_int_in(c, v, key, -20, 19);
}

std::optional<int> read_oom_score_adj(ReadContext& c, const Value& v, const std::string& key) {
  return read_int_in(c, v, key, -1000, 1000);
}

/// "022", "0022", "22", "0o022" -> 022; nullopt unless octal and at most 0777.
std::optional<mode_t> parse_octal_umask(std::string_view text) {
  if (text.starts_with("0o")) text.remove_prefix(2);
  if (text.empty()) return std::nullopt;
  mode_t mask = 0;
  for (char ch : text) {
    if (ch < '0' || ch > '7') return std::nullopt;
    mask = mask * 8 + static_cast<mode_t>(ch - '0');
    if (mask > 0777) return std::nullopt;
  }
  return mask;
}

std::optional<mode_t> read_umask(ReadContext& c, const Value& v, const std::string& key) {
  if (v.is_integer()) {
    auto n = v.as_integer();
    if (n >= 0 && n <= 0777) return static_cast<mode_t>(n);
    c.error(v, "invalid umask " + std::to_string(n) + ": must be between 0 and 0o777 (511)");
  } else if (v.is_string()) {
    if (auto mask = parse_octal_umask(v.as_string().str)) return mask;
    c.error(v, "invalid umask " + quote(v.as_string().str) + ": use octal digits, at most 0777");
  } else {
    c.error(v, quote(key) + " must be an integer or a string of octal digits");
  }
  return std::nullopt;
}

std::optional<std::vector<std::string>> command_words(ReadContext& c, const Value& v, const std::string& key) {
  const std::string type = quote(key) + " must be an array of strings or a string";
  if (v.is_string()) {
    if (v.as_string().str.find('\0') != std::string::npos) {
      c.error(v, quote(key) + " must not contain a NUL character");
      return std::nullopt;
    }
    auto words = split_words(v.as_string().str);
    if (auto* why = std::get_if<std::string>(&words)) {
      c.error(v, "invalid " + (key == "command" ? std::string("command") : quote(key)) + ": " + *why);
      return std::nullopt;
    }
    return std::get<std::vector<std::string>>(std::move(words));
  }
  if (!v.is_array()) {
    c.error(v, type);
    return std::nullopt;
  }
  std::vector<std::string> argv;
  bool ok = true;
  for (const Value& item : v.as_array()) {
    if (!item.is_string()) {
      c.error(item, type);
      ok = false;
    } else if (auto word = read_string(c, item, key)) {
      argv.push_back(*word);
    } else {
      ok = false;
    }
  }
  return ok ? std::optional(std::move(argv)) : std::nullopt;
}

/// An argv: `command`, or `ready.command`.
std::optional<std::vector<std::string>> read_command(ReadContext& c, const Value& v, const std::string& key) {
  auto argv = command_words(c, v, key);
  if (!argv) return std::nullopt;
  if (argv->empty()) {
    c.error(v, quote(key) + " must not be empty");
    return std::nullopt;
  }
  std::string& program = argv->front();
  if (program.empty()) {
    c.error(v.is_array() ? v.as_array().front() : v, quote(key + "[0]") + " must not be empty");
    return std::nullopt;
  }
  // A bare name is looked up in PATH at start; only a path is relative to the file.
  if (program.find('/') != std::string::npos) program = resolve_path(c.base_dir(), program);
  return argv;
}

bool valid_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '@' || ch == '-';
  });
}

// Names become file names like "<name>.record.tmp", which NAME_MAX (255) bounds.
constexpr std::size_t kMaxNameLength = 128;

/// Why `name` cannot name a service, as the end of a message; "" if it can.
std::string name_problem(std::string_view name) {
  if (!valid_name(name)) return "use only letters, digits and . _ @ -";
  if (name.size() > kMaxNameLength) return "longer than " + std::to_string(kMaxNameLength) + " characters";
  return "";
}

std::optional<std::string> read_name(ReadContext& c, const Value& v, const std::string& key) {
  auto name = read_string(c, v, key);
  if (!name) return std::nullopt;
  if (std::string problem = name_problem(*name); !problem.empty()) {
    c.error(v, "invalid name " + quote(*name) + ": " + problem);
    return std::nullopt;
  }
  return name;
}

// uid_t and gid_t are 32 bits; (uid_t)-1 is "no change" to setresuid and friends.
constexpr std::int64_t kMaxId = 4294967294;
constexpr std::size_t kMaxAccountName = 64;

bool all_digits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

/// Letters, digits, '.', '_', '-', and a '$' at the end (Samba machine accounts).
bool account_characters(std::string_view name) {
  if (name.ends_with('$') && name.size() > 1) name.remove_suffix(1);
  return std::all_of(name.begin(), name.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '-';
  });
}

/// Why the non-empty `text` of 'user' or 'group' is not a plausible name or
/// id, as the end of a message; empty if it is. Names are not looked up here.
std::string account_problem(std::string_view text, const std::string& key) {
  const std::string kind = "invalid " + key;
  if (all_digits(text)) {
    std::string_view digits = text.substr(std::min(text.find_first_not_of('0'), text.size() - 1));
    if (digits.size() <= 10 && std::stoll(std::string(digits)) <= kMaxId) return "";
    return kind + " id " + quote(text) + ": must be between 0 and " + std::to_string(kMaxId);
  }
  const std::string name = kind + " name " + quote(text) + ": ";
  if (!account_characters(text)) return name + "use only letters, digits, . _ - and a final $";
  if (text.front() == '-') return name + "must not start with '-'";
  if (text.size() > kMaxAccountName) return name + "longer than " + std::to_string(kMaxAccountName) + " characters";
  return "";
}

/// 'user' or 'group' (the key): a name or a numeric id, as a string or an
/// integer; an id is returned in decimal.
std::optional<std::string> read_account(ReadContext& c, const Value& v, const std::string& key) {
  if (v.is_integer()) {
    auto id = v.as_integer();
    if (id >= 0 && id <= kMaxId) return std::to_string(id);
    c.error(v, "invalid " + key + " id " + std::to_string(id) + ": must be between 0 and " + std::to_string(kMaxId));
    return std::nullopt;
  }
  if (!v.is_string()) {
    c.error(v, quote(key) + " must be a " + key + " name or a numeric id");
    return std::nullopt;
  }
  auto text = read_string(c, v, key);
  if (!text) return std::nullopt;
  if (text->empty()) {
    c.error(v, quote(key) + " must not be empty");
    return std::nullopt;
  }
  if (std::string problem = account_problem(*text, key); !problem.empty()) {
    c.error(v, problem);
    return std::nullopt;
  }
  return text;
}

std::optional<std::map<std::string, std::string>> read_environment(ReadContext& c, const Value& v, const std::string& key) {
  if (!v.is_table()) {
    c.error(v, quote(key) + " must be a table of strings");
    return std::nullopt;
  }
  std::map<std::string, std::string> env;
  for (const auto& [name, value] : v.as_table()) {
    if (name.empty() || name.find_first_of(std::string_view("=\0", 2)) != std::string::npos) {
      c.error(value, "invalid environment variable name " + quote(name) + ": must be non-empty, without '=' or NUL");
    } else if (auto s = read_string(c, value, key + "." + name)) {
      env[name] = *s;
    }
  }
  return env;
}

/// `after`: an array of service names, each named once.
std::optional<std::vector<std::string>> read_after(ReadContext& c, const Value& v, const std::string& key) {
  if (!v.is_array()) {
    c.error(v, quote(key) + " must be an array of service names, like [\"db\", \"cache\"]");
    return std::nullopt;
  }
  std::vector<std::string> names;
  bool ok = true;
  for (const auto& item : v.as_array()) {
    auto name = read_name(c, item, key);
    if (!name) {
      ok = false;
    } else if (std::find(names.begin(), names.end(), *name) != names.end()) {
      c.error(item, quote(key) + " names " + quote(*name) + " twice");
      ok = false;
    } else {
      names.push_back(std::move(*name));
    }
  }
  return ok ? std::optional(std::move(names)) : std::nullopt;
}

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
    {"timeout",
     [](ReadContext& c, const Value& v, const std::string& k, StopSpec& s) {
       auto d = read_duration(c, v, k);
       if (d && *d <= Duration::zero()) c.error(v, quote(k) + " must be greater than 0");
       else if (d) s.timeout = *d;
     }},
    {"group", store<&StopSpec::group, read_bool>},
};

const Field<ReadySpec> kReadyFields[] = {
    {"notify", store<&ReadySpec::notify, read_bool>},
    {"tcp",
     [](ReadContext& c, const Value& v, const std::string& k, ReadySpec& s) {
       auto text = read_string(c, v, k);
       if (!text) return;
       std::string why;
       if (auto endpoint = parse_endpoint(*text, &why)) s.tcp = *endpoint;
       else c.error(v, "invalid " + quote(k) + " " + quote(*text) + ": " + why);
     }},
    {"file", store<&ReadySpec::file, read_path>},
    {"command",
     [](ReadContext& c, const Value& v, const std::string& k, ReadySpec& s) {
       if (auto argv = read_command(c, v, k)) s.command = std::move(*argv);
     }},
    {"timeout",
     [](ReadContext& c, const Value& v, const std::string& k, ReadySpec& s) {
       auto d = read_duration(c, v, k);
       if (d && *d <= Duration::zero()) c.error(v, quote(k) + " must be greater than 0");
       else if (d) s.timeout = *d;
     }},
};

std::optional<RestartPolicy> read_policy(ReadContext& c, const Value& v, const std::string& key) {
  auto text = read_string(c, v, key);
  if (!text) return std::nullopt;
  if (*text == "no") return RestartPolicy::no;
  if (*text == "on-failure") return RestartPolicy::on_failure;
  if (*text == "always") return RestartPolicy::always;
  c.error(v, "unknown " + quote(key) + " " + quote(*text) + ": \"no\" (the default), \"on-failure\" or \"always\"");
  return std::nullopt;
}

/// A duration greater than 0.
std::optional<Duration> read_positive_duration(ReadContext& c, const Value& v, const std::string& key) {
  auto d = read_duration(c, v, key);
  if (d && *d <= Duration::zero()) {
    c.error(v, quote(key) + " must be greater than 0");
    return std::nullopt;
  }
  return d;
}

std::optional<int> read_restart_limit(ReadContext& c, const Value& v, const std::string& key) {
  return read_int_in(c, v, key, 1, 1000000);
}

const Field<RestartSpec> kRestartFields[] = {
    {"policy", store<&RestartSpec::policy, read_policy>},
    {"delay", store<&RestartSpec::delay, read_duration>},
    {"max_delay", store<&RestartSpec::max_delay, read_duration>},
    {"limit", store<&RestartSpec::limit, read_restart_limit>},
    {"window", store<&RestartSpec::window, read_positive_duration>},
};

/// "10MiB", "512KiB", "1GB", "4096": a size in bytes, at least 1.
std::optional<std::uint64_t> read_size(ReadContext& c, const Value& v, const std::string& key) {
  if (v.is_integer() && v.as_integer() > 0) return static_cast<std::uint64_t>(v.as_integer());
  const std::string form = quote(key) + " must be a size like \"10MiB\", \"512KiB\" or a number of bytes";
  if (!v.is_string()) {
    c.error(v, form);
    return std::nullopt;
  }
  std::string_view text = v.as_string().str;
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  static const std::pair<std::string_view, std::uint64_t> kUnits[] = {
      {"", 1},           {"B", 1},          {"K", 1000},        {"KB", 1000},        {"KiB", 1024},
      {"M", 1000000},    {"MB", 1000000},   {"MiB", 1 << 20},   {"G", 1000000000},   {"GB", 1000000000},
      {"GiB", 1ull << 30}};
  for (const auto& [name, factor] : kUnits) {
    if (ec == std::errc() && end != text.data() && unit == name && n > 0 && n <= (1ull << 50) / factor) return n * factor;
  }
  c.error(v, form);
  return std::nullopt;
}

/// `stdout`/`stderr`: a path, or `{ file = PATH, max_size = SIZE, keep = N }`.
void read_log(ReadContext& c, const Value& v, const std::string& key, std::string& path, Rotation& rotation) {
  if (!v.is_table() && !v.is_string()) {
    return c.error(v, quote(key) + " must be a path, or a table like { file = \"web.log\", max_size = \"10MiB\", keep = 5 }");
  }
  if (!v.is_table()) {
    if (auto p = read_path(c, v, key)) path = *p;
    return;
  }
  bool has_file = false, has_size = false;
  for (const auto& [name, item] : v.as_table()) {
    std::string qualified = key + "." + name;
    if (name == "file") {
      has_file = true;
      if (auto p = read_path(c, item, qualified)) path = *p;
    } else if (name == "max_size") {
      has_size = true;
      if (auto size = read_size(c, item, qualified)) rotation.max_size = *size;
    } else if (name == "keep") {
      if (auto keep = read_int_in(c, item, qualified, 1, 1000)) rotation.keep = *keep;
    } else {
      std::string message = "unknown key " + quote(qualified);
      if (auto match = closest(name, {"file", "max_size", "keep"})) message += ", did you mean " + quote(key + "." + *match) + "?";
      c.error(item, message);
    }
  }
  if (!has_file || !has_size) c.error(v, quote(key) + " as a table needs 'file' and 'max_size' (or write the path alone)");
}

std::optional<ServiceType> read_type(ReadContext& c, const Value& v, const std::string& key) {
  auto text = read_string(c, v, key);
  if (!text) return std::nullopt;
  if (*text == "simple") return ServiceType::simple;
  if (*text == "forking") return ServiceType::forking;
  c.error(v, "unknown " + quote(key) + " " + quote(*text) + ": \"simple\" (the default) or \"forking\"");
  return std::nullopt;
}

/// A table of the service file ([start], [stop]...) read into `Member` by `Fields`.
template <auto Member, const auto& Fields>
void read_section(ReadContext& c, const Value& v, const std::string& k, ServiceSpec& s);
void read_restart(ReadContext& c, const Value& v, const std::string& k, ServiceSpec& s);
void read_limits(ReadContext& c, const Value& v, const std::string& k, ServiceSpec& s);

const Field<ServiceSpec> kServiceFields[] = {
    {"name", store<&ServiceSpec::name, read_name>},
    {"command",
     [](ReadContext& c, const Value& v, const std::string& k, ServiceSpec& s) {
       if (auto argv = read_command(c, v, k)) s.command = std::move(*argv);
     }},
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
    {"nice", store<&ServiceSpec::nice, read_nice>},
    {"oom_score_adj", store<&ServiceSpec::oom_score_adj, read_oom_score_adj>},
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
