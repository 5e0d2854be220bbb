// Service files: TOML in, a validated ServiceSpec or every problem out.
// The schema (schema.cpp) says which keys there are and how each is read;
// this file parses the text, walks the document, and makes the checks that
// need all of it. toml11 throws; nothing thrown leaves this file.
#include "config/load.h"

#include <map>
#include <sstream>
#include <toml.hpp>

#include "config/paths.h"
#include "config/read_context.h"
#include "config/read_names.h"
#include "config/text_check.h"
#include "config/text_file.h"
#include "config/toml_error.h"
#include "config/walk.h"
#include "config/wording.h"

namespace daemonctl::config {
namespace {

/// Keys that must agree with each other, once each has been read.
void check_agreement(ReadContext& c, const Value& root, const ServiceSpec& spec) {
  const auto& table = root.as_table();
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
  if (table.count("runtime_directory_mode") && !table.count("runtime_directory")) {
    c.error(table.at("runtime_directory_mode"), "'runtime_directory_mode' without 'runtime_directory'");
  }
  if (auto clear = table.find("clear_environment");
      clear != table.end() && clear->second.is_boolean() && clear->second.as_boolean() && spec.inherit_environment) {
    c.error(clear->second, "'clear_environment = true' contradicts 'inherit_environment = true': keep one");
  }
  if (spec.type == ServiceType::forking && !table.count("pidfile")) {
    c.error(table.at("type"), "type \"forking\" needs 'pidfile': the file the program writes its pid to");
  }
}

/// Without a `name`, the service is named after its file.
void default_name(ReadContext& c, ServiceSpec& spec) {
  std::string_view stem = file_name(c.file());
  if (stem.ends_with(".toml")) stem.remove_suffix(5);
  if (std::string problem = name_problem(stem); problem.empty()) spec.name = stem;
  else c.file_error("invalid name " + quote(stem) + " (from the file name): " + problem);
}

/// Where each top-level key and table is written.
std::map<std::string, Location> locations(const Value& root) {
  std::map<std::string, Location> where;
  for (const auto& [key, value] : root.as_table()) {
    auto loc = value.location();
    where[key] = Location{static_cast<unsigned>(loc.line()), static_cast<unsigned>(loc.column())};
  }
  return where;
}

std::variant<ServiceSpec, std::vector<Diagnostic>> read_service(const Value& root, const std::string& path,
                                                                const std::string& base_dir) {
  ReadContext c(path, base_dir);
  ServiceSpec spec;
  spec.file = normalize_path(base_dir + "/" + std::string(file_name(path)));
  read_keys(c, root, "", spec);
  if (!root.as_table().count("command")) c.file_error("missing required key 'command'");
  check_agreement(c, root, spec);
  if (!root.as_table().count("name")) default_name(c, spec);
  if (c.failed()) return std::move(c).sorted_diagnostics();
  spec.locations = locations(root);
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
    return read_service(root, path, base_dir);
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
