// The reader of `stdout` and `stderr`: a path, or a table for a rotated file.
#pragma once

#include <string>
#include <string_view>

#include "config/read_context.h"
#include "config/service_spec.h"

namespace daemonctl::config {

/// The keys of `stdout` or `stderr` written as a table.
inline constexpr std::string_view kLogKeys[] = {"file", "max_size", "keep"};

/// `stdout`/`stderr` (the key): a path, or `{ file = PATH, max_size = SIZE,
/// keep = N }`. Sets `path` and each part of `rotation` that is valid, even
/// if another is not.
void read_log(ReadContext& c, const Value& v, const std::string& key, std::string& path, Rotation& rotation);

}  // namespace daemonctl::config
