#include "common/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace daemonctl::log {

void setup(Level min) {
  auto logger = spdlog::stderr_color_mt("daemonctl");
  logger->set_pattern("daemonctl: %^%l%$: %v");
  constexpr spdlog::level::level_enum levels[] = {spdlog::level::debug, spdlog::level::info,
                                                  spdlog::level::warn, spdlog::level::err};
  logger->set_level(levels[static_cast<int>(min)]);
  spdlog::set_default_logger(std::move(logger));
}

void debug(std::string_view message) { spdlog::debug("{}", message); }
void warn(std::string_view message) { spdlog::warn("{}", message); }
void error(std::string_view message) { spdlog::error("{}", message); }

}  // namespace daemonctl::log
