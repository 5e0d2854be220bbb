#include "config/limits.h"

#include <charconv>
#include <iterator>

namespace daemonctl::config {
namespace {

struct Named {
  std::string_view name;
  int resource;
};

// The names of setrlimit(2)'s RLIMIT_* constants in lower case, as systemd's
// LimitNOFILE= and the like use them.
constexpr Named kLimits[] = {
    {"as", RLIMIT_AS},           {"core", RLIMIT_CORE},         {"cpu", RLIMIT_CPU},
    {"data", RLIMIT_DATA},       {"fsize", RLIMIT_FSIZE},       {"locks", RLIMIT_LOCKS},
    {"memlock", RLIMIT_MEMLOCK}, {"msgqueue", RLIMIT_MSGQUEUE}, {"nice", RLIMIT_NICE},
    {"nofile", RLIMIT_NOFILE},   {"nproc", RLIMIT_NPROC},       {"rss", RLIMIT_RSS},
    {"rtprio", RLIMIT_RTPRIO},   {"rttime", RLIMIT_RTTIME},     {"sigpending", RLIMIT_SIGPENDING},
    {"stack", RLIMIT_STACK},
};

std::optional<rlim_t> parse_value(std::string_view text, std::string* why) {
  if (text == "infinity") return RLIM_INFINITY;
  unsigned long long n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec == std::errc::invalid_argument || end != text.data() + text.size()) {
    *why = "'" + std::string(text) + "' is not a number or \"infinity\"";
    return std::nullopt;
  }
  if (ec == std::errc::result_out_of_range || static_cast<rlim_t>(n) >= RLIM_INFINITY) {
    *why = "'" + std::string(text) + "' is too large; say \"infinity\"";
    return std::nullopt;
  }
  return static_cast<rlim_t>(n);
}

std::string value_text(rlim_t v) { return v == RLIM_INFINITY ? "infinity" : std::to_string(v); }

}  // namespace

std::optional<int> limit_resource(std::string_view name) {
  for (const auto& l : kLimits) {
    if (l.name == name) return l.resource;
  }
  return std::nullopt;
}

std::string_view limit_name(int resource) {
  for (const auto& l : kLimits) {
    if (l.resource == resource) return l.name;
  }
  return "?";
}

std::vector<std::string> limit_names() {
  std::vector<std::string> names;
  for (const auto& l : kLimits) names.emplace_back(l.name);
  return names;
}

std::optional<Limit> parse_limit(std::string_view text, int resource, std::string* why) {
  std::size_t colon = text.find(':');
  auto soft = parse_value(text.substr(0, colon), why);
  if (!soft) return std::nullopt;
  auto hard = colon == text.npos ? soft : parse_value(text.substr(colon + 1), why);
  if (!hard) return std::nullopt;
  if (*soft > *hard) {
    *why = "the soft limit " + value_text(*soft) + " is above the hard limit " + value_text(*hard);
    return std::nullopt;
  }
  return Limit{resource, *soft, *hard};
}

std::string format_limit(const Limit& limit) {
  if (limit.soft == limit.hard) return value_text(limit.soft);
  return value_text(limit.soft) + ":" + value_text(limit.hard);
}

}  // namespace daemonctl::config
