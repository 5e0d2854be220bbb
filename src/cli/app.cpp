#include "cli/app.h"

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/report.h"
#include "config/load.h"
#include "core/commands.h"
#include "core/state_dir.h"

namespace daemonctl::cli {
namespace {

using Action = Result<core::Outcome> (*)(const core::Context&, const config::ServiceSpec&);

struct Command {
  const char* name;
  const char* help;
  Action action;
};

constexpr Command kCommands[] = {
    {"start", "Start the service as a daemon, unless it already runs", core::start},
    {"stop", "Stop the service: its stop signal, then SIGKILL at the timeout", core::stop},
    {"restart", "Stop the service if it runs, then start it", core::restart},
    {"status", "Tell whether the service runs (LSB codes: 0 running, 1 dead, 3 stopped, 4 unknown)",
     core::status},
};

struct Options {
  bool verbose = false;
  bool quiet = false;
  std::optional<std::string> state_dir;
  std::string service;
};

// Failures of `status` are all "unknown" (LSB 4); other commands keep theirs.
int failure_code(const Command& cmd, const Error& e) {
  if (std::string_view(cmd.name) == "status") return to_int(ExitStatus::privilege);
  return to_int(e.status);
}

int execute(const Command& cmd, const Options& opt, Verbosity v) {
  auto spec = config::load_service(opt.service);
  if (!spec) {
    print_error("", spec.error());
    return failure_code(cmd, spec.error());
  }
  core::Context ctx{core::choose_state_dir(opt.state_dir)};
  if (Status ready = core::prepare_state_dir(ctx.state_dir); !ready) {
    print_error(spec->name, ready.error());
    return failure_code(cmd, ready.error());
  }
  auto outcome = cmd.action(ctx, *spec);
  if (!outcome) {
    print_error(spec->name, outcome.error());
    return failure_code(cmd, outcome.error());
  }
  print_result(spec->name, outcome->text, v);
  return to_int(outcome->status);
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"daemonctl: run any foreground program as a UNIX daemon, and stop it safely"};
  app.set_version_flag("--version", std::string("daemonctl ") + DAEMONCTL_VERSION);
  app.require_subcommand(1);
  Options opt;
  app.add_flag("-v,--verbose", opt.verbose, "Say what is done, step by step (on stderr)");
  app.add_flag("-q,--quiet", opt.quiet, "Print nothing but errors; the exit code tells the result");
  app.add_option("--state-dir", opt.state_dir,
                 "Folder for pidfiles and identity records (default: $DAEMONCTL_STATE_DIR, "
                 "/run/daemonctl for root, else $XDG_RUNTIME_DIR/daemonctl or /tmp/daemonctl-UID)");
  const Command* chosen = nullptr;
  for (const Command& cmd : kCommands) {
    CLI::App* sub = app.add_subcommand(cmd.name, cmd.help);
    sub->add_option("SERVICE", opt.service, "The service file (TOML)")->required();
    sub->callback([&chosen, &cmd] { chosen = &cmd; });
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);  // prints help, version, or the usage error
    return code == 0 ? 0 : to_int(ExitStatus::usage);
  }
  Verbosity v = opt.quiet ? Verbosity::quiet : opt.verbose ? Verbosity::verbose : Verbosity::normal;
  setup_logging(v);
  return execute(*chosen, opt, v);
}

}  // namespace daemonctl::cli
