// The resource limits a service file may set, by name: [limits] nofile = 4096.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <sys/resource.h>
#include <vector>

namespace daemonctl::config {

/// One setrlimit(2) for the daemon; RLIM_INFINITY for "infinity".
struct Limit {
  int resource = 0;  ///< RLIMIT_NOFILE, ...
  rlim_t soft = 0;
  rlim_t hard = 0;
};

/// "nofile" -> RLIMIT_NOFILE; nullopt if not a limit's name.
std::optional<int> limit_resource(std::string_view name);
/// RLIMIT_NOFILE -> "nofile".
std::string_view limit_name(int resource);
/// Every name, in the order of setrlimit(2)'s list.
std::vector<std::string> limit_names();

/// "1024", "infinity", "1024:4096", "1024:infinity" -> soft and hard (a
/// single value is both). The error says why not: not a number, negative,
/// soft above hard.
std::optional<Limit> parse_limit(std::string_view text, int resource, std::string* why);

/// "1024:4096", "infinity" (both the same: one value).
std::string format_limit(const Limit& limit);

}  // namespace daemonctl::config
