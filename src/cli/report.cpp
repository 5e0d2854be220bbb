#include "cli/report.h"

#include <unistd.h>

#include <cstdio>
#include <string_view>

#include "cli/progress.h"
#include "cli/style.h"
#include "common/log.h"

namespace daemonctl::cli {
namespace {

template <class F>
void for_each_line(std::string_view text, F&& f) {
  while (!text.empty()) {
    auto nl = text.find('\n');
    f(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

}  // namespace

void setup_logging(Verbosity v) {
  log::setup(v == Verbosity::verbose ? log::Level::debug
             : v == Verbosity::quiet ? log::Level::error
                                     : log::Level::info,
             style::colour(STDERR_FILENO), around_progress);
}

void print_result(const std::string& name, const std::string& text, Verbosity v) {
  if (v == Verbosity::quiet) return;
  const bool colour = style::colour_stdout();
  around_progress([&] {
    for_each_line(text, [&](std::string_view line) {
      std::string shown = colour ? style::state_line(line) : std::string(line);
      std::fprintf(stdout, "%s: %s\n", name.c_str(), shown.c_str());
    });
    std::fflush(stdout);
  });
}

void print_error(const std::string& name, const Error& e) {
  for_each_line(e.message, [&](std::string_view line) {
    if (name.empty()) log::error(line);
    else log::error(name + ": " + std::string(line));
  });
}

}  // namespace daemonctl::cli
