// One problem found in a file, located where it is written.
#pragma once

#include <string>

namespace daemonctl {

struct Diagnostic {
  std::string file;  ///< as given to the loader
  unsigned line = 0;    ///< 1-based; 0 when unknown
  unsigned column = 0;  ///< 1-based; 0 when unknown
  std::string message;  ///< lower-case, no trailing period

  /// "file:line:col: message" (or "file: message" without a location).
  std::string to_string() const;
};

}  // namespace daemonctl
