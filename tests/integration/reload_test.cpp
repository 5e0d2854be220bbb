// reload and signal: a signal to the proven daemon, or exit 7.
#include <catch2/catch.hpp>

#include <csignal>

#include "harness.h"

using namespace harness;

namespace {

/// A daemon that appends the name of each trapped signal to `log`.
std::string trapping(Sandbox& box, const std::string& log, const std::string& extra = "") {
  return "command = [\"/bin/sh\", \"-c\", \"trap 'echo HUP >> " + log + "' HUP; trap 'echo USR1 >> " + log +
         "' USR1; trap 'echo USR2 >> " + log + "' USR2; echo ready > " + log + ".ready; while :; do sleep 0.05; done\"]\n" +
         box.mark_line() + extra;
}

pid_t start_ready(Sandbox& box, const std::string& file, const std::string& log) {
  Run r = box.run({"start", file});
  REQUIRE(r.code == 0);
  REQUIRE(wait_until([&] { return exists(log + ".ready"); }));
  return pid_in(r.out);
}

}  // namespace

TEST_CASE("reload sends SIGHUP to the running daemon") {
  Sandbox box;
  std::string log = box.path("signals");
  std::string file = box.service("svc", trapping(box, log));
  pid_t pid = start_ready(box, file, log);
  Run r = box.run({"reload", file});
  CHECK(r.code == 0);
  CHECK(r.out == "svc: sent SIGHUP to pid " + std::to_string(pid) + "\n");
  CHECK(wait_until([&] { return slurp(log) == "HUP\n"; }));
  CHECK(alive(pid));
}

TEST_CASE("reload sends reload_signal when the service file sets it") {
  Sandbox box;
  std::string log = box.path("signals");
  std::string file = box.service("svc", trapping(box, log, "reload_signal = \"USR1\"\n"));
  pid_t pid = start_ready(box, file, log);
  Run r = box.run({"reload", file});
  CHECK(r.code == 0);
  CHECK(r.out == "svc: sent SIGUSR1 to pid " + std::to_string(pid) + "\n");
  CHECK(wait_until([&] { return slurp(log) == "USR1\n"; }));
}

TEST_CASE("reload and signal of a service that is not running exit 7") {
  Sandbox box;
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\n" + box.mark_line());
  Run r = box.run({"reload", file});
  CHECK(r.code == 7);
  CHECK(r.out == "svc: not running\n");
  CHECK(box.run({"signal", file, "USR1"}).code == 7);
}

TEST_CASE("signal sends any signal, by name or number") {
  Sandbox box;
  std::string log = box.path("signals");
  std::string file = box.service("svc", trapping(box, log));
  pid_t pid = start_ready(box, file, log);
  Run usr2 = box.run({"signal", file, "SIGUSR2"});
  CHECK(usr2.code == 0);
  CHECK(usr2.out == "svc: sent SIGUSR2 to pid " + std::to_string(pid) + "\n");
  CHECK(wait_until([&] { return slurp(log) == "USR2\n"; }));
  CHECK(box.run({"signal", file, "10"}).code == 0);  // SIGUSR1
  CHECK(wait_until([&] { return slurp(log) == "USR2\nUSR1\n"; }));
  Run bad = box.run({"signal", file, "NOPE"});
  CHECK(bad.code == 2);
  CHECK(bad.err == "daemonctl: error: unknown signal 'NOPE'\n");
}

TEST_CASE("signal goes to the recorded daemon, never to a pid written into its pidfile") {
  Sandbox box;
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\n" + box.mark_line());
  Run s = box.run({"start", file});
  REQUIRE(s.code == 0);
  pid_t daemon = pid_in(s.out);
  // A stranger of the same program takes the pidfile's place.
  pid_t stranger = spawn_child({"/bin/sleep", "1000"});
  box.write("state/svc.pid", std::to_string(stranger) + "\n");
  Run r = box.run({"signal", file, "KILL"});
  CHECK(r.code == 0);
  CHECK(r.out == "svc: sent SIGKILL to pid " + std::to_string(daemon) + "\n");
  CHECK(wait_until([&] { return !alive(daemon); }));
  CHECK(alive(stranger));
  ::kill(stranger, SIGKILL);
}

TEST_CASE("reload --all reloads every running service, whatever a stopped one they come after") {
  Sandbox box;
  std::string log = box.path("signals");
  box.service("db", "command = [\"/bin/sleep\", \"1000\"]\n" + box.mark_line());
  box.service("web", trapping(box, log, "after = [\"db\"]\n"));
  Run s = box.run({"--config-dir", box.dir(), "start", "web"});  // db stays stopped
  REQUIRE(s.code == 0);
  REQUIRE(wait_until([&] { return exists(log + ".ready"); }));
  pid_t pid = pid_in(s.out);
  Run r = box.run({"--config-dir", box.dir(), "reload", "--all"});
  CHECK(r.code == 7);  // db's: not running
  CHECK(r.out == "db: not running\nweb: sent SIGHUP to pid " + std::to_string(pid) + "\n");
  CHECK(wait_until([&] { return slurp(log) == "HUP\n"; }));
}
