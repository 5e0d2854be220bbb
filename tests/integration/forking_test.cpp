// type = "forking": the command daemonizes itself and writes its own
// pidfile; start waits for both, records the daemon it names, and stops
// whatever a failed start left behind.
#include <catch2/catch.hpp>

#include <csignal>
#include <sys/wait.h>

#include "harness.h"

using namespace harness;

namespace {

/// A forking service running `script` under sh, its pidfile in the sandbox.
std::string forking(const Sandbox& box, const std::string& script, const std::string& timeout = "10s") {
  return "command = [\"/bin/sh\", \"-c\", \"" + script + "\"]\ntype = \"forking\"\npidfile = \"" +
         box.path("own.pid") + "\"\n" + box.mark_line() + "[ready]\ntimeout = \"" + timeout + "\"\n";
}

pid_t pid_of_file(const std::string& path) {
  std::string text = slurp(path);
  return text.empty() ? 0 : static_cast<pid_t>(std::stol(text));
}

}  // namespace

TEST_CASE("type forking: start waits for the command to exit and for its pidfile, then records that pid") {
  Sandbox box;
  // The command exits at once; its daemon writes the pidfile 300 ms later.
  std::string file = box.service(
      "svc", forking(box, "sleep 1000 & daemon=$!; (sleep 0.3; echo $daemon > " + box.path("own.pid") + ") &"));
  Run r = box.run({"start", file});
  INFO(r.err);
  REQUIRE(r.code == 0);
  pid_t pid = pid_in(r.out);
  REQUIRE(pid > 0);
  CHECK(pid_of_file(box.path("own.pid")) == pid);
  CHECK(slurp(box.state_dir() + "/svc.record").find("\npid " + std::to_string(pid) + "\n") != std::string::npos);
  CHECK_FALSE(exists(box.state_dir() + "/svc.pid"));  // the service's own pidfile is the one
  Run status = box.run({"status", file});
  CHECK(status.code == 0);
  CHECK(status.out.find("running (pid " + std::to_string(pid)) != std::string::npos);
  Run stopped = box.run({"stop", file});
  CHECK(stopped.code == 0);
  CHECK_FALSE(alive(pid));
  CHECK_FALSE(exists(box.path("own.pid")));
}

TEST_CASE("type forking: a pidfile of several lines, as postgres writes postmaster.pid, names the daemon on its first") {
  Sandbox box;
  std::string file = box.service(
      "svc", forking(box, "sleep 1000 & printf '%s\\\\n/var/lib/postgresql/15/main\\\\n1733300000\\\\n5432\\\\n' $! > " +
                              box.path("own.pid")));
  Run r = box.run({"start", file});
  INFO(r.err);
  REQUIRE(r.code == 0);
  pid_t pid = pid_in(r.out);
  REQUIRE(pid > 0);
  CHECK(slurp(box.path("own.pid")) == std::to_string(pid) + "\n/var/lib/postgresql/15/main\n1733300000\n5432\n");
  Run status = box.run({"status", file});
  CHECK(status.code == 0);
  CHECK(status.out.find("running (pid " + std::to_string(pid)) != std::string::npos);
  CHECK(status.err.empty());
  CHECK(box.run({"stop", file}).code == 0);
  CHECK_FALSE(alive(pid));
}

TEST_CASE("type forking: restart replaces the daemon with a new one") {
  Sandbox box;
  std::string file = box.service("svc", forking(box, "sleep 1000 & echo $! > " + box.path("own.pid")));
  Run first = box.run({"start", file});
  REQUIRE(first.code == 0);
  Run again = box.run({"restart", file});
  INFO(again.err);
  REQUIRE(again.code == 0);
  pid_t second = pid_in(again.out.substr(again.out.find("started")));
  CHECK(second != pid_in(first.out));
  CHECK_FALSE(alive(pid_in(first.out)));
  CHECK(pid_of_file(box.path("own.pid")) == second);
  CHECK(box.run({"stop", file}).code == 0);
}

TEST_CASE("type forking: a command that exits non-zero fails the start, and what it left is stopped") {
  Sandbox box;
  std::string file = box.service("svc", forking(box, "sleep 1000 & exit 3"));
  Run r = box.run({"start", file});
  CHECK(r.code == 1);
  CHECK(r.err.find("svc: '/bin/sh' (pid ") != std::string::npos);
  CHECK(r.err.find(") exited with status 3\n") != std::string::npos);
  CHECK(pids_with_env(box.mark()).empty());
  CHECK_FALSE(exists(box.state_dir() + "/svc.record"));
}

TEST_CASE("type forking: no pidfile within ready.timeout fails the start, and what it left is stopped") {
  Sandbox box;
  std::string file = box.service("svc", forking(box, "sleep 1000 &", "400ms"));
  Run r = box.run({"start", file});
  CHECK(r.code == 1);
  CHECK(r.err.find("svc: not started within 400ms: no pidfile '" + box.path("own.pid") + "'\n") != std::string::npos);
  CHECK(pids_with_env(box.mark()).empty());
}

TEST_CASE("type forking: a pidfile naming a process the command did not leave is refused, and that process is spared") {
  Sandbox box;
  pid_t stranger = spawn_child({"/bin/sleep", "1000"});
  std::string file =
      box.service("svc", forking(box, "echo " + std::to_string(stranger) + " > " + box.path("own.pid"), "400ms"));
  Run r = box.run({"start", file});
  CHECK(r.code == 1);
  CHECK(r.err.find("names pid " + std::to_string(stranger) + ", which the command did not leave behind") !=
        std::string::npos);
  CHECK(alive(stranger));
  ::kill(stranger, SIGKILL);
  ::waitpid(stranger, nullptr, 0);
}

TEST_CASE("type forking: --dry-run says it waits for the pidfile and writes only the record") {
  Sandbox box;
  std::string file = box.service("svc", forking(box, "sleep 1000 &"));
  Run r = box.run({"start", "--dry-run", file});
  CHECK(r.code == 0);
  CHECK(r.out.find("svc: would wait up to 10s for it to exit 0 and for pidfile '" + box.path("own.pid") +
                   "' to name the process it leaves\n") != std::string::npos);
  CHECK(r.out.find("svc: would write record '" + box.state_dir() + "/svc.record'\n") != std::string::npos);
  CHECK(pids_with_env(box.mark()).empty());
}
