#include "cli/json.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "common/escape.h"

namespace daemonctl::cli {

namespace {

// Printable ASCII but '"' and '\\': written as it is.
bool plain(char c) {
  auto u = static_cast<unsigned char>(c);
  return u >= 0x20 && u <= 0x7e && c != '"' && c != '\\';
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  while (!text.empty()) {
    std::size_t run = 0;  // taken as it is, at once
    while (run < text.size() && plain(text[run])) ++run;
    out.append(text.substr(0, run));
    text.remove_prefix(run);
    if (text.empty()) break;
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
  out += '"';
}

std::string json_string(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

std::string& JsonObject::member(std::string_view key) {
  if (!body_.empty()) body_ += ", ";
  append_json_string(body_, key);
  return body_ += ": ";
}

JsonObject& JsonObject::raw(std::string_view key, std::string_view value) {
  member(key).append(value);
  return *this;
}

JsonObject& JsonObject::merge(const JsonObject& other) {
  if (!other.body_.empty()) body_ += (body_.empty() ? "" : ", ") + other.body_;
  return *this;
}

JsonObject& JsonObject::string(std::string_view key, std::string_view value) {
  append_json_string(member(key), value);
  return *this;
}

JsonObject& JsonObject::number(std::string_view key, long long value) {
  char buf[24];
  auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
  return raw(key, std::string_view(buf, static_cast<std::size_t>(end - buf)));
}

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
  std::string& out = member(key);
  out += '[';
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i != 0) out += ", ";
    append_json_string(out, values[i]);
  }
  out += ']';
  return *this;
}

}  // namespace daemonctl::cli
