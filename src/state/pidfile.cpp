#include "state/pidfile.h"

#include <charconv>

#include "common/escape.h"

namespace daemonctl::state {
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

Result<pid_t> parse_pidfile_first_line(std::string_view text, pid_t pid_max) {
  return parse_pidfile(text.substr(0, text.find('\n')), pid_max);
}

std::string output_fifo(const std::string& record, int stream) {
  std::string_view base = record;
  if (base.ends_with(".record")) base.remove_suffix(7);
  return std::string(base) + (stream == 2 ? ".stderr" : ".stdout");
}

}  // namespace daemonctl::state
