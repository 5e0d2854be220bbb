#include "monitor/own_lines.h"

#include <chrono>

#include "state/monitor_plan.h"
#include "monitor/rotating_log.h"
#include "posix/files.h"
#include "posix/io.h"

namespace daemonctl::monitor {

void write_text(int fd, const std::string& text) {
  if (fd >= 0) (void)posix::write_all(fd, text);
}

void note_plain(int fd, std::string line) {
  if (file_ends_mid_line(fd)) line.insert(0, "\n");
  write_text(fd, line);
}

std::string seconds_text(std::chrono::nanoseconds d) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  if (ms < 1000) return std::to_string(ms) + "ms";
  std::string text = std::to_string(ms / 1000);
  if (ms % 1000 != 0) {
    std::string frac = std::to_string(1000 + ms % 1000).substr(1);
    while (frac.back() == '0') frac.pop_back();
    text += "." + frac;
  }
  return text + "s";
}

std::string cat(std::initializer_list<std::string_view> parts) {
  std::size_t size = 0;
  for (std::string_view part : parts) size += part.size();
  std::string text;
  text.reserve(size);
  for (std::string_view part : parts) text += part;
  return text;
}

std::string num(long n) { return std::to_string(n); }

std::vector<std::string> daemon_environment() {
  std::vector<std::string> env;
  posix::UniqueFd fd(state::kEnvFd);
  auto text = posix::read_fd(fd.get(), "the environment", 1 << 20);
  fd.reset();
  if (!text) return env;
  for (std::size_t at = 0; at < text->size();) {
    std::size_t end = text->find('\0', at);
    if (end == std::string::npos) end = text->size();
    if (end > at) env.emplace_back(text->substr(at, end - at));
    at = end + 1;
  }
  return env;
}

}  // namespace daemonctl::monitor
