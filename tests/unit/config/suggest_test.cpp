#include "config/suggest.h"

#include <catch2/catch.hpp>

using daemonctl::config::closest;
using daemonctl::config::closest_all;
using daemonctl::config::did_you_mean;

namespace {
const std::vector<std::string> kKeys = {"name", "command", "pidfile", "directory", "umask", "stdin", "stdout",
                                        "stderr", "environment", "clear_environment", "start", "stop"};
}

TEST_CASE("closest: finds a one-letter typo", "[config]") {
  CHECK(closest("comand", kKeys) == "command");
  CHECK(closest("stopp", kKeys) == "stop");
  CHECK(closest("umsak", kKeys) == "umask");  // a swap of neighbours is one edit
  CHECK(closest("strat", {"start", "stop", "status"}) == "start");
  CHECK(closest("usmak", kKeys) == std::nullopt);  // two swaps; 5 letters allow one edit
}

TEST_CASE("closest: longer words allow more edits", "[config]") {
  // 11 letters allow 3 edits.
  CHECK(closest("enviromnent", kKeys) == "environment");
  CHECK(closest("enivromnetn", kKeys) == "environment");  // three swaps
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

TEST_CASE("closest_all: every candidate at the smallest distance, in order", "[config]") {
  CHECK(closest_all("web", {"web1", "db", "web2", "webs2"}) == std::vector<std::string>{"web1", "web2"});
  CHECK(closest_all("web", {"webs2", "web2"}) == std::vector<std::string>{"web2"});
  CHECK(closest_all("xyz", kKeys).empty());
}

TEST_CASE("did_you_mean: one, two or more names", "[config]") {
  CHECK(did_you_mean({}) == "");
  CHECK(did_you_mean({"a"}) == ", did you mean 'a'?");
  CHECK(did_you_mean({"a", "b"}) == ", did you mean 'a' or 'b'?");
  CHECK(did_you_mean({"a", "b", "c"}) == ", did you mean 'a', 'b' or 'c'?");
}
