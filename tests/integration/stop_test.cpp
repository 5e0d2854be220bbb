// stop: the signal sequence, escalation, safety against the wrong process,
// and promptness although the reaper is late.
#include <catch2/catch.hpp>

#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <sstream>

#include "harness.h"

using namespace harness;

namespace {

pid_t start_ok(Sandbox& box, const std::string& file) {
  Run r = box.run({"start", file});
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.code == 0);
  pid_t pid = pid_in(r.out);
  REQUIRE(pid > 0);
  return pid;
}

}  // namespace

TEST_CASE("stop ends the daemon, removes pidfile and record, and says so") {
  Sandbox box;
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\n");
  pid_t pid = start_ok(box, file);
  Run r = box.run({"stop", file});
  CHECK(r.code == 0);
  CHECK(r.out == "svc: stopped (pid " + std::to_string(pid) + ")\n");
  CHECK(r.err.empty());
  CHECK_FALSE(alive(pid));
  CHECK_FALSE(exists(box.state_dir() + "/svc.pid"));
  CHECK_FALSE(exists(box.state_dir() + "/svc.record"));
}

TEST_CASE("stop of a service that is not running exits 0") {
  Sandbox box;
  Run r = box.run({"stop", box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\n")});
  CHECK(r.code == 0);
  CHECK(r.out == "svc: not running\n");
}

TEST_CASE("stop sends the configured signal") {
  Sandbox box;
  // The shell writes down the signal it got.
  std::string file = box.service(
      "svc",
      "command = [\"/bin/sh\", \"-c\", \"trap 'echo USR1 > got; exit 0' USR1; : > trapped; while :; do sleep 0.05; done\"]\n"
      "directory = \".\"\n[stop]\nsignal = \"USR1\"\n");
  pid_t pid = start_ok(box, file);
  // A signal before the trap is set would kill the shell instead.
  REQUIRE(wait_until([&] { return exists(box.path("trapped")); }));
  Run r = box.run({"stop", file});
  CHECK(r.code == 0);
  CHECK(r.out == "svc: stopped (pid " + std::to_string(pid) + ")\n");
  CHECK(slurp(box.path("got")) == "USR1\n");
}

TEST_CASE("stop escalates to SIGKILL after the timeout when SIGTERM is ignored") {
  Sandbox box;
  std::string file = box.service(
      "svc",
      "command = [\"/bin/sh\", \"-c\", \"trap '' TERM; while :; do sleep 0.05; done\"]\n"
      "[stop]\ntimeout = \"300ms\"\ninterval = \"50ms\"\n");
  pid_t pid = start_ok(box, file);
  Run r = box.run({"-v", "stop", file});
  CHECK(r.code == 0);
  CHECK(r.out == "svc: stopped (pid " + std::to_string(pid) + ", killed with SIGKILL after 300ms)\n");
  CHECK_FALSE(alive(pid));
  // re-sent every interval, as the classic Daemon.stop() loop does, to its
  // process group (the default)
  std::string group = std::to_string(stat_of(pid).pgrp);
  std::string term = "daemonctl: debug: svc: sending SIGTERM to process group " + group;
  size_t count = 0;
  for (size_t at = r.err.find(term); at != std::string::npos; at = r.err.find(term, at + 1)) ++count;
  CHECK(count >= 3);
  CHECK(r.err.find("daemonctl: debug: svc: sending SIGKILL to process group " + group) != std::string::npos);
  CHECK_FALSE(exists(box.state_dir() + "/svc.pid"));
}

TEST_CASE("stop with interval 0s sends the signal only once") {
  Sandbox box;
  std::string file = box.service(
      "svc",
      "command = [\"/bin/sh\", \"-c\", \"trap '' TERM; while :; do sleep 0.05; done\"]\n"
      "[stop]\ntimeout = \"200ms\"\ninterval = \"0s\"\n");
  pid_t pid = start_ok(box, file);
  std::string group = std::to_string(stat_of(pid).pgrp);
  Run r = box.run({"-v", "stop", file});
  CHECK(r.code == 0);
  std::string term = "sending SIGTERM to process group " + group;
  auto first = r.err.find(term);
  CHECK(first != std::string::npos);
  CHECK(r.err.find(term, first + 1) == std::string::npos);
}

TEST_CASE("stop returns although nobody reaps the daemon (zombie counts as gone)") {
  // Become the subreaper that never reaps: the daemon's parent is then this
  // test, and it stays a zombie - as under a PID 1 that reaps late. A stop
  // that waits for the pid to disappear would hang here until its timeout.
  struct Subreaper {
    Subreaper() { REQUIRE(::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0); }
    ~Subreaper() { ::prctl(PR_SET_CHILD_SUBREAPER, 0); }
  } subreaper;
  Sandbox box;
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\n[stop]\ntimeout = \"30s\"\n");
  pid_t pid = start_ok(box, file);
  CHECK(stat_of(pid).ppid == ::getpid());
  Run r = box.run({"stop", file});
  CHECK(r.code == 0);
  CHECK(r.out == "svc: stopped (pid " + std::to_string(pid) + ")\n");
  CHECK(stat_of(pid).state == 'Z');  // still unreaped: stop did not wait for the reaper
  CHECK(::waitpid(pid, nullptr, 0) == pid);
}

TEST_CASE("stop never signals an unrelated live process named by the pidfile") {
  Sandbox box;
  std::string file = box.service("svc", "command = [\"/bin/cat\"]\n");
  pid_t stranger = spawn_child({"/bin/sleep", "1000"});
  box.track(stranger);
  box.write("state/svc.pid", std::to_string(stranger) + "\n");
  Run r = box.run({"stop", file});
  CHECK(r.code == 0);
  CHECK(r.out == "svc: not running\n");
  CHECK(r.err.find("removing stale pidfile") != std::string::npos);
  CHECK(r.err.find("(no record: daemonctl did not start it)") != std::string::npos);
  CHECK(alive(stranger));  // sleep dies of any signal stop would send
  CHECK_FALSE(exists(box.state_dir() + "/svc.pid"));
  ::kill(stranger, SIGKILL);
  ::waitpid(stranger, nullptr, 0);
}

namespace {

/// A record of svc's start, from `record`, recycled: it names the stranger's
/// pid with the start time of the process that had it before, one tick
/// earlier (both may really have started within one 10 ms tick in this
/// test). With `inode`, the pidfs inode of the one before too, if it has one.
std::string recycled(const std::string& record, pid_t stranger, bool inode) {
  std::string start = slurp("/proc/" + std::to_string(stranger) + "/stat");
  std::istringstream fields(start.substr(start.rfind(')') + 2));
  std::string field;
  for (int i = 3; i <= 22; ++i) fields >> field;
  std::string rest = record.substr(record.find("\nboot_id"));
  if (auto at = rest.find("\npid_inode "); at != std::string::npos && !inode) rest.erase(at, rest.find('\n', at + 1) - at);
  return "pid " + std::to_string(stranger) + "\nstarttime " + std::to_string(std::stoull(field) - 1) + rest;
}

}  // namespace

TEST_CASE("stop never signals a process whose pid was reused (start time, or pidfs inode, differs from the record)") {
  for (bool inode : {false, true}) {
    Sandbox box;
    // Same program as the service: only the record can tell them apart.
    std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\n");
    pid_t pid = start_ok(box, file);
    std::string record = slurp(box.state_dir() + "/svc.record");
    bool has_inode = record.find("\npid_inode ") != std::string::npos;
    if (inode && !has_inode) {
      WARN("no pidfs inodes on this kernel: only the start time checked");
      break;
    }
    ::kill(pid, SIGKILL);
    REQUIRE(wait_until([&] { return !alive(pid); }));
    pid_t stranger = spawn_child({"/bin/sleep", "1000"});
    box.track(stranger);
    box.write("state/svc.record", recycled(record, stranger, inode));
    box.write("state/svc.pid", std::to_string(stranger) + "\n");
    Run r = box.run({"stop", file});
    CHECK(r.code == 0);
    CHECK(r.out == "svc: not running\n");
    std::string why = inode ? "(pidfs inode differs)" : "(start time differs)";
    CHECK(r.err.find("pid reused by another process " + why) != std::string::npos);
    CHECK(alive(stranger));
    ::kill(stranger, SIGKILL);
    ::waitpid(stranger, nullptr, 0);
  }
}

TEST_CASE("stop without a record signals nothing, even a process of the service's own program") {
  Sandbox box;
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\n");
  pid_t pid = start_ok(box, file);
  REQUIRE(::unlink((box.state_dir() + "/svc.record").c_str()) == 0);
  Run r = box.run({"stop", file});
  CHECK(r.code == 0);
  CHECK(r.out == "svc: not running\n");
  CHECK(alive(pid));
  ::kill(pid, SIGKILL);
}

TEST_CASE("stop with group = true also ends the daemon's children") {
  Sandbox box;
  std::string body =
      "command = [\"/bin/sh\", \"-c\", \"sleep 1000 & echo $! > child.pid; wait\"]\ndirectory = \".\"\n"
      "[stop]\ntimeout = \"5s\"\ngroup = ";
  SECTION("group = true") {
    std::string file = box.service("svc", body + "true\n");
    start_ok(box, file);
    REQUIRE(wait_until([&] { return slurp(box.path("child.pid")).find('\n') != std::string::npos; }));
    pid_t child = std::stoi(slurp(box.path("child.pid")));
    box.track(child);
    REQUIRE(alive(child));
    CHECK(box.run({"stop", file}).code == 0);
    CHECK(wait_until([&] { return !alive(child); }));
  }
  SECTION("group = false leaves the child alone") {
    std::string file = box.service("svc", body + "false\n");
    start_ok(box, file);
    REQUIRE(wait_until([&] { return slurp(box.path("child.pid")).find('\n') != std::string::npos; }));
    pid_t child = std::stoi(slurp(box.path("child.pid")));
    box.track(child);
    CHECK(box.run({"stop", file}).code == 0);
    CHECK(alive(child));
  }
}

TEST_CASE("stop removes a pidfile with invalid contents and signals nothing") {
  Sandbox box;
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\n");
  box.write("state/svc.pid", "-1\n");
  Run r = box.run({"stop", file});
  CHECK(r.code == 0);
  CHECK(r.out == "svc: not running\n");
  CHECK(r.err == "daemonctl: warning: svc: removing stale pidfile '" + box.state_dir() +
                     "/svc.pid' (no record: daemonctl did not start it)\n");
  CHECK_FALSE(exists(box.state_dir() + "/svc.pid"));
}

TEST_CASE("restart stops the running daemon and starts a new one") {
  Sandbox box;
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\n");
  pid_t old = start_ok(box, file);
  Run r = box.run({"restart", file});
  CHECK(r.code == 0);
  pid_t pid = pid_in(r.out);
  CHECK(r.out == "svc: stopped (pid " + std::to_string(old) + ")\nsvc: started (pid " + std::to_string(pid) + ")\n");
  CHECK(pid != old);
  CHECK_FALSE(alive(old));
  CHECK(alive(pid));
  CHECK(box.pidfile_pid("svc") == pid);
}

TEST_CASE("restart of a stopped service starts it") {
  Sandbox box;
  Run r = box.run({"restart", box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\n")});
  CHECK(r.code == 0);
  CHECK(r.out == "svc: started (pid " + std::to_string(pid_in(r.out)) + ")\n");
}

TEST_CASE("restart does not start when the stop fails") {
  Sandbox box;
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\n");
  box.write("state/svc.record/x", "");  // a record that cannot be read: state unknown
  Run r = box.run({"restart", file});
  CHECK(r.code == 1);
  CHECK(r.out.empty());
  CHECK(r.err.find("daemonctl: error: svc: cannot tell whether it runs: cannot read '") == 0);
}

TEST_CASE("stop exits 4 when not allowed to signal the daemon, and keeps the pidfile") {
  Sandbox box;
  REQUIRE(::chmod(box.dir().c_str(), 0755) == 0);
  // The default, group = true, signals its process group; false the pid.
  bool group = GENERATE(true, false);
  std::string file = box.service("svc", "command = [\"/bin/sleep\", \"1000\"]\n" +
                                            std::string(group ? "" : "[stop]\ngroup = false\n"));
  pid_t pid = start_ok(box, file);  // as root
  // The same state, in a state dir of an unprivileged user.
  box.write("user/svc.pid", slurp(box.state_dir() + "/svc.pid"));
  box.write("user/svc.record", slurp(box.state_dir() + "/svc.record"));
  REQUIRE(::chown(box.path("user").c_str(), 65534, 65534) == 0);
  RunOptions nobody;
  nobody.uid = 65534;
  Run r = daemonctl({"--state-dir", box.path("user"), "stop", file}, nobody);
  CHECK(r.code == 4);
  std::string target = group ? "process group " + std::to_string(stat_of(pid).pgrp) : "pid " + std::to_string(pid);
  CHECK(r.err == "daemonctl: error: svc: not allowed to signal " + target + ": Operation not permitted\n");
  CHECK(alive(pid));
  CHECK(exists(box.path("user/svc.pid")));
}

TEST_CASE("stop with group = true outlasts the daemon until its group is empty, escalating to SIGKILL") {
  Sandbox box;
  // The child ignores SIGTERM and outlives the shell, which dies of it at once.
  std::string file = box.service(
      "svc",
      "command = [\"/bin/sh\", \"-c\", \"(trap '' TERM; exec sleep 1000) & echo $! > child.pid; sleep 1000\"]\n"
      "directory = \".\"\n[stop]\ngroup = true\ntimeout = \"400ms\"\n");
  pid_t pid = start_ok(box, file);
  REQUIRE(wait_until([&] { return slurp(box.path("child.pid")).find('\n') != std::string::npos; }));
  pid_t child = std::stoi(slurp(box.path("child.pid")));
  box.track(child);
  REQUIRE(wait_until([&] { return status_field(child, "SigIgn") != "0000000000000000"; }));
  Run r = box.run({"stop", file});
  CHECK(r.code == 0);
  CHECK(r.out == "svc: stopped (pid " + std::to_string(pid) + ", killed with SIGKILL after 400ms)\n");
  CHECK_FALSE(alive(child));
}
