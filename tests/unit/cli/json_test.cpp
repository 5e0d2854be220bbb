// The JSON writer: escaping, invalid UTF-8, numbers.
#include "cli/json.h"

#include <catch2/catch.hpp>

using namespace daemonctl::cli;

TEST_CASE("json_string: quotes, backslashes and control characters are escaped", "[cli][json]") {
  CHECK(json_string("plain") == "\"plain\"");
  CHECK(json_string("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(json_string("l1\nl2\tx") == "\"l1\\nl2\\tx\"");
  CHECK(json_string(std::string("\x01\x1f\x7f", 3)) == "\"\\u0001\\u001f\\u007f\"");
  CHECK(json_string(std::string("nul\0x", 5)) == "\"nul\\u0000x\"");
  // C1 controls are valid UTF-8 that JSON allows raw, but a terminal obeys U+009B as CSI.
  CHECK(json_string("\xc2\x80\xc2\x9b\xc2\x9f") == "\"\\u0080\\u009b\\u009f\"");
  CHECK(json_string("\xc2\xa0") == "\"\xc2\xa0\"");
}

TEST_CASE("json_string: valid UTF-8 passes, invalid bytes become U+FFFD", "[cli][json]") {
  CHECK(json_string("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") == "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
  CHECK(json_string("\xff") == "\"\\ufffd\"");
  CHECK(json_string("\xc3") == "\"\\ufffd\"");              // truncated
  CHECK(json_string("\xc0\xaf") == "\"\\ufffd\\ufffd\"");   // overlong
  CHECK(json_string("\xed\xa0\x80") == "\"\\ufffd\\ufffd\\ufffd\"");  // a surrogate
  CHECK(json_string("\xf4\x90\x80\x80") == "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");  // above U+10FFFF
}

TEST_CASE("JsonObject: members in order, numbers, nulls, arrays, merge", "[cli][json]") {
  JsonObject o;
  o.string("name", "web").number("pid", 42LL).number("up", 1.5).number("half", 0.25).boolean("ok", true).null("x");
  o.strings("argv", {"a b", "c"});
  JsonObject more;
  more.number("n", 2.0);
  CHECK(o.merge(more).text() ==
        R"({"name": "web", "pid": 42, "up": 1.5, "half": 0.25, "ok": true, "x": null, "argv": ["a b", "c"], "n": 2})");
  CHECK(JsonObject().text() == "{}");
}
