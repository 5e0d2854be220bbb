#include "config/words.h"

#include <catch2/catch.hpp>

using daemonctl::config::split_words;
using Words = std::vector<std::string>;

namespace {

Words words(std::string_view line) {
  auto r = split_words(line);
  REQUIRE(std::holds_alternative<Words>(r));
  return std::get<Words>(r);
}

std::string error(std::string_view line) {
  auto r = split_words(line);
  REQUIRE(std::holds_alternative<std::string>(r));
  return std::get<std::string>(r);
}

}  // namespace

TEST_CASE("split_words: blanks separate words", "[config]") {
  CHECK(words("/bin/sleep 10") == Words{"/bin/sleep", "10"});
  CHECK(words("  a \t b\nc  ") == Words{"a", "b", "c"});
  CHECK(words("") == Words{});
  CHECK(words(" \t\n ") == Words{});
}

TEST_CASE("split_words: single quotes keep everything", "[config]") {
  CHECK(words("sh -c 'echo \"$HOME\" \\ done'") == Words{"sh", "-c", "echo \"$HOME\" \\ done"});
  CHECK(words("''") == Words{""});
}

TEST_CASE("split_words: double quotes keep all but a few escapes", "[config]") {
  CHECK(words(R"("a b" "q\"x" "b\\s" "\$HOME" "\`" "\n\t")") ==
        Words{"a b", "q\"x", "b\\s", "$HOME", "`", "\\n\\t"});
  CHECK(words("\"one\\\ntwo\"") == Words{"onetwo"});
  CHECK(words("\"\"") == Words{""});
  CHECK(words("a \"\" b") == Words{"a", "", "b"});
}

TEST_CASE("split_words: quoted parts join the word around them", "[config]") {
  CHECK(words(R"(a'b'"c")") == Words{"abc"});
  CHECK(words(R"(--name="my app" x)") == Words{"--name=my app", "x"});
}

TEST_CASE("split_words: a backslash escapes the next character", "[config]") {
  CHECK(words(R"(a\ b \'c \\ \")") == Words{"a b", "'c", "\\", "\""});
  CHECK(words("one \\\ntwo") == Words{"one", "two"});
  CHECK(words("on\\\ne") == Words{"one"});
}

TEST_CASE("split_words: operators and # are plain characters", "[config]") {
  CHECK(words("a;b | c > d # e $x") == Words{"a;b", "|", "c", ">", "d", "#", "e", "$x"});
}

TEST_CASE("split_words: errors", "[config]") {
  CHECK(error("sh -c 'echo") == "unterminated single quote");
  CHECK(error("say \"hi") == "unterminated double quote");
  CHECK(error("say \"hi\\\"") == "unterminated double quote");
  CHECK(error("a b\\") == "trailing backslash");
}
