#include "config/read_context.h"

#include <algorithm>
#include <tuple>

namespace daemonctl::config {

void ReadContext::error(const Value& at, std::string message) {
  // Locating a value counts the lines above it, so thousands of problems
  // in a big file would take quadratic time.
  if (full()) return void(++unshown_);
  auto loc = at.location();
  diagnostics_.push_back({file_, loc.line(), loc.column(), std::move(message)});
}

void ReadContext::file_error(std::string message) {
  if (full()) return void(++unshown_);
  diagnostics_.push_back({file_, 0, 0, std::move(message)});
}

std::vector<Diagnostic> ReadContext::sorted_diagnostics() && {
  std::stable_sort(diagnostics_.begin(), diagnostics_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  if (unshown_ != 0) {
    std::string total = std::to_string(diagnostics_.size() + unshown_);
    std::string shown = std::to_string(diagnostics_.size());
    diagnostics_.insert(diagnostics_.begin(), {file_, 0, 0, total + " problems, " + shown + " of them shown below"});
  }
  return std::move(diagnostics_);
}

}  // namespace daemonctl::config
