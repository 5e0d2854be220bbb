// Readers of what the daemon runs: its argv and its environment.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/read_context.h"
#include "config/service_spec.h"

namespace daemonctl::config {

/// An argv (`command`, `ready.command`): an array of strings, or a string
/// split into words like a shell would (words.h); never empty, nor is its
/// first word. A program with a '/' is made absolute against the file's
/// folder; a bare name is left for a PATH lookup at start.
std::optional<std::vector<std::string>> read_command(ReadContext& c, const Value& v, const std::string& key);

/// `start.pre`: an array of commands, each read as read_command reads one
/// (an array of strings, or a string split into words). May be empty.
std::optional<std::vector<std::vector<std::string>>> read_commands(ReadContext& c, const Value& v,
                                                                   const std::string& key);

/// A table of strings, by variable name (non-empty, without '=' or NUL).
/// Every good entry is returned, even if others are reported.
std::optional<std::map<std::string, std::string>> read_environment(ReadContext& c, const Value& v,
                                                                   const std::string& key);

/// An array of variable names (as in read_environment), each once; not
/// NOTIFY_SOCKET, which is daemonctl's own.
std::optional<std::vector<std::string>> read_pass_environment(ReadContext& c, const Value& v,
                                                              const std::string& key);

/// `clear_environment`, the old name of the default: true changes nothing,
/// false (which passed the caller's environment on) is refused, naming
/// inherit_environment, so that no file silently changes its meaning.
void read_clear_environment(ReadContext& c, const Value& v, const std::string& key, ServiceSpec& spec);

}  // namespace daemonctl::config
