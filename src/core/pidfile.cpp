#include "core/pidfile.h"

#include <charconv>

#include "common/escape.h"

namespace daemonctl::core {
namespace {

constexpr std::string_view kBlanks = " \t\n";

std::string_view trim(std::string_view s) {
  auto b = s.find_first_not_of(kBlanks);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kBlanks) - b + 1);
}

template <class T>
bool parse_number(std::string_view s, T& out) {
  if (s.empty() || s.size() > 20) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

Result<pid_t> parse_pidfile(std::string_view text, pid_t pid_max) {
  auto invalid = [](const std::string& why) { return Error{ExitStatus::failure, why}; };
  std::string_view s = trim(text);
  if (s.empty()) return invalid("it is empty");
  if (s.find_first_of(kBlanks) != std::string_view::npos) return invalid("it holds more than a pid");
  long long pid = 0;
  if (!parse_number(s, pid)) return invalid("'" + text::escape(s, 20) + "' is not a pid");
  if (pid <= 1 || pid >= pid_max) return invalid("pid " + std::to_string(pid) + " is out of range");
  return static_cast<pid_t>(pid);
}

std::string format_record(const Record& r) {
  std::string text = "pid " + std::to_string(r.pid) + "\nstarttime " + std::to_string(r.starttime) + "\nboot_id " +
                     r.boot_id + "\npgid " + std::to_string(r.pgid) + "\n";
  if (r.monitor == 0) return text;
  text += "monitor " + std::to_string(r.monitor) + "\nmonitor_starttime " + std::to_string(r.monitor_starttime) +
          "\nrestarts " + std::to_string(r.restarts) + "\nphase " + r.phase + "\n";
  if (!r.last_exit.empty()) text += "last_exit " + r.last_exit + "\n";
  return text;
}

std::optional<Record> parse_record(std::string_view text) {
  Record r;
  bool pid = false, start = false, boot = false, pgid = false;
  bool monitor = false, monitor_start = false, restarts = false;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    auto sp = line.find(' ');
    if (sp == std::string_view::npos) return std::nullopt;
    std::string_view key = line.substr(0, sp), value = line.substr(sp + 1);
    if (key == "pid") pid = parse_number(value, r.pid);
    else if (key == "starttime") start = parse_number(value, r.starttime);
    else if (key == "boot_id") boot = !(r.boot_id = std::string(value)).empty();
    else if (key == "pgid") pgid = parse_number(value, r.pgid);
    else if (key == "monitor") monitor = parse_number(value, r.monitor);
    else if (key == "monitor_starttime") monitor_start = parse_number(value, r.monitor_starttime);
    else if (key == "restarts") restarts = parse_number(value, r.restarts);
    else if (key == "phase") r.phase = std::string(value);
    else if (key == "last_exit") r.last_exit = std::string(value);
  }
  if (!(pid && start && boot && pgid) || r.pid <= 1) return std::nullopt;
  if (r.monitor != 0) {
    bool phase = r.phase == "running" || r.phase == "restarting" || r.phase == "failed";
    if (!(monitor && monitor_start && restarts && phase) || r.monitor <= 1 || r.restarts < 0) return std::nullopt;
  }
  return r;
}

}  // namespace daemonctl::core
