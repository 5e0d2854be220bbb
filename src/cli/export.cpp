// export FORMAT SERVICE: the service as a unit of another init system, on
// stdout (or, with --json, as an object holding the unit's text).
#include <cstdio>

#include "cli/verbs.h"
#include "common/escape.h"
#include "config/catalog.h"
#include "config/load.h"
#include "service/before_start.h"
#include "service/launch.h"
#include "service/log_dir.h"
#include "tools/systemd_unit.h"

namespace daemonctl::cli {

int export_service(const Options& opt, Output& out, const std::string& config_dir, const std::string& log_dir) {
  if (opt.format != "systemd") {
    std::string message = "unknown export format '" + opt.format + "': the formats are: systemd";
    out.failure("", "", Error{ExitStatus::usage, message});
    return to_int(ExitStatus::usage);
  }
  const std::string& arg = opt.services.front();
  auto file = config::service_file(arg, config_dir);
  if (!file) {
    out.failure(arg, "", file.error());
    return to_int(file.error().status);
  }
  auto spec = config::load_service(*file);
  if (!spec) {
    out.failure("", *file, spec.error());
    return to_int(spec.error().status);
  }
  service::use_log_dir(*spec, log_dir);
  // The program daemonctl would exec: a unit needs its absolute path, found
  // in the service's PATH, never in the one export runs with.
  auto executable =
      service::resolve_executable(spec->command.front(), service::path_of(service::daemon_environment(*spec, {}, nullptr)));
  if (!executable) {
    out.failure(spec->name, spec->file, executable.error());
    return to_int(executable.error().status);
  }
  auto pre = service::resolve_pre(*spec, service::path_of(service::daemon_environment(*spec, {}, nullptr)));
  if (!pre) {
    out.failure(spec->name, spec->file, pre.error());
    return to_int(pre.error().status);
  }
  std::string unit = tools::systemd_unit(*spec, *executable, *pre);
  if (out.json()) {
    JsonObject o;
    o.string("name", spec->name).string("file", spec->file).string("format", opt.format);
    out.object(o.string("unit", spec->name + ".service").string("text", unit));
  } else if (out.verbosity() != Verbosity::quiet) {
    // Escaped, terminal or file: the unit's quoted words read \xNN back as
    // the very bytes, and only comments hold anything else unquoted.
    std::fputs(text::escape(unit, text::Breaks::lines).c_str(), stdout);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace daemonctl::cli
