// The help texts: `daemonctl --help`, `daemonctl COMMAND --help` and
// `daemonctl help [COMMAND]`, all from CLI11's App, without its type names
// ("UINT:INT in [1 - 64]=8"); a command's help lists the global options too.
#pragma once

#include <memory>
#include <string>

namespace CLI {
class App;
class FormatterBase;
}  // namespace CLI

namespace daemonctl::cli {

/// The formatter to set on the app before its commands are added.
std::shared_ptr<CLI::FormatterBase> help_formatter();

/// The help of `app` ("daemonctl"), or of its command `command` if not null.
std::string help_text(const CLI::App& app, const CLI::App* command);

}  // namespace daemonctl::cli
