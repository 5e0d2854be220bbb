// Output at the edge: results to stdout, diagnostics to stderr.
#pragma once

#include <string>

#include "common/result.h"

namespace daemonctl::cli {

enum class Verbosity { quiet, normal, verbose };

/// Sets up the stderr logger: "daemonctl: <level>: <message>".
void setup_logging(Verbosity v);

/// Prints each line of `text` as "<name>: <line>" on stdout (nothing when quiet).
void print_result(const std::string& name, const std::string& text, Verbosity v);

/// Logs each line of `e.message` as an error, prefixed with "<name>: " if
/// `name` is not empty.
void print_error(const std::string& name, const Error& e);

}  // namespace daemonctl::cli
