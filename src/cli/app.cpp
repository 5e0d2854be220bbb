#include "cli/app.h"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/help.h"
#include "cli/output.h"
#include "cli/report.h"
#include "config/suggest.h"

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
    {Verb::enable, "enable", "Let --all start services again (they are enabled until disabled); start nothing"},
    {Verb::disable, "disable", "Keep services out of start --all, at boot too; stop nothing"},
};

/// `daemonctl help [COMMAND]`: not a Verb, it runs nothing.
constexpr const char* kHelp = "help";

/// Values read as text, then checked (CLI11's checks would word the errors).
struct Raw {
  std::string jobs = "8";
  std::string lines = "50";
  std::string topic;  ///< help's COMMAND
};

bool has(std::initializer_list<Verb> verbs, Verb v) { return std::find(verbs.begin(), verbs.end(), v) != verbs.end(); }

void add_globals(CLI::App& app, Options& opt) {
  app.set_help_flag("-h,--help", "Print this help (or a command's) and exit");
  app.set_version_flag("--version", std::string("daemonctl ") + DAEMONCTL_VERSION, "Print the version and exit");
  app.add_flag("-v,--verbose", opt.verbose, "Say what is done, step by step (on stderr)");
  app.add_flag("-q,--quiet", opt.quiet, "Print nothing but errors; the exit code tells the result");
  app.add_flag("--json", opt.json, "Print one JSON array on stdout, failures included, and nothing else");
  app.add_flag("--dry-run", opt.dry_run,
               "Print what start, stop, restart, reload, signal, enable or disable would do and exit as the real run "
               "would; change nothing");
  app.add_option("--state-dir", opt.state_dir,
                 "Folder for pidfiles and identity records (default: $DAEMONCTL_STATE_DIR, "
                 "/run/daemonctl for root, else $XDG_RUNTIME_DIR/daemonctl or /tmp/daemonctl-UID)")
      ->option_text("DIR");
  app.add_option("--log-dir", opt.log_dir,
                 "Folder of the default logs, NAME.log, for services without stdout or stderr (default: "
                 "$DAEMONCTL_LOG_DIR, /var/log/daemonctl for root, else ${XDG_STATE_HOME:-~/.local/state}/daemonctl/log)")
      ->option_text("DIR");
  app.add_option("--config-dir", opt.config_dir,
                 "Folder of service files, NAME.toml (default: $DAEMONCTL_CONFIG_DIR, /etc/daemonctl for "
                 "root, else ${XDG_CONFIG_HOME:-~/.config}/daemonctl)")
      ->option_text("DIR");
}

void add_arguments(CLI::App* sub, Verb verb, Options& opt, Raw& raw) {
  using enum Verb;
  const char* one = "The service: a name in the config folder, or a file";
  if (verb == signal) {
    sub->add_option("SERVICE", opt.service, one)->required();
    sub->add_option("SIGNAL", opt.signal, "The signal: a name (HUP, SIGUSR1, RTMIN+1) or a number")->required();
  } else if (verb == logs) {
    sub->add_option("SERVICE", opt.service, one)->required();
  } else if (verb == export_unit) {
    sub->add_option("FORMAT", opt.format, "The unit format: systemd")->required();
    sub->add_option("SERVICE", opt.service, one)->required();
  } else if (verb == enable || verb == disable) {
    sub->add_option("SERVICE", opt.services, "Services: names in the config folder")->required();
  } else if (verb != list) {
    sub->add_option("SERVICE", opt.services, "Services: names in the config folder, or files (containing '/' or ending in .toml)");
  }
  if (has({start, stop, restart, reload, status, check}, verb)) {
    bool records = has({stop, reload, status}, verb);
    sub->add_flag("-a,--all", opt.all,
                  records ? "Every enabled service of the config folder, and any other that runs"
                          : "Every enabled service of the config folder");
    sub->add_flag("--include-disabled", opt.include_disabled, "With --all: the disabled services too");
  }
  if (has({start, restart}, verb)) {
    sub->add_flag("--with-deps", opt.with_deps, "Also start the services they name in 'after', recursively");
  }
  if (has({start, stop, restart}, verb)) {
    sub->add_option("-j,--jobs", raw.jobs, "Run up to N services at once (1-64, default 8)")->option_text("N");
  }
  if (has({reload, signal}, verb)) {
    sub->add_flag("--group", opt.group, "Send it to the daemon's whole process group (its children too), as stop does");
  }
  if (verb == check) sub->add_flag("--strict", opt.strict, "Treat warnings as errors");
  if (verb == logs) {
    sub->add_option("-n,--lines", raw.lines, "Print the last N lines (default 50)")->option_text("N");
    sub->add_flag("-f,--follow", opt.follow, "Keep printing new lines, across log rotation, until Ctrl-C");
  }
}

