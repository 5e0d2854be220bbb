// enable, disable NAME...: whether `--all` takes a service of the config
// folder, as a marker in <config dir>/disabled/ (fleet/enabled.h). Neither
// starts nor stops anything.
#include "cli/verbs.h"
#include "config/catalog.h"
#include "fleet/enabled.h"

namespace daemonctl::cli {
namespace {

/// Whether `name` would change, for a dry run: the marker is looked at only.
Result<bool> would_change(const std::string& config_dir, const std::string& name, bool on) {
  auto disabled = fleet::disabled_services(config_dir);
  if (!disabled) return std::move(disabled).error();
  return (disabled->count(name) == 0) != on;
}

int switch_one(const std::string& name, bool on, bool dry, Output& out, const std::string& config_dir) {
  if (config::names_file(name)) {
    std::string why = "'" + name + "' is a file: enable and disable take the name of a service of the config folder";
    return out.failure(name, "", Error{ExitStatus::usage, why});
  }
  auto file = config::service_file(name, config_dir);
  if (!file) return out.failure(name, "", file.error());
  auto changed = dry ? would_change(config_dir, name, on) : fleet::set_enabled(config_dir, name, on);
  if (!changed) return out.failure(name, *file, changed.error());
  const char* state = on ? "enabled" : "disabled";
  std::string text = !*changed ? std::string("already ") + state : dry ? std::string("would be ") + state : state;
  JsonObject o;
  o.string("file", *file).boolean("enabled", on).boolean("changed", *changed).boolean("dry_run", dry);
  out.result(name, text, o.number("exit", 0LL));
  return 0;
}

}  // namespace

int set_enabled(Verb verb, const Options& opt, Output& out, const std::string& config_dir) {
  if (opt.services.empty()) return out.failure("", "", Error{ExitStatus::usage, "name a SERVICE"});
  ExitCode code;
  for (const std::string& name : opt.services) {
    code.note(switch_one(name, verb == Verb::enable, opt.dry_run, out, config_dir));
  }
  return code.value;
}

}  // namespace daemonctl::cli
