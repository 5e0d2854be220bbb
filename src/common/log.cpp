#include "common/log.h"

#include <utility>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "common/escape.h"

namespace daemonctl::log {
namespace {

// spdlog's stderr sink, with colour as decided, each message written
// inside `around`.
class Sink final : public spdlog::sinks::sink {
 public:
  Sink(bool colour, Around around)
      : inner_(colour ? spdlog::color_mode::always : spdlog::color_mode::never), around_(std::move(around)) {}

  void log(const spdlog::details::log_msg& msg) override {
    std::fflush(stdout);  // what was printed before comes before, also in one file
    if (around_) around_([&] { inner_.log(msg); });
    else inner_.log(msg);
  }
  void flush() override { inner_.flush(); }
  void set_pattern(const std::string& pattern) override { inner_.set_pattern(pattern); }
  void set_formatter(std::unique_ptr<spdlog::formatter> f) override { inner_.set_formatter(std::move(f)); }

 private:
  spdlog::sinks::stderr_color_sink_mt inner_;
  Around around_;
};

}  // namespace

void setup(Level min, bool colour, Around around) {
  auto logger = std::make_shared<spdlog::logger>("daemonctl", std::make_shared<Sink>(colour, std::move(around)));
  logger->set_pattern("daemonctl: %^%l%$: %v");
  constexpr spdlog::level::level_enum levels[] = {spdlog::level::debug, spdlog::level::info,
                                                  spdlog::level::warn, spdlog::level::err};
  logger->set_level(levels[static_cast<int>(min)]);
  spdlog::set_default_logger(std::move(logger));
}

namespace {

// Escaped here, the one way to stderr: a message may quote a service's
// STATUS=, argv or file names. The level's colour is spdlog's, added after.
void put(spdlog::level::level_enum level, std::string_view message) {
  spdlog::logger* logger = spdlog::default_logger_raw();
  if (logger->should_log(level)) logger->log(level, "{}", text::escape(message));
}

}  // namespace

namespace {
thread_local std::string t_scope;  // the service this thread acts on, "" if none
}  // namespace

Scope::Scope(std::string name) : saved_(std::exchange(t_scope, std::move(name))) {}
Scope::~Scope() { t_scope = std::move(saved_); }

void debug(std::string_view message) {
  if (t_scope.empty() || (message.starts_with(t_scope) && message.substr(t_scope.size()).starts_with(": "))) {
    return put(spdlog::level::debug, message);
  }
  put(spdlog::level::debug, t_scope + ": " + std::string(message));
}
void warn(std::string_view message) { put(spdlog::level::warn, message); }
void error(std::string_view message) { put(spdlog::level::err, message); }

}  // namespace daemonctl::log
