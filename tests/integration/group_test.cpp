// The daemon's process group: stop ends it whole by default ([stop] group =
// true), and signal --group and reload --group reach it whole, with the
// proofs of stop (only while the daemon is still in its recorded group).
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

// A wrapper script (the daemon) whose child shell is what serves: only the
// child writes down the HUP and USR1 it gets; the wrapper notes its own apart.
std::string wrapper_service(const Sandbox& box, const std::string& extra = "") {
  box.write("child.sh", "trap 'echo HUP >> child.got' HUP\ntrap 'echo USR1 >> child.got' USR1\n"
                        "echo $$ > child.pid\nwhile :; do sleep 0.05; done\n");
  box.write("wrapper.sh", "trap 'echo HUP >> wrapper.got' HUP\ntrap 'echo USR1 >> wrapper.got' USR1\n"
                          "/bin/sh child.sh &\nwhile :; do sleep 0.05; done\n");
  return box.service("svc", "command = [\"/bin/sh\", \"wrapper.sh\"]\ndirectory = \".\"\n" + box.mark_line() + extra);
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

TEST_CASE("signal --group reaches the child of a wrapper, signal alone only the wrapper") {
  Sandbox box;
  std::string file = wrapper_service(box);
  pid_t pid = started(box.run({"start", file}));
  pid_t child = pid_written(box.path("child.pid"));  // written once its traps are set
  std::string group_of = std::to_string(stat_of(pid).pgrp) + " (pid " + std::to_string(pid) + ")";

  Run alone = box.run({"signal", file, "USR1"});
  CHECK(alone.code == 0);
  CHECK(alone.out == "svc: sent SIGUSR1 to pid " + std::to_string(pid) + "\n");
  CHECK(wait_until([&] { return slurp(box.path("wrapper.got")) == "USR1\n"; }));

  Run group = box.run({"signal", "--group", file, "USR1"});
  CHECK(group.code == 0);
  CHECK(group.out == "svc: sent SIGUSR1 to process group " + group_of + "\n");
  CHECK(wait_until([&] { return slurp(box.path("child.got")) == "USR1\n"; }));
  CHECK(wait_until([&] { return slurp(box.path("wrapper.got")) == "USR1\nUSR1\n"; }));
  CHECK(alive(pid));
  CHECK(alive(child));
  CHECK(box.run({"stop", file}).code == 0);
  CHECK_FALSE(alive(child));
}

TEST_CASE("reload --group sends the reload signal to the wrapper's child too") {
  Sandbox box;
  std::string file = wrapper_service(box);
  pid_t pid = started(box.run({"start", file}));
  pid_t child = pid_written(box.path("child.pid"));
  std::string group_of = std::to_string(stat_of(pid).pgrp) + " (pid " + std::to_string(pid) + ")";
  Run dry = box.run({"reload", "--group", "--dry-run", file});
  CHECK(dry.code == 0);
  CHECK(dry.out == "svc: would send SIGHUP to process group " + group_of + "\n");
  CHECK_FALSE(exists(box.path("child.got")));
  Run r = box.run({"reload", "--group", file});
  CHECK(r.code == 0);
  CHECK(r.out == "svc: sent SIGHUP to process group " + group_of + "\n");
  CHECK(wait_until([&] { return slurp(box.path("child.got")) == "HUP\n"; }));
  CHECK(wait_until([&] { return slurp(box.path("wrapper.got")) == "HUP\n"; }));
  CHECK(alive(child));
  CHECK(box.run({"stop", file}).code == 0);
}

TEST_CASE("signal --group goes to the daemon alone once it has left its recorded group") {
  Sandbox box;
  // As in the group stop test of hardening_test: the shell leaves a child in
  // the recorded group, then moves itself into a new session.
  std::string file = box.service(
      "svc", "command = [\"/bin/sh\", \"-c\", \"sleep 1000 & echo $! > child.pid; exec setsid sleep 1000\"]\n"
             "directory = \".\"\n" + box.mark_line());
  pid_t pid = started(box.run({"start", file}));
  REQUIRE(wait_until([&] { return stat_of(pid).pgrp == pid; }));  // setsid done
  pid_t child = pid_written(box.path("child.pid"));
  box.track(child);
  pid_t recorded = stat_of(child).pgrp;
  REQUIRE(recorded != pid);
  Run r = box.run({"signal", "--group", file, "CONT"});
  CHECK(r.code == 0);
  CHECK(r.out == "svc: sent SIGCONT to pid " + std::to_string(pid) + " alone, not to process group " +
                     std::to_string(recorded) + "\n");
  Run term = box.run({"signal", "--group", file, "TERM"});
  CHECK(term.code == 0);
  CHECK(wait_until([&] { return !alive(pid); }));
  CHECK(alive(child));  // still in the recorded group, which was not signalled
  ::kill(child, SIGKILL);
}
