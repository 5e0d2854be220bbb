// Reading a service file from disk: bounded, text only, errors as values.
#pragma once

#include <cstddef>
#include <string>

#include "common/result.h"

namespace daemonctl::config {

/// Service files are small; anything bigger is a mistake (or /dev/zero).
inline constexpr std::size_t kMaxServiceFileSize = 1 << 20;

/// The whole text of the file at `path`, at most kMaxServiceFileSize bytes
/// and without NUL bytes. Errors name `path` as given and have status config,
/// but privilege for EACCES and EPERM:
/// "cannot read service file 'x': No such file or directory",
/// "'x': file too large (over 1 MiB)", "'x': not a text file".
Result<std::string> read_text_file(const std::string& path);

}  // namespace daemonctl::config
