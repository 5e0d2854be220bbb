// The raw-text checks made before toml11: bytes, nesting, work.
#include "config/text_check.h"

#include <catch2/catch.hpp>

using namespace daemonctl::config;

namespace {

/// "line:col: message" of the problem check_characters finds, "" if none.
std::string characters(std::string_view text) {
  auto d = check_characters(text, "f");
  return d ? d->to_string().substr(2) : "";
}

/// "line:col: message" of the problem check_structure finds, "" if none.
std::string structure(std::string_view text) {
  auto d = check_structure(text, "f");
  return d ? d->to_string().substr(2) : "";
}

const std::string kBadByte = ": service files must be UTF-8 text";
const std::string kTooDeep = "nested too deeply: at most 64 levels of arrays and tables";
const std::string kTooMuch =
    "too many values on long lines: put array items on lines of their own, or make inline tables [tables]";

std::string repeat(std::string_view part, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += part;
  return out;
}

}  // namespace

// ---------------------------------------------------------------- characters

TEST_CASE("check_characters: valid UTF-8 of every length passes", "[config]") {
  CHECK(characters("a = \"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf\"\n# \xe6\x97\xa5\n") == "");
  CHECK(characters("\xef\xbb\xbf" "a = 1\n") == "");  // a byte order mark
  CHECK(characters("") == "");
}

TEST_CASE("check_characters: invalid UTF-8 is located at its first byte", "[config]") {
  CHECK(characters("a = \"\xff\"") == "1:6: invalid UTF-8 byte 0xff" + kBadByte);
  CHECK(characters("a = 1\n# caf\xe9\n") == "2:6: invalid UTF-8 byte 0xe9" + kBadByte);  // Latin-1
  CHECK(characters("a = 1\nb = '\x80'") == "2:6: invalid UTF-8 byte 0x80" + kBadByte);   // a lone continuation
  CHECK(characters("a = \"\xc3\"") == "1:6: invalid UTF-8 byte 0xc3" + kBadByte);        // cut short
  CHECK(characters("a = \"\xe2\x82\"") == "1:6: invalid UTF-8 byte 0xe2" + kBadByte);
  CHECK(characters("\xf0\x9f\x98") == "1:1: invalid UTF-8 byte 0xf0" + kBadByte);         // at the very end
  CHECK(characters("\xc0\xaf") == "1:1: invalid UTF-8 byte 0xc0" + kBadByte);             // overlong '/'
  CHECK(characters("\xe0\x80\xaf") == "1:1: invalid UTF-8 byte 0xe0" + kBadByte);
  CHECK(characters("\xf0\x80\x80\xaf") == "1:1: invalid UTF-8 byte 0xf0" + kBadByte);
  CHECK(characters("\xed\xa0\x80") == "1:1: invalid UTF-8 byte 0xed" + kBadByte);         // a surrogate
  CHECK(characters("\xf4\x90\x80\x80") == "1:1: invalid UTF-8 byte 0xf4" + kBadByte);     // past U+10FFFF
  CHECK(characters("\xf5\x80\x80\x80") == "1:1: invalid UTF-8 byte 0xf5" + kBadByte);
}

TEST_CASE("check_characters: control characters but tab, LF and CRLF are refused", "[config]") {
  CHECK(characters("a = \"\t\"\r\n# \t\n") == "");
  const std::string hint = " is not allowed; in a string, write it as \\u";
  CHECK(characters(std::string("a = \"\0\"", 7)) == "1:6: control character U+0000" + hint + "0000");
  CHECK(characters("# \x01") == "1:3: control character U+0001" + hint + "0001");
  CHECK(characters("a = 1\n\x1b[31m") == "2:1: control character U+001B" + hint + "001B");
  CHECK(characters("a = '\x7f'") == "1:6: control character U+007F" + hint + "007F");
  CHECK(characters("a = 1\rb = 2\n") == "1:6: control character U+000D" + hint + "000D");
  CHECK(characters("a = 1\r") == "1:6: control character U+000D" + hint + "000D");
}

// ---------------------------------------------------------------- nesting

