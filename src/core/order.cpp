#include "core/order.h"

#include <algorithm>

namespace daemonctl::core {
namespace {

// A cycle through the unordered nodes (each has a dependency among them):
// follow dependencies from `start` until a node repeats.
std::string describe_cycle(const Dependencies& deps, const std::vector<bool>& placed, std::size_t start,
                           const std::vector<std::string>& names) {
  std::vector<std::size_t> path;
  std::vector<bool> seen(deps.size(), false);
  std::size_t at = start;
  while (!seen[at]) {
    seen[at] = true;
    path.push_back(at);
    at = *std::find_if(deps[at].begin(), deps[at].end(), [&](std::size_t d) { return !placed[d]; });
  }
  std::string text;
  for (auto it = std::find(path.begin(), path.end(), at); it != path.end(); ++it) text += names[*it] + " -> ";
  return text + names[at];
}

}  // namespace

Result<std::vector<std::size_t>> dependency_order(const Dependencies& deps, const std::vector<std::string>& names) {
  std::size_t n = deps.size();
  std::vector<bool> placed(n, false);
  std::vector<std::size_t> order;
  order.reserve(n);
  // Repeatedly take the first node whose dependencies are all placed:
  // quadratic, and n is a machine's services.
  while (order.size() < n) {
    std::size_t next = n;
    for (std::size_t i = 0; i < n && next == n; ++i) {
      if (!placed[i] && std::all_of(deps[i].begin(), deps[i].end(), [&](std::size_t d) { return placed[d]; })) next = i;
    }
    if (next == n) {
      std::size_t first = static_cast<std::size_t>(std::find(placed.begin(), placed.end(), false) - placed.begin());
      // The walk must start on the cycle itself or a node leading to it.
      return Error{ExitStatus::config, "dependency cycle: " + describe_cycle(deps, placed, first, names)};
    }
    placed[next] = true;
    order.push_back(next);
  }
  return order;
}

Dependencies reversed(const Dependencies& deps) {
  Dependencies out(deps.size());
  for (std::size_t i = 0; i < deps.size(); ++i) {
    for (std::size_t d : deps[i]) out[d].push_back(i);
  }
  return out;
}

}  // namespace daemonctl::core
