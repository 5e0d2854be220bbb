// How service-file messages show what the file says: on one line, and short.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace daemonctl::config {

/// How many characters of a value a message shows: a 1 MiB value must not
/// make a 1 MiB message.
inline constexpr std::size_t kMaxShown = 60;

/// `text` with control characters escaped, so a message stays on one line,
/// and cut after kMaxShown characters (not bytes) with "...".
std::string shorten(std::string_view text);

/// 'text', escaped and shortened as shorten() does.
std::string quote(std::string_view text);

/// A TOML float as written in messages: shortest form ("1.5", "-2", "inf").
std::string number_text(double value);

}  // namespace daemonctl::config
