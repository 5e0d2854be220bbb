#include "cli/json.h"

#include <cmath>
#include <cstdio>

namespace daemonctl::cli {
namespace {

/// Length of the valid UTF-8 sequence at the start of `s`, 0 if invalid.
std::size_t utf8_length(std::string_view s) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c = byte(0);
  std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || n > s.size()) return 0;
  for (std::size_t i = 1; i < n; ++i) {
    if ((byte(i) >> 6) != 0x2) return 0;
  }
  if (n == 2 && c < 0xC2) return 0;                                // overlong
  if (n == 3 && c == 0xE0 && byte(1) < 0xA0) return 0;             // overlong
  if (n == 3 && c == 0xED && byte(1) >= 0xA0) return 0;            // surrogates
  if (n == 4 && (c == 0xF0 ? byte(1) < 0x90 : c > 0xF4 || (c == 0xF4 && byte(1) >= 0x90))) return 0;
  return n;
}

}  // namespace

std::string json_string(std::string_view text) {
  std::string out = "\"";
  while (!text.empty()) {
    unsigned char c = static_cast<unsigned char>(text.front());
    std::size_t n = utf8_length(text);
    if (n == 0) {
      out += "\\ufffd";
      n = 1;
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out.append(text.substr(0, n));
    }
    text.remove_prefix(n);
  }
  return out + "\"";
}

JsonObject& JsonObject::raw(std::string_view key, const std::string& value) {
  if (!body_.empty()) body_ += ", ";
  body_ += json_string(key) + ": " + value;
  return *this;
}

JsonObject& JsonObject::merge(const JsonObject& other) {
  if (!other.body_.empty()) body_ += (body_.empty() ? "" : ", ") + other.body_;
  return *this;
}

JsonObject& JsonObject::string(std::string_view key, std::string_view value) { return raw(key, json_string(value)); }

JsonObject& JsonObject::number(std::string_view key, long long value) { return raw(key, std::to_string(value)); }

JsonObject& JsonObject::number(std::string_view key, double value) {
  if (!std::isfinite(value)) return null(key);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", value);
  std::string text = buf;
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return raw(key, text);
}

JsonObject& JsonObject::boolean(std::string_view key, bool value) { return raw(key, value ? "true" : "false"); }

JsonObject& JsonObject::null(std::string_view key) { return raw(key, "null"); }

JsonObject& JsonObject::strings(std::string_view key, const std::vector<std::string>& values) {
  std::string list = "[";
  for (const std::string& v : values) list += (list.size() > 1 ? ", " : "") + json_string(v);
  return raw(key, list + "]");
}

}  // namespace daemonctl::cli
