// The one escaper: what reaches a terminal from a service or a file name.
#include "common/escape.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

using namespace daemonctl::text;

namespace {

std::string hex(unsigned c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02x", c);
  return buf;
}

}  // namespace

TEST_CASE("escape: every C0 control and DEL as hex, newline and tab in their short forms", "[common][escape]") {
  for (unsigned c = 0; c < 0x20; ++c) {
    INFO(c);
    std::string expected = c == '\n' ? "\\n" : c == '\t' ? "\\t" : hex(c);
    CHECK(escape("a" + std::string(1, static_cast<char>(c)) + "b") == "a" + expected + "b");
  }
  CHECK(escape("\x7f") == "\\x7f");
  CHECK(escape("\x1b]0;pwned\x07") == "\\x1b]0;pwned\\x07");
  CHECK(escape(std::string("nul\0x", 5)) == "nul\\x00x");
}

TEST_CASE("escape: printable ASCII, backslashes included, as it is, and escaping twice changes nothing", "[common][escape]") {
  std::string ascii;
  for (char c = 0x20; c < 0x7f; ++c) ascii += c;
  CHECK(escape(ascii) == ascii);
  const std::string nasty = "\x1b[31m\\x1b\n\xc2\x9b\xff caf\xc3\xa9";
  CHECK(escape(escape(nasty)) == escape(nasty));
}

TEST_CASE("escape: each byte of a C1 control U+0080-U+009F as hex, U+00A0 on kept", "[common][escape]") {
  for (unsigned c = 0x80; c < 0xa0; ++c) {
    INFO(c);
    CHECK(escape(std::string{'\xc2', static_cast<char>(c)}) == "\\xc2" + hex(c));
  }
  CHECK(escape("\xc2\xa0") == "\xc2\xa0");  // no-break space
}

TEST_CASE("escape: valid printable UTF-8 as it is", "[common][escape]") {
  const std::string text = "caf\xc3\xa9 \xe2\x82\xac \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf";
  CHECK(escape(text) == text);
}

TEST_CASE("escape: every byte that is not valid UTF-8 as hex", "[common][escape]") {
  CHECK(escape("\xff\xfe") == "\\xff\\xfe");
  CHECK(escape("\x80x") == "\\x80x");                                // stray continuation
  CHECK(escape("\xc3") == "\\xc3");                                  // truncated
  CHECK(escape("\xe2\x82") == "\\xe2\\x82");                         // truncated
  CHECK(escape("\xc0\xaf") == "\\xc0\\xaf");                         // overlong
  CHECK(escape("\xe0\x80\xaf") == "\\xe0\\x80\\xaf");                // overlong
  CHECK(escape("\xed\xa0\x80") == "\\xed\\xa0\\x80");                // a surrogate
  CHECK(escape("\xf4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80");       // above U+10FFFF
  CHECK(escape("\xc3\xa9\xc3") == "\xc3\xa9\\xc3");                  // a valid one, then a cut one
  CHECK(escape("\xc2\x1b[31m") == "\\xc2\\x1b[31m");                 // a lead byte does not swallow an ESC
}

TEST_CASE("escape: Breaks::lines keeps newlines and tabs, escapes the rest", "[common][escape]") {
  CHECK(escape("a\tb\nc\r\n\x1b[2J", Breaks::lines) == "a\tb\nc\\x0d\n\\x1b[2J");
}

TEST_CASE("escape: cut after max characters, an escaped byte counting as one", "[common][escape]") {
  CHECK(escape("abc", 3) == "abc");
  CHECK(escape("abcd", 3) == "abc...");
  CHECK(escape("\x1b\xc3\xa9\xff" "z", 3) == "\\x1b\xc3\xa9\\xff...");
  CHECK(escape("a\nb", 2) == "a\\n...");
}

TEST_CASE("StreamEscaper: pieces escape as their concatenation, wherever they are cut", "[common][escape]") {
  const std::string text = "caf\xc3\xa9\n\xf0\x9f\x98\x80\t\xc2\x9b\x1b[1m\xe2\x82\xff\xe0\x80\xaf\xc3";
  const std::string whole = escape(text, Breaks::lines);
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    for (std::size_t cut2 = cut; cut2 <= text.size(); ++cut2) {
      INFO(cut << " " << cut2);
      StreamEscaper e;
      std::string out = e.feed(text.substr(0, cut));
      out += e.feed(text.substr(cut, cut2 - cut));
      out += e.feed(text.substr(cut2));
      CHECK(out + e.finish() == whole);
    }
  }
  StreamEscaper held;
  CHECK(held.feed("x\xe2\x82") == "x");  // the euro sign's first two bytes wait
  CHECK(held.feed("\xac") == "\xe2\x82\xac");
  CHECK(held.feed("\xe2") == "");
  CHECK(held.finish() == "\\xe2");
}
