// Checks on a service file's raw text, made before toml11 sees it: toml11
// misreports invalid bytes (or, in a 'literal string', trips an assertion),
// recurses once per level of nesting, so deep nesting would overflow the
// stack, and takes time quadratic in the length of a line of many values.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "config/diagnostic.h"

namespace daemonctl::config {

/// How deeply arrays, tables and dotted keys may nest; real files use 3.
inline constexpr int kMaxNesting = 64;

/// The first byte TOML forbids: invalid UTF-8 ("invalid UTF-8 byte 0xff:
/// service files must be UTF-8 text"), or a control character other than
/// tab, newline and CR before newline ("control character U+0001 is not
/// allowed; in a string, write it as \u0001"). Located by line and byte
/// column, as toml11 locates its own errors; `path` names the file.
std::optional<Diagnostic> check_characters(std::string_view text, const std::string& path);

/// toml11 scans the whole line of every value it reads (for comments, even
/// when told to discard them, and to format an error it then drops), so a
/// line of 400000 array items takes minutes. A file may make it scan at most
/// this many bytes: 16 values on a 1 MiB line, or 16384 on a 1 KiB one; about
/// a second at worst. A real service file needs less than a thousandth.
inline constexpr std::size_t kMaxParseWork = std::size_t{16} << 20;

/// The first place where the file's shape would make toml11 overflow the
/// stack or take too long, outside strings and comments:
/// - a '[', '{' or '.' that nests deeper than kMaxNesting ("nested too deeply:
///   at most 64 levels of arrays and tables"). Each dot of a dotted key is a
///   level, and so, harmlessly, is a float's point. A [header]'s levels are
///   not carried to the keys below it, so toml11 sees at most twice kMaxNesting;
/// - the '=', ',', '[', '{' or '.' (each starts a value or a key) at which the
///   sum of the lengths of their lines passes kMaxParseWork ("too many values
///   on long lines: put array items on lines of their own, or make inline
///   tables [tables]").
std::optional<Diagnostic> check_structure(std::string_view text, const std::string& path);

}  // namespace daemonctl::config
