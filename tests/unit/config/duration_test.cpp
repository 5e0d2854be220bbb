#include "config/duration.h"

#include <cmath>
#include <limits>

#include <catch2/catch.hpp>

using namespace daemonctl::config;
using namespace std::chrono_literals;

namespace {

std::string why(std::string_view text) {
  auto r = parse_duration_checked(text);
  REQUIRE(std::holds_alternative<std::string>(r));
  return std::get<std::string>(r);
}

std::string why_seconds(double seconds) {
  auto r = duration_from_seconds_checked(seconds);
  REQUIRE(std::holds_alternative<std::string>(r));
  return std::get<std::string>(r);
}

const std::string kForm = "use a number and a unit (ms, s, m, h) like \"1.5s\" or \"250ms\"";

}  // namespace

TEST_CASE("parse_duration: a number and a unit", "[config]") {
  CHECK(parse_duration("250ms") == 250ms);
  CHECK(parse_duration("1.5s") == 1500ms);
  CHECK(parse_duration("2m") == 2min);
  CHECK(parse_duration("1h") == 1h);
  CHECK(parse_duration("0s") == 0s);
  CHECK(parse_duration("0.5ms") == 500us);
  CHECK(parse_duration("0.1s") == 100ms);
  CHECK(parse_duration("1.000000001s") == 1000000001ns);
  CHECK(parse_duration("007s") == 7s);
}

TEST_CASE("parse_duration: parts add up", "[config]") {
  CHECK(parse_duration("1m30s") == 90s);
  CHECK(parse_duration("2h5m") == 2h + 5min);
  CHECK(parse_duration("1h1m1s1ms") == 1h + 1min + 1s + 1ms);
}

TEST_CASE("parse_duration: the longest is a year", "[config]") {
  CHECK(parse_duration("8760h") == kMaxDuration);
  CHECK(why("8760h1ms") == "too large, at most 8760h");
  CHECK(why("8761h") == "too large, at most 8760h");
  CHECK(why("525601m") == "too large, at most 8760h");
  CHECK(why("99999999999999999999999999h") == "too large, at most 8760h");
  CHECK(parse_duration("8761h") == std::nullopt);
}

TEST_CASE("parse_duration: rejects what is not a number and a unit", "[config]") {
  for (const char* bad : {"", "5", "5x", "s", "1.s", ".5s", " 1s", "1s ", "1 s", "1e3s", "+1s", "1S", "5sec", "1.5.5s",
                          "1m30"}) {
    INFO(bad);
    CHECK(why(bad) == kForm);
    CHECK(parse_duration(bad) == std::nullopt);
  }
}

TEST_CASE("parse_duration: rejects negative durations", "[config]") {
  CHECK(why("-1s") == "must not be negative");
  CHECK(why("-0s") == "must not be negative");
}

TEST_CASE("duration_from_seconds: non-negative finite seconds", "[config]") {
  CHECK(duration_from_seconds(1.5) == 1500ms);
  CHECK(duration_from_seconds(0) == 0s);
  CHECK(duration_from_seconds(0.25) == 250ms);
  CHECK(duration_from_seconds(31536000) == kMaxDuration);
  CHECK(why_seconds(31536000.5) == "too large, at most 8760h");
  CHECK(why_seconds(-1) == "must not be negative");
  CHECK(why_seconds(std::numeric_limits<double>::infinity()) == "must be finite");
  CHECK(why_seconds(std::nan("")) == "must be finite");
  CHECK(duration_from_seconds(-0.001) == std::nullopt);
}

TEST_CASE("format_duration: the largest units that fit", "[config]") {
  CHECK(format_duration(100ms) == "100ms");
  CHECK(format_duration(10s) == "10s");
  CHECK(format_duration(1500ms) == "1.5s");
  CHECK(format_duration(3min + 12s) == "3m12s");
  CHECK(format_duration(2h + 5min) == "2h5m");
  CHECK(format_duration(1h + 5s) == "1h5s");
  CHECK(format_duration(0s) == "0s");
  CHECK(format_duration(1500us) == "1.5ms");
  CHECK(format_duration(1ns) == "0.000001ms");
  CHECK(format_duration(1s + 1ms) == "1.001s");
  CHECK(format_duration(-2s) == "-2s");
}

TEST_CASE("format_duration: the output parses back", "[config]") {
  for (Duration d : {Duration(1ns), Duration(250ms), Duration(1500ms), Duration(3min + 12s), Duration(2h + 5min),
                     Duration(1h + 1ms), Duration(kMaxDuration)}) {
    INFO(format_duration(d));
    CHECK(parse_duration(format_duration(d)) == d);
  }
}
