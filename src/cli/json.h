// Just enough JSON writing for --json output: objects of strings, numbers,
// booleans, nulls and string arrays, always valid UTF-8.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace daemonctl::cli {

/// `text` as a JSON string literal, quoted and escaped; bytes that are not
/// valid UTF-8 become U+FFFD; control characters (C0, DEL, C1) are \u and four hex digits.
std::string json_string(std::string_view text);
/// json_string(text) appended to `out`.
void append_json_string(std::string& out, std::string_view text);

class JsonObject {
 public:
  JsonObject& string(std::string_view key, std::string_view value);
  JsonObject& number(std::string_view key, long long value);
  JsonObject& number(std::string_view key, double value);  ///< 3 decimals at most
  JsonObject& boolean(std::string_view key, bool value);
  JsonObject& null(std::string_view key);
  JsonObject& strings(std::string_view key, const std::vector<std::string>& values);

  /// Appends the members of `other`.
  JsonObject& merge(const JsonObject& other);

  /// "{...}" on one line.
  std::string text() const { return "{" + body_ + "}"; }

 private:
  std::string& member(std::string_view key);  ///< appends `"key": ` and returns the body
  JsonObject& raw(std::string_view key, std::string_view value);
  std::string body_;
};

}  // namespace daemonctl::cli
