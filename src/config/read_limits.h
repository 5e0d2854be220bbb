// The reader of [limits]: resource limits by name (limits.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/limits.h"
#include "config/read_context.h"

namespace daemonctl::config {

/// A table of limit names, each a number, "infinity" or "SOFT:HARD"; every
/// good limit is returned, in the order of the names, even if others are
/// reported.
std::optional<std::vector<Limit>> read_limits(ReadContext& c, const Value& v, const std::string& key);

}  // namespace daemonctl::config
