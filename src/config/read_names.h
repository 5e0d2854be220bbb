// Readers of names: the service's own, the services it starts after, and
// the user and group it runs as. Names are checked, never looked up.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/read_context.h"

namespace daemonctl::config {

/// Why `name` cannot name a service, as the end of a message; "" if it can:
/// [A-Za-z0-9._@-]{1,128}.
std::string name_problem(std::string_view name);

/// A service name.
std::optional<std::string> read_name(ReadContext& c, const Value& v, const std::string& key);

/// `after`: an array of service names, each named once.
std::optional<std::vector<std::string>> read_after(ReadContext& c, const Value& v, const std::string& key);

/// `runtime_directory`: one folder name, not a path: no '/', not "." or
/// "..", at most 255 bytes (NAME_MAX).
std::optional<std::string> read_folder_name(ReadContext& c, const Value& v, const std::string& key);

/// 'user' or 'group' (the key): a name or a numeric id, as a string or an
/// integer; an id is returned in decimal.
std::optional<std::string> read_account(ReadContext& c, const Value& v, const std::string& key);

}  // namespace daemonctl::config
