#include "config/suggest.h"

#include <catch2/catch.hpp>

using daemonctl::config::closest;

namespace {
const std::vector<std::string> kKeys = {"name", "command", "pidfile", "directory", "umask", "stdin", "stdout",
                                        "stderr", "environment", "clear_environment", "start", "stop"};
}

TEST_CASE("closest: finds a one-letter typo", "[config]") {
  CHECK(closest("comand", kKeys) == "command");
  CHECK(closest("stopp", kKeys) == "stop");
  CHECK(closest("umsak", kKeys) == std::nullopt);  // a swap is two edits; 5 letters allow one
}

TEST_CASE("closest: longer words allow more edits", "[config]") {
  // 11 letters allow 3 edits; a transposition costs 2.
  CHECK(closest("enviromnent", kKeys) == "environment");
  // 6 letters allow 2 edits but not 3.
  CHECK(closest("signxx", {"signal"}) == "signal");
  CHECK(closest("sigxxx", {"signal"}) == std::nullopt);
}

TEST_CASE("closest: nothing for an unrelated word", "[config]") {
  CHECK(closest("xyz", kKeys) == std::nullopt);
  CHECK(closest("ab", {"abcd"}) == std::nullopt);
  CHECK(closest("name", {}) == std::nullopt);
}

TEST_CASE("closest: an exact match, and the first of equally close ones", "[config]") {
  CHECK(closest("stop", kKeys) == "stop");
  CHECK(closest("stax", {"stay", "star"}) == "stay");
}

TEST_CASE("closest: nothing for a word far longer than every candidate", "[config]") {
  // Such words are skipped without computing the distance: a megabyte-long
  // unknown key would otherwise cost seconds.
  CHECK(closest(std::string(1 << 20, 's'), kKeys) == std::nullopt);
  CHECK(closest("stdoutt", kKeys) == "stdout");
}
