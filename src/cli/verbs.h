// The verbs of execute(), one file each group; shared by commands.cpp only.
#pragma once

#include <string>

#include "cli/commands.h"
#include "cli/output.h"
#include "fleet/select.h"
#include "service/commands.h"

namespace daemonctl::cli {

/// Keeps the first failure's code.
struct ExitCode {
  int value = 0;
  void note(int code) {
    if (value == 0) value = code;
  }
  void note(ExitStatus s) { note(to_int(s)); }
};

/// Prints the selection's problems as errors; the first one's exit code,
/// 0 if there were none.
int report_problems(const fleet::Selection& sel, Output& out);

/// start, stop, restart, reload, signal (with sig).
int act(Verb verb, const Options& opt, Output& out, const fleet::Selection& sel, const service::Context& ctx, int sig);
/// What status (list: `table`) prints of a target whose status the
/// selection took: fleet::SelectOptions::render; null for list's table,
/// which needs every row before the first.
fleet::Render renderer(bool table, const Output& out);
/// status SERVICE...: a line (or object) each.
int show_status(const Options& opt, Output& out, const fleet::Selection& sel, const service::Context& ctx);
/// list, status without SERVICE: a table (or objects).
int show_table(const Options& opt, Output& out, const fleet::Selection& sel, const service::Context& ctx);
/// check.
int verify(const Options& opt, Output& out, const fleet::Selection& sel, const std::string& state_dir);
/// enable, disable SERVICE...: a marker in the config folder.
int set_enabled(Verb verb, const Options& opt, Output& out, const std::string& config_dir);
/// export FORMAT SERVICE: the service as a unit of another init system.
int export_service(const Options& opt, Output& out, const std::string& config_dir, const std::string& log_dir);

}  // namespace daemonctl::cli
