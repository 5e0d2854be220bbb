#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace daemonctl::config {

/// The candidate closest to `word` by edit distance, if close enough to be a
/// likely typo (distance <= max(1, word.size() / 3)).
std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace daemonctl::config
