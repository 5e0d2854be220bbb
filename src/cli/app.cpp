#include "cli/app.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/report.h"

namespace daemonctl::cli {
namespace {

struct Command {
  Verb verb;
  const char* name;
  const char* help;
};

constexpr Command kCommands[] = {
    {Verb::start, "start", "Start services as daemons, dependencies first, unless they already run"},
    {Verb::stop, "stop", "Stop services, dependents first: the stop signal, then SIGKILL at the timeout"},
    {Verb::restart, "restart", "Stop services if they run, then start them"},
    {Verb::reload, "reload", "Send the reload signal (reload_signal, default SIGHUP) to running services"},
    {Verb::signal, "signal", "Send a signal to a running service"},
    {Verb::status, "status",
     "Tell whether services run (LSB codes: 0 running, 1 dead, 3 stopped, 4 unknown); without SERVICE, list all"},
    {Verb::list, "list", "A table of every service in the config folder: name, state, pid, uptime, command"},
    {Verb::check, "check", "Validate service files without starting anything (exit 0 or 6)"},
    {Verb::logs, "logs", "Print the last lines of a service's output files, and follow them with -f"},
    {Verb::export_unit, "export", "Print a service as an equivalent unit of another init system (systemd)"},
};

bool has(std::initializer_list<Verb> verbs, Verb v) { return std::find(verbs.begin(), verbs.end(), v) != verbs.end(); }

void add_arguments(CLI::App* sub, Verb verb, Options& opt) {
  using enum Verb;
  if (verb == signal) {
    sub->add_option("SERVICE", opt.service, "The service: a name in the config folder, or a file")->required();
    sub->add_option("SIGNAL", opt.signal, "The signal: a name (HUP, SIGUSR1, RTMIN+1) or a number")->required();
  } else if (verb == logs) {
    sub->add_option("SERVICE", opt.service, "The service: a name in the config folder, or a file")->required();
  } else if (verb == export_unit) {
    sub->add_option("FORMAT", opt.format, "The unit format: systemd")->required();
    sub->add_option("SERVICE", opt.service, "The service: a name in the config folder, or a file")->required();
  } else if (verb != list) {
    sub->add_option("SERVICE", opt.services, "Services: names in the config folder, or files (containing '/' or ending in .toml)");
  }
  if (has({start, stop, restart, reload, status, check}, verb)) {
    sub->add_flag("-a,--all", opt.all, "Every service of the config folder");
  }
  if (has({start, restart}, verb)) {
    sub->add_flag("--with-deps", opt.with_deps, "Also start the services they name in 'after', recursively");
  }
  if (has({start, stop, restart, reload, signal}, verb)) {
    sub->add_flag("--dry-run", opt.dry_run, "Print what would be done and exit as the real run would; change nothing");
  }
  if (has({start, stop, restart}, verb)) {
    sub->add_option("-j,--jobs", opt.jobs, "How many services to start or stop at once")
        ->check(CLI::Range(1, 64))
        ->capture_default_str();
  }
  if (verb == check) sub->add_flag("--strict", opt.strict, "Treat warnings as errors");
  if (verb == logs) {
    sub->add_option("-n,--lines", opt.lines, "How many last lines to print")->capture_default_str();
    sub->add_flag("-f,--follow", opt.follow, "Keep printing new lines, across log rotation, until Ctrl-C");
  }
}

/// Was --json on the command line (for a usage error, before parsing ends)?
bool wants_json(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--json") return true;
  }
  return false;
}

/// The command argv names, if it surely names one and asks for no help:
/// then only that command is built. Building all of them was 60% of the
/// instructions of a `status`, and every command is a fresh process.
const Command* named_command(int argc, char** argv) {
  const Command* named = nullptr;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg(argv[i]);
    if (arg == "-h" || arg == "--help") return nullptr;
    if (named != nullptr) continue;
    if (arg == "--state-dir" || arg == "--config-dir") {
      ++i;  // its value
    } else if (!arg.starts_with('-')) {
      auto it = std::find_if(std::begin(kCommands), std::end(kCommands),
                             [&](const Command& c) { return arg == c.name; });
      if (it == std::end(kCommands)) return nullptr;  // a usage error, told as usual
      named = &*it;
    }
  }
  return named;
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"daemonctl: run foreground programs as UNIX daemons, and stop them safely"};
  app.set_version_flag("--version", std::string("daemonctl ") + DAEMONCTL_VERSION);
  app.require_subcommand(1);
  Options opt;
  app.add_flag("-v,--verbose", opt.verbose, "Say what is done, step by step (on stderr)");
  app.add_flag("-q,--quiet", opt.quiet, "Print nothing but errors; the exit code tells the result");
  app.add_flag("--json", opt.json, "Print one JSON array on stdout, failures included, and nothing else");
  app.add_option("--state-dir", opt.state_dir,
                 "Folder for pidfiles and identity records (default: $DAEMONCTL_STATE_DIR, "
                 "/run/daemonctl for root, else $XDG_RUNTIME_DIR/daemonctl or /tmp/daemonctl-UID)");
  app.add_option("--config-dir", opt.config_dir,
                 "Folder of service files, NAME.toml (default: $DAEMONCTL_CONFIG_DIR, /etc/daemonctl for "
                 "root, else ${XDG_CONFIG_HOME:-~/.config}/daemonctl)");
  const Command* chosen = nullptr;
  const Command* named = named_command(argc, argv);
  for (const Command& cmd : kCommands) {
    if (named != nullptr && named != &cmd) continue;
    CLI::App* sub = app.add_subcommand(cmd.name, cmd.help);
    sub->fallthrough();  // global options after the command too
    add_arguments(sub, cmd.verb, opt);
    sub->callback([&chosen, &cmd] { chosen = &cmd; });
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() != 0 && wants_json(argc, argv)) {
      Output out(Verbosity::normal, true);
      out.failure("", "", Error{ExitStatus::usage, e.what()});
      return to_int(ExitStatus::usage);
    }
    int code = app.exit(e);  // prints help, version, or the usage error
    return code == 0 ? 0 : to_int(ExitStatus::usage);
  }
  Verbosity v = opt.quiet ? Verbosity::quiet : opt.verbose ? Verbosity::verbose : Verbosity::normal;
  setup_logging(v);
  if (!opt.service.empty()) opt.services = {opt.service};
  return execute(chosen->verb, opt, v);
}

}  // namespace daemonctl::cli
