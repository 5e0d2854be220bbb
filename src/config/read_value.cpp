#include "config/read_value.h"

#include <charconv>
#include <string_view>
#include <utility>
#include <variant>

#include "config/duration.h"
#include "config/paths.h"
#include "posix/signal_name.h"
#include "config/wording.h"

namespace daemonctl::config {
namespace {

/// "022", "0022", "22", "0o022" -> 022; nullopt unless octal and at most 0777.
std::optional<mode_t> parse_octal_umask(std::string_view text) {
  if (text.starts_with("0o")) text.remove_prefix(2);
  if (text.empty()) return std::nullopt;
  mode_t mask = 0;
  for (char ch : text) {
    if (ch < '0' || ch > '7') return std::nullopt;
    mask = mask * 8 + static_cast<mode_t>(ch - '0');
    if (mask > 0777) return std::nullopt;
  }
  return mask;
}

/// "10MiB" -> 10485760; nullopt unless a number of at least 1 and a known
/// unit, at most 2^50 bytes.
std::optional<std::uint64_t> parse_size(std::string_view text) {
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  static const std::pair<std::string_view, std::uint64_t> kUnits[] = {
      {"", 1},           {"B", 1},          {"K", 1000},        {"KB", 1000},        {"KiB", 1024},
      {"M", 1000000},    {"MB", 1000000},   {"MiB", 1 << 20},   {"G", 1000000000},   {"GB", 1000000000},
      {"GiB", 1ull << 30}};
  for (const auto& [name, factor] : kUnits) {
    if (ec == std::errc() && end != text.data() && unit == name && n > 0 && n <= (1ull << 50) / factor) return n * factor;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> read_string(ReadContext& c, const Value& v, const std::string& key) {
  if (!v.is_string()) {
    c.error(v, quote(key) + " must be a string");
    return std::nullopt;
  }
  const std::string& s = v.as_string().str;
  if (s.find('\0') != std::string::npos) {
    c.error(v, quote(key) + " must not contain a NUL character");
    return std::nullopt;
  }
  return s;
}

std::optional<bool> read_bool(ReadContext& c, const Value& v, const std::string& key) {
  if (v.is_boolean()) return v.as_boolean();
  c.error(v, quote(key) + " must be a boolean");
  return std::nullopt;
}

std::optional<int> read_int_in(ReadContext& c, const Value& v, const std::string& key, int low, int high) {
  if (!v.is_integer() || v.as_integer() < low || v.as_integer() > high) {
    c.error(v, quote(key) + " must be an integer from " + std::to_string(low) + " to " + std::to_string(high));
    return std::nullopt;
  }
  return static_cast<int>(v.as_integer());
}

std::optional<std::string> read_path(ReadContext& c, const Value& v, const std::string& key) {
  auto s = read_string(c, v, key);
  if (!s) return std::nullopt;
  if (s->empty()) {
    c.error(v, quote(key) + " must not be empty");
    return std::nullopt;
  }
  return resolve_path(c.base_dir(), *s);
}

std::optional<Duration> read_duration(ReadContext& c, const Value& v, const std::string& key) {
  std::variant<Duration, std::string> d;
  std::string shown;
  if (v.is_string()) {
    shown = quote(v.as_string().str);
    d = parse_duration_checked(v.as_string().str);
  } else if (v.is_integer()) {
    shown = std::to_string(v.as_integer());
    d = duration_from_seconds_checked(static_cast<double>(v.as_integer()));
  } else if (v.is_floating()) {
    shown = number_text(v.as_floating());
    d = duration_from_seconds_checked(v.as_floating());
  } else {
    c.error(v, quote(key) + " must be a duration: a number of seconds or a string like \"1.5s\" or \"250ms\"");
    return std::nullopt;
  }
  if (auto* why = std::get_if<std::string>(&d)) {
    c.error(v, "invalid duration " + shown + ": " + *why);
    return std::nullopt;
  }
  return std::get<Duration>(d);
}

std::optional<Duration> read_positive_duration(ReadContext& c, const Value& v, const std::string& key) {
  auto d = read_duration(c, v, key);
  if (d && *d <= Duration::zero()) {
    c.error(v, quote(key) + " must be greater than 0");
    return std::nullopt;
  }
  return d;
}

std::optional<int> read_signal(ReadContext& c, const Value& v, const std::string& key) {
  std::string text;
  if (v.is_integer()) text = std::to_string(v.as_integer());
  else if (v.is_string()) text = v.as_string().str;
  else {
    c.error(v, quote(key) + " must be a signal name or number");
    return std::nullopt;
  }
  auto sig = posix::parse_signal(text);
  if (!sig) c.error(v, "unknown signal " + (v.is_integer() ? text : quote(text)));
  return sig;
}

namespace {

// read_umask and read_mode: `noun` names the value in messages.
std::optional<mode_t> read_octal(ReadContext& c, const Value& v, const std::string& key, const std::string& noun) {
  if (v.is_integer()) {
    auto n = v.as_integer();
    if (n >= 0 && n <= 0777) return static_cast<mode_t>(n);
    c.error(v, "invalid " + noun + " " + std::to_string(n) + ": must be between 0 and 0o777 (511)");
  } else if (v.is_string()) {
    if (auto mask = parse_octal_umask(v.as_string().str)) return mask;
    c.error(v, "invalid " + noun + " " + quote(v.as_string().str) + ": use octal digits, at most 0777");
  } else {
    c.error(v, quote(key) + " must be an integer or a string of octal digits");
  }
  return std::nullopt;
}

}  // namespace

std::optional<mode_t> read_umask(ReadContext& c, const Value& v, const std::string& key) {
  return read_octal(c, v, key, "umask");
}

std::optional<mode_t> read_mode(ReadContext& c, const Value& v, const std::string& key) {
  return read_octal(c, v, key, "mode");
}

std::optional<std::uint64_t> read_size(ReadContext& c, const Value& v, const std::string& key) {
  if (v.is_integer() && v.as_integer() > 0) return static_cast<std::uint64_t>(v.as_integer());
  if (v.is_string()) {
    if (auto size = parse_size(v.as_string().str)) return size;
  }
  c.error(v, quote(key) + " must be a size like \"10MiB\", \"512KiB\" or a number of bytes");
  return std::nullopt;
}

std::optional<Endpoint> read_endpoint(ReadContext& c, const Value& v, const std::string& key) {
  auto text = read_string(c, v, key);
  if (!text) return std::nullopt;
  std::string why;
  if (auto endpoint = parse_endpoint(*text, &why)) return endpoint;
  c.error(v, "invalid " + quote(key) + " " + quote(*text) + ": " + why);
  return std::nullopt;
}

std::optional<ServiceType> read_type(ReadContext& c, const Value& v, const std::string& key) {
  auto text = read_string(c, v, key);
  if (!text) return std::nullopt;
  if (*text == "simple") return ServiceType::simple;
  if (*text == "forking") return ServiceType::forking;
  c.error(v, "unknown " + quote(key) + " " + quote(*text) + ": \"simple\" (the default) or \"forking\"");
  return std::nullopt;
}

std::optional<RestartPolicy> read_policy(ReadContext& c, const Value& v, const std::string& key) {
  auto text = read_string(c, v, key);
  if (!text) return std::nullopt;
  if (*text == "no") return RestartPolicy::no;
  if (*text == "on-failure") return RestartPolicy::on_failure;
  if (*text == "always") return RestartPolicy::always;
  c.error(v, "unknown " + quote(key) + " " + quote(*text) + ": \"no\" (the default), \"on-failure\" or \"always\"");
  return std::nullopt;
}

}  // namespace daemonctl::config
