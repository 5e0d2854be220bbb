// The only entry point into service files. toml11 stays behind it, inside
// src/config/: schema.cpp and the readers it names.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/result.h"
#include "config/diagnostic.h"
#include "config/service_spec.h"

namespace daemonctl::config {

/// Parses and validates a service file's text. `path` names it in messages;
/// relative paths in the file are resolved against `base_dir` (absolute).
/// ServiceSpec.file is base_dir joined with the file name of `path`.
/// Text toml11 would misread or choke on (invalid UTF-8, control characters,
/// deep nesting, long lines of many values; see text_check.h) is refused
/// with one diagnostic before it is parsed.
/// Returns the spec, or the problems found (at least one), sorted by
/// position; problems with the file as a whole (line 0) come first. At most
/// 20 are reported; if there were more, the first diagnostic (line 0) says
/// "N problems, 20 of them shown below".
std::variant<ServiceSpec, std::vector<Diagnostic>> parse_service(std::string_view text,
                                                                 const std::string& path,
                                                                 const std::string& base_dir);

/// Reads (bounded to 1 MiB) and parses the file at `path`. A file that cannot
/// be read is an Error (status config for ENOENT, privilege for EACCES); an
/// invalid file is an Error with status config whose message holds every
/// diagnostic, one per line.
Result<ServiceSpec> load_service(const std::string& path);

}  // namespace daemonctl::config
