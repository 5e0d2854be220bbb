#include "config/duration.h"

#include <cmath>
#include <cstdint>

namespace daemonctl::config {
namespace {

constexpr std::int64_t kNsPerMs = 1'000'000;
constexpr std::int64_t kNsPerSecond = 1'000'000'000;
constexpr std::int64_t kNsPerMinute = 60 * kNsPerSecond;
constexpr std::int64_t kNsPerHour = 60 * kNsPerMinute;
constexpr std::int64_t kMaxNs = std::chrono::duration_cast<Duration>(kMaxDuration).count();

constexpr const char* kExpectedForm = "use a number and a unit (ms, s, m, h) like \"1.5s\" or \"250ms\"";
constexpr const char* kNegative = "must not be negative";

std::string too_large() { return "too large, at most " + format_duration(kMaxDuration); }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// Removes and returns the leading run of digits of `text`.
std::string_view take_digits(std::string_view& text) {
  std::size_t n = 0;
  while (n < text.size() && is_digit(text[n])) ++n;
  std::string_view digits = text.substr(0, n);
  text.remove_prefix(n);
  return digits;
}

/// Removes a unit from the front of `text`; returns its length in ns, 0 if none.
std::int64_t take_unit(std::string_view& text) {
  // "ms" before "m", or "5ms" would read as five minutes and a stray "s".
  const std::pair<std::string_view, std::int64_t> units[] = {
      {"ms", kNsPerMs}, {"s", kNsPerSecond}, {"m", kNsPerMinute}, {"h", kNsPerHour}};
  for (const auto& [name, ns] : units) {
    if (text.starts_with(name)) {
      text.remove_prefix(name.size());
      return ns;
    }
  }
  return 0;
}

/// One "<whole>[.<fraction>]<unit>" part in ns, or nullopt when over kMaxNs.
std::optional<std::int64_t> part_ns(std::string_view whole, std::string_view fraction, std::int64_t unit) {
  while (whole.size() > 1 && whole.front() == '0') whole.remove_prefix(1);
  if (whole.size() > 18) return std::nullopt;
  std::int64_t units = 0;
  for (char c : whole) units = units * 10 + (c - '0');
  if (units > kMaxNs / unit) return std::nullopt;
  // 18 fraction digits are far below a nanosecond even in hours.
  fraction = fraction.substr(0, 18);
  long double fraction_value = 0;
  for (auto it = fraction.rbegin(); it != fraction.rend(); ++it) fraction_value = (fraction_value + (*it - '0')) / 10;
  std::int64_t ns = units * unit + std::llround(fraction_value * static_cast<long double>(unit));
  if (ns > kMaxNs) return std::nullopt;
  return ns;
}

/// value / scale in decimal without trailing zeros: decimal(1500, 1000) == "1.5".
std::string decimal(std::int64_t value, std::int64_t scale) {
  std::string out = std::to_string(value / scale);
  std::int64_t rest = value % scale;
  if (rest == 0) return out;
  std::string digits = std::to_string(rest + scale).substr(1);  // zero-padded to the scale
  digits.erase(digits.find_last_not_of('0') + 1);
  return out + "." + digits;
}

}  // namespace

std::variant<Duration, std::string> parse_duration_checked(std::string_view text) {
  if (text.starts_with('-')) return std::string(kNegative);
  if (text.empty()) return std::string(kExpectedForm);
  std::int64_t total = 0;
  bool too_big = false;
  while (!text.empty()) {
    std::string_view whole = take_digits(text);
    std::string_view fraction;
    if (text.starts_with('.')) {
      text.remove_prefix(1);
      fraction = take_digits(text);
      if (fraction.empty()) return std::string(kExpectedForm);
    }
    if (whole.empty()) return std::string(kExpectedForm);
    std::int64_t unit = take_unit(text);
    if (unit == 0) return std::string(kExpectedForm);
    auto ns = part_ns(whole, fraction, unit);
    // Keep reading: a malformed tail is reported as such, not as "too large".
    if (!ns || total + *ns > kMaxNs) too_big = true;
    else total += *ns;
  }
  if (too_big) return too_large();
  return Duration(total);
}

std::variant<Duration, std::string> duration_from_seconds_checked(double seconds) {
  if (!std::isfinite(seconds)) return std::string("must be finite");
  if (seconds < 0) return std::string(kNegative);
  if (seconds > static_cast<double>(kMaxNs) / kNsPerSecond) return too_large();
  return Duration(std::llround(seconds * kNsPerSecond));
}

std::optional<Duration> parse_duration(std::string_view text) {
  auto r = parse_duration_checked(text);
  if (auto* d = std::get_if<Duration>(&r)) return *d;
  return std::nullopt;
}

std::optional<Duration> duration_from_seconds(double seconds) {
  auto r = duration_from_seconds_checked(seconds);
  if (auto* d = std::get_if<Duration>(&r)) return *d;
  return std::nullopt;
}

std::string format_duration(Duration d) {
  std::int64_t ns = d.count();
  if (ns < 0) return "-" + format_duration(-d);
  if (ns == 0) return "0s";
  if (ns < kNsPerSecond) return decimal(ns, kNsPerMs) + "ms";
  std::string out;
  if (ns >= kNsPerHour) out += std::to_string(ns / kNsPerHour) + "h";
  ns %= kNsPerHour;
  if (ns >= kNsPerMinute) out += std::to_string(ns / kNsPerMinute) + "m";
  ns %= kNsPerMinute;
  if (ns > 0) out += decimal(ns, kNsPerSecond) + "s";
  return out;
}

}  // namespace daemonctl::config
