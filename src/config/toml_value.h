// The parsed TOML document as the readers see it.
#pragma once

#include <map>
#include <toml.hpp>
#include <vector>

namespace daemonctl::config {

/// A value of the document, tables as std::map: their keys in sorted order,
/// which is the order their problems are found in.
using Value = toml::basic_value<toml::discard_comments, std::map, std::vector>;

}  // namespace daemonctl::config
