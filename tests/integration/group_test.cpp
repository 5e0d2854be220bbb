// The daemon's process group: stop ends it whole by default ([stop] group =
// true).
#include <catch2/catch.hpp>

#include <csignal>

#include "harness.h"

using namespace harness;

namespace {

pid_t started(const Run& r) {
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.code == 0);
  pid_t pid = pid_in(r.out);
  REQUIRE(pid > 0);
  return pid;
}

// The pid a shell wrote into `file`, once it has.
pid_t pid_written(const std::string& file) {
  REQUIRE(wait_until([&] { return slurp(file).find('\n') != std::string::npos; }));
  return std::stoi(slurp(file));
}

}  // namespace

TEST_CASE("stop without a group setting ends a wrapper's child too: group = true is the default") {
  Sandbox box;
  std::string file =
      box.service("svc", "command = [\"/bin/sh\", \"-c\", \"sleep 1000 & echo $! > child.pid; wait\"]\n"
                         "directory = \".\"\n" + box.mark_line());
  pid_t pid = started(box.run({"start", file}));
  pid_t child = pid_written(box.path("child.pid"));
  box.track(child);
  REQUIRE(alive(child));
  Run r = box.run({"stop", file});
  CHECK(r.code == 0);
  CHECK(r.out == "svc: stopped (pid " + std::to_string(pid) + ")\n");
  CHECK_FALSE(alive(pid));
  CHECK_FALSE(alive(child));  // gone before stop returned, not some time after
  CHECK(pids_with_env(box.mark()).empty());
}
