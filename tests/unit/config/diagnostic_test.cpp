#include "config/diagnostic.h"

#include <catch2/catch.hpp>

using daemonctl::config::Diagnostic;

TEST_CASE("diagnostic: file, line and column before the message", "[config]") {
  Diagnostic d{"web.toml", 3, 11, "'umask' must be an integer or a string of octal digits"};
  CHECK(d.to_string() == "web.toml:3:11: 'umask' must be an integer or a string of octal digits");
}

TEST_CASE("diagnostic: only the file when there is no line", "[config]") {
  Diagnostic d{"/etc/daemonctl/web.toml", 0, 0, "missing required key 'command'"};
  CHECK(d.to_string() == "/etc/daemonctl/web.toml: missing required key 'command'");
}

TEST_CASE("diagnostic: a line without a column", "[config]") {
  Diagnostic d{"web.toml", 7, 0, "oops"};
  CHECK(d.to_string() == "web.toml:7: oops");
}
