// Output at the edge: results to stdout, diagnostics to stderr.
#pragma once

#include <string>

#include "common/result.h"

namespace daemonctl::cli {

enum class Verbosity { quiet, normal, verbose };

/// Sets up the stderr logger: "daemonctl: <level>: <message>".
void setup_logging(Verbosity v);

/// Prints each line of `text` as "<name>: <line>" on stdout (nothing when
/// quiet), `name` and the line escaped (common/escape.h), then coloured.
void print_result(const std::string& name, const std::string& text, Verbosity v);
/// What print_result prints, made before it is printed (on another thread).
std::string result_lines(const std::string& name, const std::string& text, Verbosity v);
/// Prints result_lines on stdout, around a progress line if one is shown.
void print_lines(const std::string& lines);

/// Logs `e.message` as an error, or each of `e.diagnostics` if it has any,
/// prefixed with "<name>: " if `name` is not empty; each on one line. Then
/// `e.details`, each on a line of its own, indented by two spaces, escaped.
void print_error(const std::string& name, const Error& e);

}  // namespace daemonctl::cli