void add_help_command(CLI::App& app, Raw& raw) {
  CLI::App* sub = app.add_subcommand(kHelp, "Print this help, or a command's");
  sub->group("Commands");
  sub->set_help_flag();  // --help after it is the global one
  sub->fallthrough();
  sub->allow_extras();
  sub->add_option("COMMAND", raw.topic, "The command to tell about");
}

/// What argv asks for, read before CLI11 parses it.
struct Scan {
  std::string command;     ///< the first argument that is no option nor an option's value; "" if none
  std::string no_value;    ///< the option that ends argv without its value ("" if none)
  bool help = false;       ///< -h or --help
  bool version = false;    ///< --version
  bool json = false;       ///< --json
};

/// "--state-dir", "-j", "-aj": options whose value is the next argument.
bool takes_value(std::string_view arg) {
  if (arg == "--state-dir" || arg == "--config-dir" || arg == "--log-dir" || arg == "--jobs" || arg == "--lines") {
    return true;
  }
  return arg.size() >= 2 && arg[1] != '-' && (arg.back() == 'j' || arg.back() == 'n');
}

Scan scan(int argc, char** argv) {
  Scan s;
  bool options = true;  // until "--"
  for (int i = 1; i < argc; ++i) {
    std::string_view arg(argv[i]);
    if (options && arg == "--") {
      options = false;
    } else if (options && arg.size() > 1 && arg.front() == '-') {
      s.help = s.help || arg == "-h" || arg == "--help";
      s.version = s.version || arg == "--version";
      s.json = s.json || arg == "--json";
      if (!takes_value(arg)) continue;
      if (i + 1 == argc) s.no_value = arg.starts_with("--") ? std::string(arg) : std::string{'-', arg.back()};
      ++i;
    } else if (s.command.empty()) {
      s.command = arg;
    }
  }
  return s;
}

std::vector<std::string> command_names() {
  std::vector<std::string> names;
  for (const Command& c : kCommands) names.emplace_back(c.name);
  names.emplace_back(kHelp);
  return names;
}

const Command* find_command(std::string_view name) {
  auto it = std::find_if(std::begin(kCommands), std::end(kCommands), [&](const Command& c) { return name == c.name; });
  return it == std::end(kCommands) ? nullptr : &*it;
}

/// " (see 'daemonctl help COMMAND')".
std::string see(const CLI::App* command) {
  return std::string(" (see 'daemonctl help") + (command ? " " + command->get_name() : "") + "')";
}

std::string unknown_command(const std::string& word) {
  std::string near = config::did_you_mean(config::closest_all(word, command_names()));
  return "unknown command '" + word + "'" + (near.empty() ? see(nullptr) : near);
}

/// Before parsing: an option missing its value, a missing or unknown command.
std::optional<std::string> scan_problem(const Scan& s) {
  if (!s.no_value.empty() && !s.help) return "option '" + s.no_value + "' needs a value";
  if (s.command.empty()) {
    if (s.help || s.version) return std::nullopt;
    return "missing command" + see(nullptr);
  }
  if (s.command != kHelp && find_command(s.command) == nullptr) return unknown_command(s.command);
  return std::nullopt;
}

/// The long options `command` (may be null) takes, the global ones too: "--all".
std::vector<std::string> long_options(const CLI::App& app, const CLI::App* command) {
  std::vector<std::string> names;
  for (const CLI::App* a : {&app, command}) {
    if (a == nullptr) continue;
    for (const CLI::Option* o : a->get_options()) {
      for (const std::string& l : o->get_lnames()) names.push_back("--" + l);
    }
  }
  return names;
}

std::string unknown_option(const std::string& arg, const CLI::App& app, const CLI::App* command) {
  std::string name = arg.substr(0, arg.find('='));
  if (command != nullptr && command->get_option_no_throw(name) != nullptr) {
    return "option '" + name + "' of '" + command->get_name() + "' goes after the command";
  }
  std::string near;
  if (name.starts_with("--")) near = config::did_you_mean(config::closest_all(name, long_options(app, command)));
  return "unknown option '" + name + "'" + (near.empty() ? see(command) : near);
}

