#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace daemonctl::config {

/// The candidates closest to `word` by edit distance, in their order, if
/// close enough to be a likely typo (distance <= max(1, word.size() / 3)).
/// An insertion, a deletion, a substitution or a swap of two neighbouring
/// letters ("strat" for "start") is one edit. Empty if none is close enough.
std::vector<std::string> closest_all(std::string_view word, const std::vector<std::string>& candidates);

/// The first of closest_all(), if any.
std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& candidates);

/// ", did you mean 'a'?", ", did you mean 'a' or 'b'?", ", did you mean 'a',
/// 'b' or 'c'?" for `names`; "" if there are none.
std::string did_you_mean(const std::vector<std::string>& names);

}  // namespace daemonctl::config
