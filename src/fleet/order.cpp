#include "fleet/order.h"

#include <algorithm>

namespace daemonctl::fleet {
namespace {

// A cycle through the unordered nodes (each has a dependency among them):
// follow dependencies from `start` until a node repeats.
std::vector<std::size_t> find_cycle(const Dependencies& deps, const std::vector<bool>& placed, std::size_t start) {
  std::vector<std::size_t> path;
  std::vector<bool> seen(deps.size(), false);
  std::size_t at = start;
  while (!seen[at]) {
    seen[at] = true;
    path.push_back(at);
    at = *std::find_if(deps[at].begin(), deps[at].end(), [&](std::size_t d) { return !placed[d]; });
  }
  std::vector<std::size_t> cycle(std::find(path.begin(), path.end(), at), path.end());
  cycle.push_back(at);
  return cycle;
}

}  // namespace

Ordering order_what_can_be(const Dependencies& deps) {
  std::size_t n = deps.size();
  std::vector<bool> placed(n, false);
  Ordering o;
  o.order.reserve(n);
  // Repeatedly take the first node whose dependencies are all placed:
  // quadratic, and n is a machine's services.
  while (o.order.size() < n) {
    std::size_t next = n;
    for (std::size_t i = 0; i < n && next == n; ++i) {
      if (!placed[i] && std::all_of(deps[i].begin(), deps[i].end(), [&](std::size_t d) { return placed[d]; })) next = i;
    }
    if (next == n) break;
    placed[next] = true;
    o.order.push_back(next);
  }
  o.ordered = o.order.size();
  if (o.ordered == n) return o;
  // The walk must start on the cycle itself or a node leading to it.
  std::size_t first = static_cast<std::size_t>(std::find(placed.begin(), placed.end(), false) - placed.begin());
  o.cycle = find_cycle(deps, placed, first);
  for (std::size_t i = 0; i < n; ++i) {
    if (!placed[i]) o.order.push_back(i);
  }
  return o;
}

std::string describe_cycle(const std::vector<std::size_t>& cycle, const std::vector<std::string>& names) {
  std::string text;
  for (std::size_t i : cycle) text += (text.empty() ? "" : " -> ") + names[i];
  return text;
}

Result<std::vector<std::size_t>> dependency_order(const Dependencies& deps, const std::vector<std::string>& names) {
  Ordering o = order_what_can_be(deps);
  if (!o.cycle.empty()) return Error{ExitStatus::config, "dependency cycle: " + describe_cycle(o.cycle, names)};
  return o.order;
}

Dependencies reversed(const Dependencies& deps) {
  Dependencies out(deps.size());
  for (std::size_t i = 0; i < deps.size(); ++i) {
    for (std::size_t d : deps[i]) out[d].push_back(i);
  }
  return out;
}

}  // namespace daemonctl::fleet
