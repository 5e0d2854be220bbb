// toml11's exceptions as diagnostics: FILE:LINE:COL and one short line.
#pragma once

#include <string>
#include <string_view>
#include <toml.hpp>

#include "config/diagnostic.h"

namespace daemonctl::config {

/// The first line of a toml11 message without its "[error] toml::func: "
/// decoration or final period, keys in it shortened; "invalid TOML" if
/// nothing is left.
std::string toml_message(std::string_view full);

/// `e` located in the file `path`: at the column toml11 underlines in its
/// message if it draws one, else where its location says.
Diagnostic toml_diagnostic(const std::string& path, const toml::exception& e);

}  // namespace daemonctl::config
