#include "cli/commands.h"

#include <unistd.h>

#include <algorithm>

#include "cli/verbs.h"
#include "common/log.h"
#include "config/catalog.h"
#include "config/load.h"
#include "posix/signal_name.h"
#include "posix/terminal.h"
#include "service/inspect.h"
#include "service/log_dir.h"
#include "tools/logs.h"
#include "state/state_dir.h"

namespace daemonctl::cli {
namespace {

using enum Verb;

// status and list report every failure as "unknown" (LSB 4), check as an
// invalid service (6); the others keep each its own.
std::optional<ExitStatus> every_failure(Verb verb) {
  if (verb == status || verb == list) return ExitStatus::privilege;
  if (verb == check) return ExitStatus::config;
  return std::nullopt;
}

// --all: the enabled services, and for the commands that act on what runs
// (stop, reload, status) any other the state dir records; every one with
// --include-disabled, and for list, status and check without SERVICE.
fleet::Disabled disabled_services(Verb verb, const Options& opt) {
  if (opt.include_disabled || !opt.all) return fleet::Disabled::include;
  if (verb == start || verb == restart || verb == check) return fleet::Disabled::skip;
  return fleet::Disabled::if_recorded;
}

int usage(Output& out, const std::string& message) { return out.failure("", "", Error{ExitStatus::usage, message}); }

// The logs of what runs: where the record of service `name` says its output
// goes, whatever its file says now (or if it has none).
void use_recorded_logs(const std::string& state_dir, const std::string& name, config::ServiceSpec& spec) {
  auto record = service::read_record(state::StatePaths{"", state_dir + "/" + name + ".record", ""});
  if (!record || record->stdout_path.empty()) return;
  spec.stdout_path = record->stdout_path;
  spec.stderr_path = record->stderr_path;
  if (spec.file.empty()) spec.file = record->file;
}

int show_logs(const Options& opt, Output& out, const std::string& config_dir, const std::string& state_dir) {
  const std::string& arg = opt.services.front();
  auto file = config::service_file(arg, config_dir);
  auto spec = file ? config::load_service(*file) : Result<config::ServiceSpec>(file.error());
  if (!spec) {
    // A name whose file is gone, invalid or elsewhere: its record, if any.
    config::ServiceSpec recorded;
    recorded.name = arg;
    if (!config::names_file(arg)) use_recorded_logs(state_dir, arg, recorded);
    if (recorded.stdout_path.empty()) {
      return file ? out.failure("", *file, spec.error()) : out.failure(arg, "", spec.error());
    }
    spec = std::move(recorded);
  } else {
    service::use_log_dir(*spec, service::choose_log_dir(opt.log_dir));
    use_recorded_logs(state_dir, spec->name, *spec);
  }
  tools::LogsOptions lo;
  lo.lines = opt.lines;
  lo.follow = opt.follow;
  // Like `ls` and journalctl: a terminal sees control characters escaped; a
  // pipe or a file gets the bytes as they are, like `tail`.
  lo.escape = posix::is_terminal(STDOUT_FILENO);
  if (Status shown = tools::show_logs(*spec, lo); !shown) return out.failure(spec->name, spec->file, shown.error());
  return 0;
}

// Before a start: the log dir, made (or, for a dry run, checked) once for
// all, when a service to start writes to its default log.
Status prepare_logs(Verb verb, bool dry, const fleet::Selection& sel, const std::string& log_dir) {
  if (verb != start && verb != restart) return {};
  bool used = std::any_of(sel.targets.begin(), sel.targets.end(),
                          [](const fleet::Target& t) { return t.spec && service::uses_default_log(*t.spec); });
  if (!used) return {};
  return dry ? service::check_log_dir(log_dir) : service::prepare_log_dir(log_dir);
}

// `sel`, never destroyed: the process ends with the command (main:
// exit_now), and the kernel takes a selection of 1,000 services back faster
// than free() can, a string at a time.
Result<fleet::Selection>& kept(Result<fleet::Selection> sel) {
  static std::optional<Result<fleet::Selection>> slot;
  return slot.emplace(std::move(sel));
}

}  // namespace

int report_problems(const fleet::Selection& sel, Output& out) {
  ExitCode code;
  for (const Diagnostic& d : sel.problems) {
    Error e{ExitStatus::config, d.to_string()};
    e.diagnostics = {d};
    code.note(out.failure("", d.file, e));
  }
  return code.value;
}

int execute(Verb verb, const Options& opt, Verbosity v) {
  Output out(v, opt.json, every_failure(verb));
  std::string config_dir = config::choose_config_dir(opt.config_dir);
  if (verb == logs) {
    if (opt.json) return usage(out, "logs prints the log lines themselves: --json does not apply");
    return show_logs(opt, out, config_dir, state::choose_state_dir(opt.state_dir));
  }
  if (verb == export_unit) return export_service(opt, out, config_dir, service::choose_log_dir(opt.log_dir));
  if (verb == enable || verb == disable) return set_enabled(verb, opt, out, config_dir);

  if (opt.include_disabled && !opt.all) return usage(out, "--include-disabled goes with --all");
  bool everything = opt.all || verb == list || ((verb == status || verb == check) && opt.services.empty());
  if (!everything && opt.services.empty()) {
    return usage(out, std::string("name a SERVICE, or use --all"));
  }
  int sig = 0;
  if (verb == signal) {
    auto parsed = posix::parse_signal(opt.signal);
    if (!parsed) return usage(out, "unknown signal '" + opt.signal + "'");
    sig = *parsed;
  }

  fleet::SelectOptions so;
  so.all = everything;
  so.disabled = disabled_services(verb, opt);
  so.with_deps = opt.with_deps;
  so.check_deps = verb == start || verb == restart || verb == check;
  so.keep_arg_order = verb == status || verb == list;
  so.trust_records = verb == status || verb == list;
  // list, and a bare status: the table; status SERVICE... and --all: lines.
  bool table = verb == list || (verb == status && opt.services.empty() && !opt.all);
  if (so.trust_records) so.render = renderer(table, out);
  so.dependents = verb == stop && !everything;
  service::Context ctx{state::choose_state_dir(opt.state_dir)};
  if (verb != check) so.state_dir = ctx.state_dir;
  so.log_dir = service::choose_log_dir(opt.log_dir);
  auto& sel = kept(select(opt.services, config_dir, so));
  if (!sel) return out.failure("", "", sel.error());

  if (verb == check) return verify(opt, out, *sel, ctx.state_dir);
  // A problem of the folder (a cycle, a name declared twice) holds back no
  // stop, status or list, only warned of: what runs is recorded, and
  // stopped or shown from its record.
  if (verb == stop || verb == status || verb == list) {
    for (const Diagnostic& d : sel->problems) log::warn(d.to_string());
  } else if (int code = report_problems(*sel, out); code != 0) {
    return code;
  }
  // A dry run creates nothing, not even the state folder. --dry-run is a
  // global option: the commands that only look (status, list) ignore it.
  bool dry = opt.dry_run && verb != status && verb != list;
  Status ready = dry ? state::check_state_dir(ctx.state_dir) : state::prepare_state_dir(ctx.state_dir);
  if (!ready) return out.failure("", "", ready.error());
  if (Status logs = prepare_logs(verb, dry, *sel, so.log_dir); !logs) return out.failure("", "", logs.error());
  if (table) return show_table(opt, out, *sel, ctx);
  if (verb == status) return show_status(opt, out, *sel, ctx);
  return act(verb, opt, out, *sel, ctx, sig);
}

}  // namespace daemonctl::cli
