// Where a command's results go: "name: line" text on stdout and errors on
// stderr, or with --json one JSON array on stdout and nothing else.
#pragma once

#include <string>

#include "cli/json.h"
#include "cli/report.h"
#include "common/result.h"

namespace daemonctl::cli {

/// "config", "not-installed", ...: an exit status as a word for JSON.
const char* status_word(ExitStatus s);

class Output {
 public:
  Output(Verbosity v, bool json) : verbosity_(v), json_(json) {}
  ~Output();  ///< closes the JSON array
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  bool json() const { return json_; }
  Verbosity verbosity() const { return verbosity_; }

  /// A service's result: its text lines, or with JSON `object` (given the
  /// name, and the text as "message", unless it has them).
  void result(const std::string& name, const std::string& text, JsonObject object);
  /// A failure about service `name` (may be "") in `file` (may be ""): an
  /// error message on stderr, or with JSON one object per diagnostic (or one
  /// for the error).
  void failure(const std::string& name, const std::string& file, const Error& e);
  /// A JSON object as it is (JSON only).
  void object(const JsonObject& o);

 private:
  Verbosity verbosity_;
  bool json_;
  bool first_ = true;
};

}  // namespace daemonctl::cli
