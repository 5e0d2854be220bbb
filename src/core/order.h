// Dependency order: which services must be started before which.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/result.h"

namespace daemonctl::core {

/// deps[i]: the indices that i must come after.
using Dependencies = std::vector<std::vector<std::size_t>>;

/// The indices 0..n-1 in an order where each comes after its dependencies,
/// ties kept in index order. A cycle is an Error (status config) naming it
/// with `names`: "dependency cycle: a -> b -> a".
Result<std::vector<std::size_t>> dependency_order(const Dependencies& deps, const std::vector<std::string>& names);

/// The reverse relation: who depends on i (to stop dependents first).
Dependencies reversed(const Dependencies& deps);

}  // namespace daemonctl::core
