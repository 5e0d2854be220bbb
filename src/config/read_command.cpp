#include "config/read_command.h"

#include <algorithm>
#include <string_view>
#include <variant>

#include "config/paths.h"
#include "config/read_value.h"
#include "config/wording.h"
#include "config/words.h"

namespace daemonctl::config {
namespace {

/// The words of a command line written as one string.
std::optional<std::vector<std::string>> split_command(ReadContext& c, const Value& v, const std::string& key) {
  auto line = read_string(c, v, key);
  if (!line) return std::nullopt;
  auto words = split_words(*line);
  if (auto* why = std::get_if<std::string>(&words)) {
    c.error(v, "invalid " + (key == "command" ? std::string("command") : quote(key)) + ": " + *why);
    return std::nullopt;
  }
  return std::get<std::vector<std::string>>(std::move(words));
}

std::optional<std::vector<std::string>> command_words(ReadContext& c, const Value& v, const std::string& key) {
  if (v.is_string()) return split_command(c, v, key);
  const std::string type = quote(key) + " must be an array of strings or a string";
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

/// Is `name` a variable's name? If not, says so at `at`.
bool variable_name_ok(ReadContext& c, const Value& at, const std::string& name) {
  if (!name.empty() && name.find_first_of(std::string_view("=\0", 2)) == std::string::npos) return true;
  c.error(at, "invalid environment variable name " + quote(name) + ": must be non-empty, without '=' or NUL");
  return false;
}

}  // namespace

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

std::optional<std::vector<std::vector<std::string>>> read_commands(ReadContext& c, const Value& v,
                                                                   const std::string& key) {
  if (!v.is_array()) {
    c.error(v, quote(key) + " must be an array of commands, each an array of strings or a string");
    return std::nullopt;
  }
  std::vector<std::vector<std::string>> commands;
  bool ok = true;
  std::size_t index = 0;
  for (const Value& item : v.as_array()) {
    auto argv = read_command(c, item, key + "[" + std::to_string(index++) + "]");
    if (argv) commands.push_back(std::move(*argv));
    else ok = false;
  }
  return ok ? std::optional(std::move(commands)) : std::nullopt;
}

std::optional<std::map<std::string, std::string>> read_environment(ReadContext& c, const Value& v,
                                                                   const std::string& key) {
  if (!v.is_table()) {
    c.error(v, quote(key) + " must be a table of strings");
    return std::nullopt;
  }
  std::map<std::string, std::string> env;
  for (const auto& [name, value] : v.as_table()) {
    if (!variable_name_ok(c, value, name)) continue;
    if (auto s = read_string(c, value, key + "." + name)) env[name] = *s;
  }
  return env;
}

std::optional<std::vector<std::string>> read_pass_environment(ReadContext& c, const Value& v,
                                                              const std::string& key) {
  const std::string type = quote(key) + " must be an array of variable names";
  if (!v.is_array()) {
    c.error(v, type);
    return std::nullopt;
  }
  std::vector<std::string> names;
  bool ok = true;
  for (const Value& item : v.as_array()) {
    auto name = item.is_string() ? read_string(c, item, key) : std::nullopt;
    if (!item.is_string()) c.error(item, type);
    if (!name || !variable_name_ok(c, item, *name)) {
      ok = false;
    } else if (*name == "NOTIFY_SOCKET") {
      c.error(item, quote(key) + ": NOTIFY_SOCKET is never passed on: daemonctl sets it for ready.notify");
      ok = false;
    } else if (std::find(names.begin(), names.end(), *name) != names.end()) {
      c.error(item, quote(key) + " names " + quote(*name) + " twice");
      ok = false;
    } else {
      names.push_back(*name);
    }
  }
  return ok ? std::optional(std::move(names)) : std::nullopt;
}

void read_clear_environment(ReadContext& c, const Value& v, const std::string& key, ServiceSpec&) {
  auto clear = read_bool(c, v, key);
  if (clear && !*clear) {
    c.error(v, "'clear_environment = false' is gone: the environment is a fixed one by default; for the one "
               "daemonctl runs in, write 'inherit_environment = true', or name variables in 'pass_environment'");
  }
}

}  // namespace daemonctl::config
