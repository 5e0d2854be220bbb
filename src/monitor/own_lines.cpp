#include "monitor/own_lines.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "state/monitor_plan.h"
#include "monitor/rotating_log.h"
#include "posix/files.h"

namespace daemonctl::monitor {

void write_text(int fd, const std::string& text) {
  for (std::size_t done = 0; fd >= 0 && done < text.size();) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
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

std::vector<std::string> daemon_environment() {
  std::vector<std::string> env;
  auto text = posix::read_fd(state::kEnvFd, "the environment", 1 << 20);
  ::close(state::kEnvFd);
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
