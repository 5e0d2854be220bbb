// The example service files really work: start, status, stop each one.
#include <catch2/catch.hpp>

#include <unistd.h>

#include "harness.h"

using namespace harness;

namespace {

// Copies an example next to a sandbox's state dir, so that its relative
// paths (logs) land in the sandbox, not in the source tree.
std::string copy_example(Sandbox& box, const std::string& name) {
  return box.write(name + ".toml", slurp(std::string(EXAMPLES_DIR) + "/" + name + ".toml"));
}

void check_lifecycle(Sandbox& box, const std::string& name) {
  std::string file = copy_example(box, name);
  Run start = box.run({"start", file});
  INFO(start.err);
  REQUIRE(start.code == 0);
  pid_t pid = pid_in(start.out);
  CHECK(start.out == name + ": started (pid " + std::to_string(pid) + ")\n");
  CHECK(box.run({"status", file}).code == 0);
  Run stop = box.run({"stop", file});
  CHECK(stop.code == 0);
  CHECK(stop.out.rfind(name + ": stopped (pid " + std::to_string(pid), 0) == 0);
  CHECK_FALSE(alive(pid));
  CHECK(box.run({"status", file}).code == 3);
}

}  // namespace

TEST_CASE("example ticker logs the date and stops in one go") {
  Sandbox box;
  std::string file = copy_example(box, "ticker");
  REQUIRE(box.run({"start", file}).code == 0);
  REQUIRE(wait_until([&] { return !slurp(box.path("ticker.log")).empty(); }));
  Run stop = box.run({"stop", file});
  CHECK(stop.code == 0);
  CHECK(stop.out.find("SIGKILL") == std::string::npos);
}

TEST_CASE("example stubborn is stopped with SIGKILL") {
  Sandbox box;
  std::string file = copy_example(box, "stubborn");
  Run start = box.run({"start", file});
  REQUIRE(start.code == 0);
  Run stop = box.run({"stop", file});
  CHECK(stop.code == 0);
  CHECK(stop.out == "stubborn: stopped (pid " + std::to_string(pid_in(start.out)) +
                        ", killed with SIGKILL after 2s)\n");
}

TEST_CASE("every example starts, reports running, and stops") {
  for (const char* name : {"ticker", "stubborn"}) {
    Sandbox box;
    check_lifecycle(box, name);
  }
  if (::access("/usr/bin/python3", X_OK) == 0) {
    Sandbox box;
    check_lifecycle(box, "webserver");
  }
}
