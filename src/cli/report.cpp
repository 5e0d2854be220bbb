#include "cli/report.h"

#include <cstdio>
#include <string_view>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

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
  auto logger = spdlog::stderr_color_st("daemonctl");
  logger->set_pattern("daemonctl: %^%l%$: %v");
  logger->set_level(v == Verbosity::verbose ? spdlog::level::debug
                    : v == Verbosity::quiet ? spdlog::level::err
                                            : spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
}

void print_result(const std::string& name, const std::string& text, Verbosity v) {
  if (v == Verbosity::quiet) return;
  for_each_line(text, [&](std::string_view line) {
    std::fprintf(stdout, "%s: %.*s\n", name.c_str(), static_cast<int>(line.size()), line.data());
  });
  std::fflush(stdout);
}

void print_error(const std::string& name, const Error& e) {
  for_each_line(e.message, [&](std::string_view line) {
    if (name.empty()) spdlog::error("{}", line);
    else spdlog::error("{}: {}", name, line);
  });
}

}  // namespace daemonctl::cli
