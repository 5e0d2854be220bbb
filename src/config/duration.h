#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "config/service_spec.h"

namespace daemonctl::config {

/// The longest duration accepted anywhere: 365 days ("8760h").
inline constexpr Duration kMaxDuration = std::chrono::hours(24 * 365);

/// "250ms", "1.5s", "2m", "1h", "0s": a decimal number and a unit (ms, s, m, h);
/// several such parts add up ("1m30s"), so every format_duration() output parses.
/// nullopt for anything else: no unit, negative, over kMaxDuration.
std::optional<Duration> parse_duration(std::string_view text);

/// A number of seconds from TOML (int or float); nullopt if negative, not
/// finite or over kMaxDuration.
std::optional<Duration> duration_from_seconds(double seconds);

/// Like parse_duration, but on failure says why, as the end of a sentence:
/// "must not be negative", "too large, at most 8760h", or the expected form.
std::variant<Duration, std::string> parse_duration_checked(std::string_view text);

/// Like duration_from_seconds, but on failure says why ("must be finite"...).
std::variant<Duration, std::string> duration_from_seconds_checked(double seconds);

/// Human form for messages: "100ms", "10s", "1.5s", "3m12s", "2h5m", "0s";
/// under a second in ms ("1.5ms").
std::string format_duration(Duration d);

}  // namespace daemonctl::config
