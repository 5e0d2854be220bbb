#include "common/escape.h"

namespace daemonctl::text {
namespace {

unsigned char byte(std::string_view s, std::size_t i) { return static_cast<unsigned char>(s[i]); }

void append_hex(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += {'\\', 'x', kHex[c >> 4], kHex[c & 0xf]};
}

/// Appends the character at the start of `s`, escaped if it must be;
/// returns how many bytes of `s` it took.
std::size_t escape_one(std::string_view s, Breaks breaks, std::string& out) {
  const unsigned char c = byte(s, 0);
  const std::size_t n = utf8_length(s);
  if (n == 0) {
    append_hex(out, c);
    return 1;
  }
  if (!is_control(s, n)) {
    out.append(s.substr(0, n));
  } else if (c == '\n' || c == '\t') {
    if (breaks == Breaks::lines) out += static_cast<char>(c);
    else out += c == '\n' ? "\\n" : "\\t";
  } else {
    for (std::size_t i = 0; i < n; ++i) append_hex(out, byte(s, i));
  }
  return n;
}

/// The length a UTF-8 sequence starting with `lead` would have; 0 if no
/// sequence starts with it.
std::size_t expected_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/// True if `s` is shorter than the sequence its first byte starts, and all
/// it holds after that byte are continuation bytes: more may complete it.
bool cut_short(std::string_view s) {
  if (s.size() >= expected_length(byte(s, 0))) return false;
  for (std::size_t i = 1; i < s.size(); ++i) {
    if ((byte(s, i) >> 6) != 0x2) return false;
  }
  return true;
}

}  // namespace

std::size_t utf8_length(std::string_view s) {
  if (s.empty()) return 0;
  const unsigned char c = byte(s, 0);
  const std::size_t n = expected_length(c);
  if (n == 0 || n > s.size()) return 0;
  for (std::size_t i = 1; i < n; ++i) {
    if ((byte(s, i) >> 6) != 0x2) return 0;
  }
  if (n == 3 && c == 0xe0 && byte(s, 1) < 0xa0) return 0;   // overlong
  if (n == 3 && c == 0xed && byte(s, 1) >= 0xa0) return 0;  // surrogates
  if (n == 4 && c == 0xf0 && byte(s, 1) < 0x90) return 0;   // overlong
  if (n == 4 && c == 0xf4 && byte(s, 1) >= 0x90) return 0;  // above U+10FFFF
  return n;
}

bool is_control(std::string_view s, std::size_t n) {
  const unsigned char c = byte(s, 0);
  if (n == 1) return c < 0x20 || c == 0x7f;
  return n == 2 && c == 0xc2 && byte(s, 1) < 0xa0;  // U+0080-U+009F
}

std::string escape(std::string_view s, Breaks breaks) {
  // Printable ASCII, most of what is escaped, is taken as it is, at once.
  std::size_t plain = 0;
  while (plain < s.size() && byte(s, plain) >= 0x20 && byte(s, plain) < 0x7f) ++plain;
  std::string out(s.substr(0, plain));
  if (plain == s.size()) return out;
  out.reserve(s.size());
  for (s.remove_prefix(plain); !s.empty();) s.remove_prefix(escape_one(s, breaks, out));
  return out;
}

std::string escape(std::string_view s, std::size_t max) {
  std::string out;
  for (std::size_t characters = 0; !s.empty(); ++characters) {
    if (characters == max) return out + "...";
    s.remove_prefix(escape_one(s, Breaks::one_line, out));
  }
  return out;
}

std::string StreamEscaper::feed(std::string_view bytes) {
  std::string data = std::move(held_) + std::string(bytes);
  held_.clear();
  std::string out;
  out.reserve(data.size());
  for (std::string_view rest = data; !rest.empty();) {
    if (utf8_length(rest) == 0 && cut_short(rest)) {
      held_ = rest;
      break;
    }
    rest.remove_prefix(escape_one(rest, Breaks::lines, out));
  }
  return out;
}

std::string StreamEscaper::finish() {
  std::string out = escape(held_, Breaks::lines);
  held_.clear();
  return out;
}

}  // namespace daemonctl::text
