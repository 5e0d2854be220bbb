#include "config/suggest.h"

#include <algorithm>
#include <numeric>

namespace daemonctl::config {
namespace {

/// Optimal string alignment distance: insertions, deletions, substitutions
/// and swaps of two neighbouring characters each cost 1.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> before(b.size() + 1), above(b.size() + 1), row(b.size() + 1);
  std::iota(row.begin(), row.end(), 0);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    before.swap(above);
    above.swap(row);
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t substitute = above[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above[j] + 1, row[j - 1] + 1, substitute});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) row[j] = std::min(row[j], before[j - 2] + 1);
    }
  }
  return row[b.size()];
}

}  // namespace

std::vector<std::string> closest_all(std::string_view word, const std::vector<std::string>& candidates) {
  const std::size_t limit = std::max<std::size_t>(1, word.size() / 3);
  std::vector<std::string> best;
  std::size_t best_distance = limit;  // the farthest still taken
  for (const auto& candidate : candidates) {
    // The distance is at least the difference in length: a megabyte-long
    // unknown key is not worth a megabyte-by-word distance table.
    std::size_t gap = std::max(word.size(), candidate.size()) - std::min(word.size(), candidate.size());
    if (gap > best_distance) continue;
    std::size_t d = edit_distance(word, candidate);
    if (d > best_distance) continue;
    if (d < best_distance) {
      best.clear();
      best_distance = d;
    }
    best.push_back(candidate);
  }
  return best;
}

std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& candidates) {
  auto all = closest_all(word, candidates);
  if (all.empty()) return std::nullopt;
  return all.front();
}

std::string did_you_mean(const std::vector<std::string>& names) {
  if (names.empty()) return "";
  std::string text = ", did you mean '" + names.front() + "'";
  for (std::size_t i = 1; i < names.size(); ++i) text += (i + 1 == names.size() ? " or '" : ", '") + names[i] + "'";
  return text + "?";
}

}  // namespace daemonctl::config
