#include "tools/systemd_syntax.h"

#include <chrono>

#include "common/escape.h"

namespace daemonctl::tools {
namespace {

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

bool plain(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("-_./:,+=@").find(static_cast<char>(c)) != std::string_view::npos;
}

/// `text` in double quotes, escaped as systemd's C-style unquoting reads it
/// back; `$` doubled if `dollars`. Control characters and bytes that are not
/// UTF-8 as common/escape.h writes them: systemd reads "\n", "\t" and "\xNN"
/// back as the very bytes.
std::string quoted(std::string_view text, bool dollars) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '%': out += "%%"; break;
      case '$': out += dollars ? "$$" : "$"; break;
      default: out += c;
    }
  }
  return "\"" + text::escape(out) + "\"";
}

bool all_plain(std::string_view word) {
  for (unsigned char c : word) {
    if (!plain(c)) return false;
  }
  return !word.empty();
}

}  // namespace

std::string systemd_exec_word(std::string_view word) {
  return all_plain(word) ? std::string(word) : quoted(word, true);
}

std::string systemd_exec_path(std::string_view path) {
  return all_plain(path) ? std::string(path) : quoted(path, false);
}

bool systemd_env_name_ok(std::string_view name) {
  if (name.empty() || (name.front() >= '0' && name.front() <= '9')) return false;
  for (unsigned char c : name) {
    if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

bool systemd_env_value_ok(std::string_view value) {
  for (unsigned char c : value) {
    if (is_control(c) && c != '\t' && c != '\n') return false;
  }
  return true;
}

std::string systemd_env_assignment(std::string_view name, std::string_view value) {
  return quoted(std::string(name) + "=" + std::string(value), false);
}

std::optional<std::string> systemd_path(std::string_view path) {
  if (path.empty() || path.front() == ' ' || path.back() == ' ') return std::nullopt;
  // Unquoted: nothing to escape a control or a byte that is not UTF-8 with.
  if (text::escape(path) != path) return std::nullopt;
  std::string out;
  for (char c : path) out += c == '%' ? std::string("%%") : std::string(1, c);
  return out;
}

std::string systemd_timespan(config::Duration d) {
  using namespace std::chrono;
  // systemd counts in microseconds: round up, so that 1ns stays above 0.
  auto left = ceil<microseconds>(d).count();
  if (left <= 0) return "0";
  struct Unit {
    long long us;
    const char* name;
  };
  constexpr Unit kUnits[] = {{3'600'000'000LL, "h"}, {60'000'000LL, "min"}, {1'000'000LL, "s"}, {1'000LL, "ms"},
                             {1LL, "us"}};
  std::string out;
  for (const Unit& u : kUnits) {
    if (left < u.us) continue;
    if (!out.empty()) out += ' ';
    out += std::to_string(left / u.us) + u.name;
    left %= u.us;
  }
  return out;
}

}  // namespace daemonctl::tools
