// Lexical path helpers for service files: no file system access but getcwd.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace daemonctl::config {

/// `path` with empty and "." components dropped ("/a//./b/" -> "/a/b"); ".."
/// is kept, since it cannot be resolved without looking at symbolic links.
std::string normalize_path(std::string_view path);

/// An absolute `path` as written; a relative one joined to `base_dir` and normalised.
std::string resolve_path(const std::string& base_dir, const std::string& path);

/// `path` made absolute against the current directory and normalised.
Result<std::string> absolute_path(const std::string& path);

/// The folder part of an absolute path: "/a/b.toml" -> "/a", "/b.toml" -> "/".
std::string parent_dir(const std::string& absolute_path);

/// The last component: "a/b.toml" -> "b.toml".
std::string_view file_name(std::string_view path);

}  // namespace daemonctl::config
