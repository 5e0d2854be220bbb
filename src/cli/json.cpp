#include "cli/json.h"

#include <cmath>
#include <cstdio>

#include "common/escape.h"

namespace daemonctl::cli {

namespace {

// Printable ASCII but '"' and '\\': written as it is.
bool plain(std::string_view text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') return false;
  }
  return true;
}

}  // namespace

std::string json_string(std::string_view text) {
  if (plain(text)) return std::string(1, '"').append(text).append(1, '"');
  std::string out = "\"";
  while (!text.empty()) {
    unsigned char c = static_cast<unsigned char>(text.front());
    std::size_t n = text::utf8_length(text);
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
    } else if (text::is_control(text, n)) {  // C0, DEL, and C1, which JSON allows raw but terminals obey
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", n == 1 ? c : static_cast<unsigned char>(text[1]));
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
  body_.append(json_string(key)).append(": ").append(value);
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
