// status: the LSB codes and lines, from real processes.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <csignal>

#include "harness.h"

using namespace harness;

TEST_CASE("status of a running service exits 0 with pid and uptime") {
  Sandbox box;
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\n");
  Run s = box.run({"start", file});
  REQUIRE(s.code == 0);
  pid_t pid = pid_in(s.out);
  Run r = box.run({"status", file});
  CHECK(r.code == 0);
  CHECK(r.out.rfind("svc: running (pid " + std::to_string(pid) + ", up ", 0) == 0);
  CHECK(r.out.find("s)\n") != std::string::npos);
}

TEST_CASE("status of a service never started exits 3") {
  Sandbox box;
  Run r = box.run({"status", box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\n")});
  CHECK(r.code == 3);
  CHECK(r.out == "svc: not running\n");
}

TEST_CASE("status of a dead daemon with its pidfile left exits 1, even before it is reaped") {
  Sandbox box;
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\n");
  Run s = box.run({"start", file});
  REQUIRE(s.code == 0);
  pid_t pid = pid_in(s.out);
  ::kill(pid, SIGKILL);
  // Dead from the moment it exits, whether or not PID 1 has reaped it yet.
  REQUIRE(wait_until([&] { return !alive(pid); }));
  Run r = box.run({"status", file});
  CHECK(r.code == 1);
  CHECK(r.out.rfind("svc: dead, but pidfile '" + box.state_dir() + "/svc.pid' remains (pid " + std::to_string(pid), 0) ==
        0);
  CHECK(exists(box.state_dir() + "/svc.pid"));  // status only looks
}

TEST_CASE("status of a pidfile naming another program exits 1 and signals nothing") {
  Sandbox box;
  std::string file = box.service("svc", "command = [\"/bin/cat\"]\n");
  pid_t stranger = spawn_child({"/bin/sleep", "1000"});
  box.track(stranger);
  box.write("state/svc.pid", std::to_string(stranger) + "\n");
  Run r = box.run({"status", file});
  CHECK(r.code == 1);
  CHECK(r.out.find("pid belongs to another program") != std::string::npos);
  CHECK(alive(stranger));
  ::kill(stranger, SIGKILL);
}

TEST_CASE("status of an invalid pidfile exits 4") {
  Sandbox box;
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\n");
  box.write("state/svc.pid", "12abc\n");
  Run r = box.run({"status", file});
  CHECK(r.code == 4);
  CHECK(r.out == "svc: unknown: pidfile '" + box.state_dir() + "/svc.pid' is invalid: '12abc' is not a pid\n");
}

TEST_CASE("status of an invalid or missing service file exits 4") {
  Sandbox box;
  Run bad = box.run({"status", box.service("svc", "command = 5\n")});
  CHECK(bad.code == 4);
  CHECK(bad.err.rfind("daemonctl: error: " + box.path("svc.toml") + ":1:11: ", 0) == 0);
  Run missing = box.run({"status", box.path("nope.toml")});
  CHECK(missing.code == 4);
}
