// Dependency order: which services must be started before which.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/result.h"

namespace daemonctl::fleet {

/// deps[i]: the indices that i must come after.
using Dependencies = std::vector<std::vector<std::size_t>>;

/// An order of the indices 0..n-1, as far as the dependencies allow one.
struct Ordering {
  std::vector<std::size_t> order;  ///< each after its dependencies, ties in index order; then the unorderable
  std::vector<std::size_t> cycle;  ///< a cycle among the unorderable ("a -> b -> a" is {a, b, a}); empty: none
  std::size_t ordered = 0;         ///< how many of `order` are truly ordered (all, without a cycle)
};
/// Orders what it can, then appends the rest in index order.
Ordering order_what_can_be(const Dependencies& deps);

/// The indices 0..n-1 in an order where each comes after its dependencies,
/// ties kept in index order. A cycle is an Error (status config) naming it
/// with `names`: "dependency cycle: a -> b -> a".
Result<std::vector<std::size_t>> dependency_order(const Dependencies& deps, const std::vector<std::string>& names);

/// "a -> b -> a" for a cycle of order_what_can_be.
std::string describe_cycle(const std::vector<std::size_t>& cycle, const std::vector<std::string>& names);

/// The reverse relation: who depends on i (to stop dependents first).
Dependencies reversed(const Dependencies& deps);

}  // namespace daemonctl::fleet
