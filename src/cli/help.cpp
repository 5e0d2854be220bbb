#include "cli/help.h"

#include <CLI/CLI.hpp>

namespace daemonctl::cli {
namespace {

class Formatter : public CLI::Formatter {
 public:
  Formatter() {
    label("Positionals", "Arguments");
    column_width(24);
  }

  /// "-j, --jobs", "SERVICE...".
  std::string make_option_name(const CLI::Option* opt, bool positional) const override {
    if (positional) {
      bool many = opt->get_expected_max() >= CLI::detail::expected_max_vector_size;
      return opt->get_name() + (many ? "..." : "");
    }
    std::string names;
    for (const std::string& s : opt->get_snames()) names += (names.empty() ? "-" : ", -") + s;
    for (const std::string& l : opt->get_lnames()) names += (names.empty() ? "--" : ", --") + l;
    return names;
  }

  /// "Usage: daemonctl [OPTIONS] COMMAND", "Usage: daemonctl signal [OPTIONS]
  /// SERVICE SIGNAL": a command takes the global options too.
  std::string make_usage(const CLI::App* app, std::string name) const override {
    std::string line = "Usage: " + name + " [OPTIONS]";
    for (const CLI::Option* o : app->get_options([](const CLI::Option* o) { return o->get_positional(); })) {
      line += " " + make_option_usage(o);
    }
    return line + (app->get_parent() == nullptr ? " COMMAND\n" : "\n");
  }

  /// "SERVICE SIGNAL", "[SERVICE...]" in the usage line.
  std::string make_option_usage(const CLI::Option* opt) const override {
    std::string name = make_option_name(opt, true);
    return opt->get_required() ? name : "[" + name + "]";
  }

  /// The value's name ("N", "DIR") as the option has it, and nothing else.
  std::string make_option_opts(const CLI::Option* opt) const override {
    return opt->get_option_text().empty() ? "" : " " + opt->get_option_text();
  }

  /// A command's help ends with the global options: they go before or after it.
  std::string make_help(const CLI::App* app, std::string name, CLI::AppFormatMode mode) const override {
    std::string text = CLI::Formatter::make_help(app, std::move(name), mode);
    const CLI::App* top = app->get_parent();
    if (top == nullptr) return text;
    auto globals = top->get_options([](const CLI::Option* o) { return o->nonpositional(); });
    return text.substr(0, text.size() - 1) + make_group("Global options", false, globals) + "\n";
  }
};

}  // namespace

std::shared_ptr<CLI::FormatterBase> help_formatter() { return std::make_shared<Formatter>(); }

std::string help_text(const CLI::App& app, const CLI::App* command) {
  if (command == nullptr) return app.get_formatter()->make_help(&app, app.get_name(), CLI::AppFormatMode::Normal);
  return app.get_formatter()->make_help(command, app.get_name() + " " + command->get_name(), CLI::AppFormatMode::Normal);
}

}  // namespace daemonctl::cli