TEST_CASE("check_structure: 64 levels pass, the 65th is refused where it opens", "[config]") {
  CHECK(structure("a = " + std::string(64, '[') + std::string(64, ']')) == "");
  CHECK(structure("a = " + std::string(65, '[')) == "1:69: " + kTooDeep);
  CHECK(structure("a = " + repeat("{b=", 64) + "1" + std::string(64, '}')) == "");
  CHECK(structure("a = " + repeat("{b=", 65)) == "1:197: " + kTooDeep);
  CHECK(structure("a = " + std::string(100000, '[')) == "1:69: " + kTooDeep);
}

TEST_CASE("check_structure: closed brackets give their levels back", "[config]") {
  std::string many = repeat("a" + std::to_string(0) + " = " + std::string(40, '[') + std::string(40, ']') + "\n", 100);
  CHECK(structure(many) == "");
  CHECK(structure("a = [" + repeat("[[]],", 1000) + "]") == "");
}

TEST_CASE("check_structure: dotted keys and headers count a level per dot", "[config]") {
  CHECK(structure(repeat("a.", 64) + "b = 1") == "");
  CHECK(structure(repeat("a.", 65) + "b = 1") == "1:130: " + kTooDeep);
  CHECK(structure("[" + repeat("a.", 64) + "b]") == "1:129: " + kTooDeep);
  CHECK(structure("[[" + repeat("a.", 62) + "b]]") == "");
  CHECK(structure("[[" + repeat("a.", 63) + "b]]") == "1:128: " + kTooDeep);
  // The levels of a dotted key add to the brackets after it.
  CHECK(structure(repeat("a.", 40) + "b = " + std::string(24, '[')) == "");
  CHECK(structure(repeat("a.", 40) + "b = " + std::string(25, '[')) == "1:109: " + kTooDeep);
  CHECK(structure("a = [" + repeat("{" + repeat("x.", 30) + "y = [", 2)) == "1:137: " + kTooDeep);
}

TEST_CASE("check_structure: brackets and dots in strings and comments do not count", "[config]") {
  const std::string deep(100, '[');
  CHECK(structure("a = \"" + deep + "\"") == "");
  CHECK(structure("a = '" + deep + "'") == "");
  CHECK(structure("a = \"\\\"" + deep + "\"") == "");  // an escaped quote does not end it
  CHECK(structure("a = '''\n" + deep + "\n'''") == "");
  CHECK(structure("a = \"\"\"\n\\\"\"\"" + deep + "\"\"\"") == "");
  CHECK(structure("a = \"\"\"x\"\"\"\"\"\nb = 1") == "");  // two quotes before the end belong to it
  CHECK(structure("# " + deep + "\na = 1") == "");
  CHECK(structure("\"" + repeat("a.", 100) + "\" = 1") == "");
  // A string cut short by its line ends there: what follows is counted.
  CHECK(structure("a = \"x\n" + std::string(65, '[')) == "2:65: " + kTooDeep);
  CHECK(structure("a = \"x\\\n" + std::string(65, '[')) == "2:65: " + kTooDeep);
  CHECK(structure("a = 'x\n" + std::string(65, '[')) == "2:65: " + kTooDeep);
  // After a closed string the count goes on.
  CHECK(structure("a = " + std::string(32, '[') + "\"]]]]\", '#'," + std::string(33, '[')) == "1:81: " + kTooDeep);
}

// ---------------------------------------------------------------- work

TEST_CASE("check_structure: many values on a long line are refused", "[config]") {
  CHECK(structure("a = [" + repeat("1,", 400000) + "]") == "1:43: " + kTooMuch);
  CHECK(structure("a = {" + repeat("k=1,", 200000) + "}") == "1:43: " + kTooMuch);
  const std::string s(65000, 'x');
  CHECK(structure("a = [" + repeat("\"" + s + "\",", 20) + "]") == "1:715038: " + kTooMuch);
}

TEST_CASE("check_structure: a long value alone, or many short lines, pass", "[config]") {
  CHECK(structure("a = \"" + std::string(1000000, 'x') + "\"") == "");
  CHECK(structure("a = [\"" + std::string(1000000, 'x') + "\", \"-c\", \"x\"]") == "");
  CHECK(structure(repeat("k = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n", 30000)) == "");
  CHECK(structure("a = [\n" + repeat("  1,\n", 200000) + "]") == "");
  // A multi-line string ends a line as far as the count goes.
  CHECK(structure("a = \"\"\"" + std::string(1000000, 'x') + "\n\"\"\", [" + repeat("1,", 500) + "]") == "");
}
