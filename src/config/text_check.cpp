#include "config/text_check.h"

#include <vector>

namespace daemonctl::config {
namespace {

/// A problem at byte `pos` of `text`: 1-based line, and byte column like toml11.
Diagnostic at(std::string_view text, std::size_t pos, const std::string& path, std::string message) {
  std::string_view before = text.substr(0, pos);
  unsigned line = 1;
  for (char c : before) line += c == '\n';
  std::size_t line_start = before.rfind('\n');
  std::size_t column = line_start == std::string_view::npos ? pos + 1 : pos - line_start;
  return {path, line, static_cast<unsigned>(column), std::move(message)};
}

/// `value` in `digits` hex digits: lower-case for bytes (0xff), upper-case
/// for code points (U+001B), as each is usually written.
std::string hex(unsigned value, int digits, bool upper) {
  const char* hex_digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out(digits, '0');
  for (int i = digits - 1; i >= 0; --i, value >>= 4) out[i] = hex_digits[value & 0xf];
  return out;
}

bool is_continuation(unsigned char c) { return (c & 0xc0) == 0x80; }

/// The length of the valid UTF-8 sequence at `pos`, 0 if there is none.
/// Overlong forms, surrogates and code points past U+10FFFF are invalid.
std::size_t utf8_length(std::string_view text, std::size_t pos) {
  auto byte = [&](std::size_t i) -> unsigned char { return pos + i < text.size() ? text[pos + i] : 0; };
  unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  // The allowed range of the second byte depends on the lead byte (Unicode table 3-7).
  unsigned char low = 0x80, high = 0xbf;
  std::size_t length;
  if (lead >= 0xc2 && lead <= 0xdf) length = 2;
  else if (lead >= 0xe0 && lead <= 0xef) length = 3;
  else if (lead >= 0xf0 && lead <= 0xf4) length = 4;
  else return 0;
  if (lead == 0xe0) low = 0xa0;
  if (lead == 0xed) high = 0x9f;
  if (lead == 0xf0) low = 0x90;
  if (lead == 0xf4) high = 0x8f;
  if (byte(1) < low || byte(1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (!is_continuation(byte(i))) return 0;
  }
  return length;
}

bool is_forbidden_control(std::string_view text, std::size_t pos) {
  unsigned char c = text[pos];
  if (c == '\t' || c == '\n') return false;
  if (c == '\r') return pos + 1 >= text.size() || text[pos + 1] != '\n';
  return c < 0x20 || c == 0x7f;
}

// ---------------------------------------------------------------- skipping strings and comments

/// The index just past the comment starting at `pos`: its newline.
std::size_t skip_comment(std::string_view text, std::size_t pos) {
  std::size_t end = text.find('\n', pos);
  return end == std::string_view::npos ? text.size() : end;
}

/// The index just past the string whose opening quote is at `pos`. An
/// unterminated one-line string ends before its newline; toml11 reports it.
std::size_t skip_string(std::string_view text, std::size_t pos) {
  const char quote = text[pos];
  const bool basic = quote == '"';
  const std::string delimiter(3, quote);
  const bool multiline = text.substr(pos, 3) == delimiter;
  std::size_t i = pos + (multiline ? 3 : 1);
  while (i < text.size()) {
    char c = text[i];
    if (basic && c == '\\' && i + 1 < text.size() && (multiline || text[i + 1] != '\n')) {
      i += 2;
      continue;
    }
    if (!multiline && c == '\n') return i;
    if (!multiline && c == quote) return i + 1;
    if (multiline && text.substr(i, 3) == delimiter) {
      // Up to two quotes right before the delimiter belong to the string: """a""""" is a"".
      std::size_t run = 3;
      while (run < 5 && i + run < text.size() && text[i + run] == quote) ++run;
      return i + run;
    }
    ++i;
  }
  return text.size();
}

// ---------------------------------------------------------------- structure

/// What check_structure() tracks between strings and comments.
class StructureScan {
 public:
  explicit StructureScan(std::string_view text) : text_(text) {}

  /// Takes in the character at `i`, outside strings and comments; returns
  /// why the file is refused there, if it is.
  std::optional<std::string> step(std::size_t i) {
    const char c = text_[i];
    if (c == '=' || c == ',' || c == '[' || c == '{' || c == '.') {
      work_ += line_length(i);
      if (work_ > kMaxParseWork) {
        return "too many values on long lines: put array items on lines of their own, or make inline tables [tables]";
      }
    }
    if (c == '[' || c == '{' || c == '.') {
      if (depth_ + dots_ + 1 > kMaxNesting) {
        return "nested too deeply: at most " + std::to_string(kMaxNesting) + " levels of arrays and tables";
      }
      if (c == '.') {
        ++dots_;
      } else {
        enclosing_.push_back(dots_);
        depth_ += dots_ + 1;
        dots_ = 0;
      }
    } else if ((c == ']' || c == '}') && !enclosing_.empty()) {
      depth_ -= enclosing_.back() + 1;
      enclosing_.pop_back();
      dots_ = 0;
    } else if (c == ',') {
      dots_ = 0;  // not at '=': the value nests below its dotted key
    } else if (c == '\n') {
      dots_ = 0;
      new_line(i + 1);
    }
    return std::nullopt;
  }

  /// Notes a string skipped from `begin` to `end`: it may span lines.
  void skipped(std::size_t begin, std::size_t end) {
    std::size_t newline = text_.substr(begin, end - begin).rfind('\n');
    if (newline != std::string_view::npos) new_line(begin + newline + 1);
  }

 private:
  void new_line(std::size_t start) {
    line_start_ = start;
    line_end_ = std::string_view::npos;
  }

  /// The length of the line holding `i`, which starts at line_start_.
  std::size_t line_length(std::size_t i) {
    if (line_end_ == std::string_view::npos || line_end_ < i) {
      line_end_ = text_.find('\n', i);
      if (line_end_ == std::string_view::npos) line_end_ = text_.size();
    }
    return line_end_ - line_start_;
  }

  std::string_view text_;
  std::vector<int> enclosing_;  // per open bracket: the dots of the key it follows
  int depth_ = 0;               // open brackets plus the dots of the keys they follow
  int dots_ = 0;                // in the key being read and its value (a float's point too)
  std::size_t line_start_ = 0;
  std::size_t line_end_ = std::string_view::npos;  // of the line at line_start_, once known
  std::size_t work_ = 0;        // toml11's work so far, in bytes of lines scanned
};

}  // namespace

std::optional<Diagnostic> check_characters(std::string_view text, const std::string& path) {
  for (std::size_t i = 0; i < text.size();) {
    std::size_t length = utf8_length(text, i);
    if (length == 0) {
      std::string byte = "0x" + hex(static_cast<unsigned char>(text[i]), 2, false);
      return at(text, i, path, "invalid UTF-8 byte " + byte + ": service files must be UTF-8 text");
    }
    if (length == 1 && is_forbidden_control(text, i)) {
      std::string code = hex(static_cast<unsigned char>(text[i]), 4, true);
      return at(text, i, path,
                "control character U+" + code + " is not allowed; in a string, write it as \\u" + code);
    }
    i += length;
  }
  return std::nullopt;
}

std::optional<Diagnostic> check_structure(std::string_view text, const std::string& path) {
  StructureScan scan(text);
  for (std::size_t i = 0; i < text.size();) {
    char c = text[i];
    if (c == '#') {
      i = skip_comment(text, i);
    } else if (c == '"' || c == '\'') {
      std::size_t end = skip_string(text, i);
      scan.skipped(i, end);
      i = end;
    } else {
      if (auto problem = scan.step(i)) return at(text, i, path, *problem);
      ++i;
    }
  }
  return std::nullopt;
}

}  // namespace daemonctl::config
