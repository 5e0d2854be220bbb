// How values are written in a systemd unit file, for `export systemd`:
// quoting of command words and environment assignments, specifiers (%),
// variables ($) and time spans, as systemd 252 (Debian 12) parses them
// (systemd.syntax(7), systemd.service(5) "Command lines", systemd.time(7)).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/service_spec.h"

namespace daemonctl::tools {

/// One argument of ExecStart=. Words of letters, digits and `-_./:,+=@`
/// stay as they are; any other word, and the empty word, is written in
/// double quotes, with `\` and `"` escaped by a backslash, tab and newline
/// as `\t` and `\n`, other control characters and bytes that are not UTF-8
/// as `\xNN` (common/escape.h), `$` as `$$` (systemd expands variables in
/// arguments) and `%` as `%%` (specifiers).
std::string systemd_exec_word(std::string_view word);

/// The program word of ExecStart= (absolute): as systemd_exec_word, but `$`
/// stays as it is: systemd expands no variable in the program's path.
std::string systemd_exec_path(std::string_view path);

/// True if systemd takes `name` as an environment variable's name: letters,
/// digits and `_`, not starting with a digit.
bool systemd_env_name_ok(std::string_view name);
/// True if systemd takes `value` as a variable's value: no control byte
/// but tab and newline.
bool systemd_env_value_ok(std::string_view value);
/// `"NAME=value"` for Environment=: in double quotes, `\` and `"` escaped,
/// tab and newline as `\t` and `\n`, `%` as `%%`; `$` stays (Environment=
/// expands no variables). Both must pass the checks above.
std::string systemd_env_assignment(std::string_view name, std::string_view value);

/// A path as the value of a setting (WorkingDirectory=, PIDFile=,
/// StandardOutput=append:...): `%` as `%%`. nullopt if a unit file cannot
/// hold it: a control character or a byte that is not UTF-8 (common/escape.h),
/// or a blank at either end (systemd strips them).
std::optional<std::string> systemd_path(std::string_view path);

/// A time span as systemd reads it: "0", "100ms", "1s 500ms", "1min 30s",
/// "2h 5min"; rounded up to whole microseconds, so a duration above 0
/// never becomes 0 (which means "no timeout" to systemd).
std::string systemd_timespan(config::Duration d);

}  // namespace daemonctl::tools
