// Where a command's results go: "name: line" text on stdout and errors on
// stderr, or with --json one JSON array on stdout and nothing else.
#pragma once

#include <optional>
#include <string>

#include "cli/json.h"
#include "cli/report.h"
#include "common/result.h"

namespace daemonctl::cli {

/// "config", "not-installed", ...: an exit status as a word for JSON.
const char* status_word(ExitStatus s);

/// "name", "file", "line", "column" of a JSON object, each null when
/// unknown ("", or line 0).
JsonObject located(const std::string& name, const std::string& file, unsigned line, unsigned column);

class Output {
 public:
  /// `every_failure`: the exit status every failure gives, whatever its
  /// kind (status and list: LSB 4 "unknown"; check: 6), else none: each
  /// failure gives its own.
  Output(Verbosity v, bool json, std::optional<ExitStatus> every_failure = std::nullopt)
      : verbosity_(v), json_(json), every_failure_(every_failure) {}
  ~Output();  ///< closes the JSON array
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  bool json() const { return json_; }
  Verbosity verbosity() const { return verbosity_; }

  /// A service's result: its text lines, or with JSON `object` (given the
  /// name, and the text as "message", unless it has them).
  void result(const std::string& name, const std::string& text, JsonObject object);
  /// The exit code a failure of kind `s` gives: the one place that decides
  /// both a JSON failure's "exit" and the process's exit code.
  int exit_code(ExitStatus s) const { return to_int(every_failure_.value_or(s)); }

  /// A failure about service `name` (may be "") in `file` (may be ""): an
  /// error message on stderr, or with JSON one object per diagnostic (or one
  /// for the error): "error" (the kind), "exit", "name", "file", "line",
  /// "column", then `extra`'s members, then "message". Returns exit_code().
  int failure(const std::string& name, const std::string& file, const Error& e, const JsonObject& extra = {});
  /// A JSON object as it is (JSON only).
  void object(const JsonObject& o);
  /// A JSON object's text (JsonObject::text) as it is (JSON only).
  void object(std::string_view text);

 private:
  Verbosity verbosity_;
  bool json_;
  std::optional<ExitStatus> every_failure_;
  bool first_ = true;
};

}  // namespace daemonctl::cli