/// After parsing: what no option nor argument took.
std::optional<std::string> leftover_problem(const CLI::App& app, const CLI::App* command) {
  bool options = true;
  for (const std::string& arg : app.remaining(true)) {
    if (options && arg == "--") {
      options = false;
      continue;
    }
    if (options && arg.size() > 1 && arg.front() == '-') return unknown_option(arg, app, command);
    return "unexpected argument '" + arg + "'" + see(command);
  }
  return std::nullopt;
}

/// A CLI11 parse error in daemonctl's words.
std::string parse_problem(const CLI::App& app, const CLI::ParseError& e) {
  for (const CLI::App* command : app.get_subcommands()) {
    for (const CLI::Option* o : command->get_options()) {
      if (o->get_positional() && o->get_required() && o->count() == 0) return "missing " + o->get_name() + see(command);
    }
  }
  std::string what = e.what();
  if (!what.empty()) what.front() = static_cast<char>(std::tolower(static_cast<unsigned char>(what.front())));
  return what;
}

/// `text` as a number from `min` to `max`, or why not.
std::optional<std::string> read_number(const char* option, const std::string& text, std::size_t min, std::size_t max,
                                       std::size_t& value) {
  const char* end = text.data() + text.size();
  auto [at, err] = std::from_chars(text.data(), end, value);
  if (err == std::errc() && at == end && value >= min && value <= max) return std::nullopt;
  std::string range = max == SIZE_MAX ? "a number" : "a number from " + std::to_string(min) + " to " + std::to_string(max);
  return std::string(option) + ": '" + text + "' is not " + range;
}

std::optional<std::string> read_values(const Raw& raw, Options& opt) {
  std::size_t jobs = 0;
  if (auto bad = read_number("--jobs", raw.jobs, 1, 64, jobs)) return bad;
  opt.jobs = static_cast<unsigned>(jobs);
  return read_number("--lines", raw.lines, 0, SIZE_MAX, opt.lines);
}

int usage_error(bool json, const std::string& message) {
  setup_logging(Verbosity::normal);
  Output out(Verbosity::normal, json);
  return out.failure("", "", Error{ExitStatus::usage, message});
}

int print_help(const CLI::App& app, const CLI::App* command) {
  std::fputs(help_text(app, command).c_str(), stdout);
  return std::fflush(stdout) == 0 ? 0 : to_int(ExitStatus::failure);
}

/// `daemonctl help [COMMAND]`.
int help(const CLI::App& app, const std::string& topic, bool json) {
  if (topic.empty()) return print_help(app, nullptr);
  if (topic != kHelp && find_command(topic) == nullptr) return usage_error(json, unknown_command(topic));
  return print_help(app, app.get_subcommand(topic));
}

}  // namespace

int run(int argc, char** argv) {
  Scan s = scan(argc, argv);
  if (auto problem = scan_problem(s)) return usage_error(s.json, *problem);
  CLI::App app{"daemonctl: run foreground programs as UNIX daemons, and stop them safely", "daemonctl"};
  app.formatter(help_formatter());
  app.require_subcommand(1);
  app.allow_extras();  // told in daemonctl's words by leftover_problem()
  Options opt;
  Raw raw;
  add_globals(app, opt);
  // Only the command argv names is built, unless help is asked for: building
  // all of them was 60% of the instructions of a `status`, and every command
  // is a fresh process.
  const bool all = s.help || s.command == kHelp;
  const Command* chosen = nullptr;
  for (const Command& cmd : kCommands) {
    if (!all && s.command != cmd.name) continue;
    CLI::App* sub = app.add_subcommand(cmd.name, cmd.help);
    sub->group("Commands");
    sub->set_help_flag();  // --help after the command is the global one
    sub->fallthrough();    // global options after the command too
    sub->allow_extras();
    add_arguments(sub, cmd.verb, opt, raw);
    sub->callback([&chosen, &cmd] { chosen = &cmd; });
  }
  if (all) add_help_command(app, raw);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    auto parsed = app.get_subcommands();
    return print_help(app, parsed.empty() ? nullptr : parsed.front());
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --version
    return usage_error(s.json, parse_problem(app, e));
  }
  auto parsed = app.get_subcommands();
  if (auto problem = leftover_problem(app, parsed.empty() ? nullptr : parsed.front())) {
    return usage_error(s.json, *problem);
  }
  if (chosen == nullptr) return help(app, raw.topic, s.json);
  if (auto problem = read_values(raw, opt)) return usage_error(s.json, *problem);
  Verbosity v = opt.quiet ? Verbosity::quiet : opt.verbose ? Verbosity::verbose : Verbosity::normal;
  setup_logging(v);
  if (!opt.service.empty()) opt.services = {opt.service};
  return execute(chosen->verb, opt, v);
}

}  // namespace daemonctl::cli
