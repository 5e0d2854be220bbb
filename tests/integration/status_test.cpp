// status: the LSB codes and lines, from real processes.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <sstream>

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
  CHECK(r.out.rfind("svc: dead (pid " + std::to_string(pid) + ": ", 0) == 0);
  CHECK(exists(box.state_dir() + "/svc.pid"));  // status only looks
}

TEST_CASE("status of a pidfile without a record exits 3 and signals nothing") {
  Sandbox box;
  std::string file = box.service("svc", "command = [\"/bin/cat\"]\n");
  pid_t stranger = spawn_child({"/bin/sleep", "1000"});
  box.track(stranger);
  box.write("state/svc.pid", std::to_string(stranger) + "\n");
  Run r = box.run({"status", file});
  CHECK(r.code == 3);
  CHECK(r.out.find("svc: not running; pidfile") == 0);
  CHECK(alive(stranger));
  ::kill(stranger, SIGKILL);
}

TEST_CASE("status of an unreadable or invalid record exits 4") {
  Sandbox box;
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\n");
  box.write("state/svc.record", "pid 12abc\n");
  Run r = box.run({"status", file});
  CHECK(r.code == 4);
  CHECK(r.out == "svc: unknown: record '" + box.state_dir() + "/svc.record' is invalid\n");
}

TEST_CASE("status of an invalid or missing service file exits 4") {
  Sandbox box;
  Run bad = box.run({"status", box.service("svc", "command = 5\n")});
  CHECK(bad.code == 4);
  CHECK(bad.err.rfind("daemonctl: error: " + box.path("svc.toml") + ":1:11: ", 0) == 0);
  Run missing = box.run({"status", box.path("nope.toml")});
  CHECK(missing.code == 4);
}

namespace {

/// The state dir's record of `name` with `key`'s line replaced by `key value`
/// (value "": removed).
void rewrite_record(Sandbox& box, const std::string& name, const std::string& key, const std::string& value) {
  std::string path = box.state_dir() + "/" + name + ".record";
  std::string text = slurp(path), out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key + " ", 0) != 0) out += line + "\n";
    else if (!value.empty()) out += key + " " + value + "\n";  // "": the line goes
  }
  box.write("state/" + name + ".record", out);
}

}  // namespace

TEST_CASE("status says why a record is stale: pid reused, or recorded before this boot") {
  Sandbox box;
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\n" + box.mark_line());
  Run s = box.run({"start", file});
  REQUIRE(s.code == 0);
  std::string pid = std::to_string(pid_in(s.out));
  // Proven by its pidfs inode (Linux 6.9 on), else by its start time.
  if (slurp(box.state_dir() + "/svc.record").find("\npid_inode ") != std::string::npos) {
    rewrite_record(box, "svc", "pid_inode", "1");
    Run reused = box.run({"status", file});
    CHECK(reused.code == 1);
    CHECK(reused.out.find("(pid " + pid + ": pid reused by another process (pidfs inode differs))") != std::string::npos);
    rewrite_record(box, "svc", "pid_inode", "");  // as an older kernel records it
  }
  rewrite_record(box, "svc", "starttime", "1");
  Run reused = box.run({"status", file});
  CHECK(reused.code == 1);
  CHECK(reused.out.find("(pid " + pid + ": pid reused by another process (start time differs))") != std::string::npos);
  rewrite_record(box, "svc", "boot_id", "00000000-0000-0000-0000-000000000000");
  Run boot = box.run({"status", file});
  CHECK(boot.code == 1);
  CHECK(boot.out.find("(pid " + pid + ": recorded before this boot)") != std::string::npos);
}

TEST_CASE("a pidfile without a record is never trusted, whatever its program, owner or mode") {
  Sandbox box;
  std::string pidfile = box.path("run/svc.pid");
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\npidfile = \"" + pidfile + "\"\n");
  pid_t same_program = spawn_child({"/bin/sleep", "1000"});
  box.write("run/svc.pid", std::to_string(same_program) + "\n");
  for (mode_t mode : {0644, 0666}) {
    ::chmod(pidfile.c_str(), mode);
    CHECK(box.run({"status", file}).code == 3);
  }
  CHECK(box.run({"stop", file}).code == 0);
  CHECK(alive(same_program));
  ::kill(same_program, SIGKILL);
  ::waitpid(same_program, nullptr, 0);
}
