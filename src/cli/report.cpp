#include "cli/report.h"

#include <unistd.h>

#include <cstdio>
#include <string_view>

#include "cli/progress.h"
#include "cli/style.h"
#include "common/escape.h"
#include "common/log.h"
#include "posix/terminal.h"

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

std::string result_lines(const std::string& name, const std::string& text, Verbosity v) {
  if (v == Verbosity::quiet) return {};
  const bool colour = style::colour_stdout();
  const std::string shown_name = text::escape(name);
  std::string lines;
  // Escaped before the colour goes on: its escape codes are ours.
  for_each_line(text, [&](std::string_view line) {
    std::string shown = text::escape(line);
    if (colour) shown = style::state_line(shown);
    lines.append(shown_name).append(": ").append(shown).append(1, '\n');
  });
  return lines;
}

void print_lines(const std::string& lines) {
  if (lines.empty()) return;
  around_progress([&] {
    std::fwrite(lines.data(), 1, lines.size(), stdout);
    // Flushed only for a terminal (a progress line shares it); else stdio
    // buffers, and whatever goes to stderr flushes stdout first (log.cpp).
    static const bool terminal = posix::is_terminal(STDOUT_FILENO);
    if (terminal) std::fflush(stdout);
  });
}

void print_result(const std::string& name, const std::string& text, Verbosity v) {
  print_lines(result_lines(name, text, v));
}

void print_error(const std::string& name, const Error& e) {
  // One message per problem of a file; else one message, a newline in it
  // escaped (log escapes every message) so that it stays one line.
  auto one = [&](const std::string& message) { log::error(name.empty() ? message : name + ": " + message); };
  if (e.diagnostics.empty()) one(e.message);
  for (const Diagnostic& d : e.diagnostics) one(d.to_string());
  if (e.details.empty()) return;
  around_progress([&] {
    std::fflush(stdout);
    for (const std::string& line : e.details) std::fprintf(stderr, "  %s\n", text::escape(line).c_str());
    std::fflush(stderr);
  });
}

}  // namespace daemonctl::cli
