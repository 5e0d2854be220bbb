// Text from services and file names made safe for a terminal: the one
// escaper of every message, result, table and log line daemonctl prints.
//
// The rule, everywhere: printable ASCII and valid UTF-8 that is not a
// control character ("café", "日本") stay as they are; every other byte is
// written "\xNN" (two lower-case hex digits): the C0 controls 0x00-0x1f,
// DEL 0x7f, each of the two bytes of a C1 control U+0080-U+009F (0xc2
// 0x80-0x9f), and each byte that is not part of valid UTF-8 (stray,
// overlong, truncated, surrogates, above U+10FFFF). Two short forms: "\n"
// and "\t". A backslash stays as it is, so escaping twice changes nothing.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace daemonctl::text {

/// Length of the valid UTF-8 sequence at the start of `s` (1 to 4), 0 if
/// `s` is empty or does not start with one.
std::size_t utf8_length(std::string_view s);

/// True if the character of `n` bytes at the start of `s` (n from
/// utf8_length) is a control: C0, DEL or C1.
bool is_control(std::string_view s, std::size_t n);

/// Whether escape() keeps newlines and tabs: `one_line` for a message, a
/// name or a table cell (one line, whatever it holds); `lines` for a text of
/// many lines (a log, a unit file).
enum class Breaks { one_line, lines };

/// `s` escaped by the rule above.
std::string escape(std::string_view s, Breaks breaks = Breaks::one_line);

/// escape(s), cut after `max` characters of `s` with "..." appended.
std::string escape(std::string_view s, std::size_t max);

/// escape(s, Breaks::lines) for a stream read in pieces (`logs` on a
/// terminal): a UTF-8 character split between two pieces is held back and
/// kept whole, so the pieces escape as their concatenation would.
class StreamEscaper {
 public:
  /// The escaped text of `bytes`, less a character left incomplete at its end.
  std::string feed(std::string_view bytes);
  /// What feed() held back, escaped: at the end of the stream.
  std::string finish();

 private:
  std::string held_;  ///< the start of a character cut by the end of a piece
};

}  // namespace daemonctl::text
