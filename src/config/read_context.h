// What every reader of a service file gets: the file's folder, and where
// to put the problems it finds.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "config/diagnostic.h"
#include "config/toml_value.h"

namespace daemonctl::config {

/// The checks of one file put what they find here: the first
/// kMaxDiagnostics problems; the rest are only counted. Holds references to
/// `file` and `base_dir`, which must outlive it.
class ReadContext {
 public:
  ReadContext(const std::string& file, const std::string& base_dir) : file_(file), base_dir_(base_dir) {}

  /// A problem with `at`, located where it is written.
  void error(const Value& at, std::string message);
  /// A problem with the file as a whole.
  void file_error(std::string message);

  /// The file as named in messages.
  const std::string& file() const { return file_; }
  /// The absolute folder relative paths in the file are resolved against.
  const std::string& base_dir() const { return base_dir_; }
  bool failed() const { return !diagnostics_.empty(); }

  /// By position; if some were dropped, first a line saying so, which
  /// keeps the file-as-a-whole problems (line 0) first.
  std::vector<Diagnostic> sorted_diagnostics() &&;

 private:
  static constexpr std::size_t kMaxDiagnostics = 20;
  bool full() const { return diagnostics_.size() >= kMaxDiagnostics; }

  const std::string& file_;
  const std::string& base_dir_;
  std::vector<Diagnostic> diagnostics_;
  std::size_t unshown_ = 0;
};

}  // namespace daemonctl::config
