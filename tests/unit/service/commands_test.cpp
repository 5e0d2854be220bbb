#include "service/commands.h"

#include <catch2/catch.hpp>

using namespace daemonctl;
using namespace daemonctl::service;
using namespace daemonctl::state;

TEST_CASE("format_uptime: seconds, then two units", "[service][commands]") {
  CHECK(format_uptime(0) == "0s");
  CHECK(format_uptime(59) == "59s");
  CHECK(format_uptime(59.9) == "59s");
  CHECK(format_uptime(60) == "1m0s");
  CHECK(format_uptime(192) == "3m12s");
  CHECK(format_uptime(3599) == "59m59s");
  CHECK(format_uptime(3600) == "1h0m");
  CHECK(format_uptime(7500) == "2h5m");
  CHECK(format_uptime(86399) == "23h59m");
  CHECK(format_uptime(86400) == "1d0h");
  CHECK(format_uptime(90000) == "1d1h");
  CHECK(format_uptime(4 * 86400 + 3 * 3600 + 59 * 60) == "4d3h");
}

TEST_CASE("format_uptime: a negative uptime (clock skew) is 0s", "[service][commands]") {
  CHECK(format_uptime(-5) == "0s");
}

TEST_CASE("state_paths: pidfile and record in the state dir by default", "[service][commands]") {
  Context ctx{"/run/daemonctl"};
  config::ServiceSpec spec;
  spec.name = "web";
  StatePaths paths = state_paths(ctx, spec);
  CHECK(paths.pidfile == "/run/daemonctl/web.pid");
  CHECK(paths.record == "/run/daemonctl/web.record");
}

TEST_CASE("state_paths: an explicit pidfile is kept, the record stays in the state dir", "[service][commands]") {
  Context ctx{"/run/daemonctl"};
  config::ServiceSpec spec;
  spec.name = "web";
  spec.pidfile = "/var/run/nginx.pid";
  StatePaths paths = state_paths(ctx, spec);
  CHECK(paths.pidfile == "/var/run/nginx.pid");
  CHECK(paths.record == "/run/daemonctl/web.record");
}
