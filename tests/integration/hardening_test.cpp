// Hostile pidfiles, symlinks, faults: daemonctl never signals what it cannot
// prove is the service, never writes through a planted symlink, and leaves
// nothing running when it fails.
#include <catch2/catch.hpp>

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>

#include "harness.h"

using namespace harness;

namespace {

std::string sleeper(const Sandbox& box) { return "command = [\"/bin/sleep\", \"1000\"]\n" + box.mark_line(); }

// A live process of ours that any signal daemonctl could send would end.
struct Canary {
  pid_t pid = spawn_child({"/bin/sleep", "1000"});
  ~Canary() {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
};

std::string pid_max_plus(long n) { return std::to_string(std::stol(slurp("/proc/sys/kernel/pid_max")) + n); }

}  // namespace

TEST_CASE("a pidfile without a record decides nothing, whatever it holds, and never reaches kill") {
  Canary canary;
  const std::string c = std::to_string(canary.pid);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "it is empty"},
      {"abc\n", "'abc' is not a pid"},
      {"0\n", "pid 0 is out of range"},
      {"-1\n", "'-1' is not a pid"},
      {"1\n", "pid 1 is out of range"},
      {"12abc\n", "'12abc' is not a pid"},
      {c + "\njunk\n", "it holds more than a pid"},
      {c + " " + c + "\n", "it holds more than a pid"},
      {pid_max_plus(0) + "\n", "is out of range"},
      {"99999999999999999999999\n", "is not a pid"},
      {std::string("\x01\x02\xff", 3), "'\\x01\\x02\\xff' is not a pid"},
      {std::string(10 << 20, '7'), "file too large"},
  };
  for (const auto& [content, why] : cases) {
    Sandbox box;
    std::string file = box.service("svc", sleeper(box));
    box.write("state/svc.pid", content);
    INFO("pidfile: " << content.substr(0, 40));
    (void)why;  // a pidfile is never parsed without a record
    Run status = box.run({"status", file});
    CHECK(status.code == 3);
    CHECK(status.out.find("svc: not running; pidfile '" + box.state_dir() + "/svc.pid' is left, with no record") == 0);
    Run stop = box.run({"stop", file});
    CHECK(stop.code == 0);
    CHECK(stop.out == "svc: not running\n");
    CHECK(stop.err.find("removing stale pidfile") != std::string::npos);
    CHECK_FALSE(exists(box.state_dir() + "/svc.pid"));
    CHECK(alive(canary.pid));
  }
}

TEST_CASE("a pidfile naming the same program started outside daemonctl is stale") {
  Sandbox box;
  std::string file = box.service("svc", sleeper(box));
  Run first = box.run({"start", file});
  REQUIRE(first.code == 0);
  pid_t old = pid_in(first.out);
  ::kill(old, SIGKILL);
  REQUIRE(wait_until([&] { return !alive(old); }));
  Canary outsider;  // /bin/sleep too, but not ours: the record names another pid
  box.write("state/svc.pid", std::to_string(outsider.pid) + "\n");
  Run status = box.run({"status", file});
  CHECK(status.code == 1);
  CHECK(status.out.find("svc: dead (pid " + std::to_string(old) + ": ") == 0);
  Run start = box.run({"start", file});
  CHECK(start.code == 0);
  CHECK(pid_in(start.out) != outsider.pid);
  CHECK(start.err.find("removing stale pidfile") != std::string::npos);
  CHECK(alive(outsider.pid));
  CHECK(box.run({"stop", file}).code == 0);
  CHECK(alive(outsider.pid));
}

TEST_CASE("group stop signals only the daemon once it has left its recorded group") {
  Sandbox box;
  // The shell leaves a child in the original group, then moves itself (same
  // pid) into a new session with setsid(1) and becomes sleep.
  std::string file = box.service(
      "svc", "command = [\"/bin/sh\", \"-c\", \"sleep 1000 & echo $! > child.pid; exec setsid sleep 1000\"]\n"
             "directory = \".\"\n" + box.mark_line() + "[stop]\ngroup = true\ntimeout = \"5s\"\n");
  Run start = box.run({"start", file});
  REQUIRE(start.code == 0);
  pid_t pid = pid_in(start.out);
  REQUIRE(wait_until([&] { return stat_of(pid).pgrp == pid; }));  // setsid done
  REQUIRE(wait_until([&] { return slurp(box.path("child.pid")).find('\n') != std::string::npos; }));
  pid_t child = std::stoi(slurp(box.path("child.pid")));
  REQUIRE(alive(child));
  Run stop = box.run({"-v", "stop", file});
  CHECK(stop.code == 0);
  CHECK(stop.err.find("to pid " + std::to_string(pid)) != std::string::npos);
  CHECK(stop.err.find("process group") == std::string::npos);
  CHECK_FALSE(alive(pid));
  CHECK(alive(child));  // still in the recorded group, which was not signalled
  ::kill(child, SIGKILL);
}

TEST_CASE("a pidfile that is a symlink is never written or removed through, and its target left alone") {
  Sandbox box;
  std::string file = box.service("svc", sleeper(box) + "pidfile = \"run/svc.pid\"\n");
  box.write("victim", "precious\n");
  box.write("run/.keep", "");
  REQUIRE(::symlink(box.path("victim").c_str(), box.path("run/svc.pid").c_str()) == 0);
  Run start = box.run({"start", file});
  CHECK(start.code == 0);  // not a record: a stale pidfile, replaced, never followed
  CHECK(start.err.find("removing stale pidfile '" + box.path("run/svc.pid") + "'") != std::string::npos);
  CHECK(slurp(box.path("victim")) == "precious\n");
  CHECK(slurp(box.path("run/svc.pid")) == std::to_string(pid_in(start.out)) + "\n");
  CHECK(box.run({"status", file}).code == 0);
  CHECK(box.run({"stop", file}).code == 0);
  CHECK(slurp(box.path("victim")) == "precious\n");
  CHECK(pids_with_env(box.mark()).empty());
}

TEST_CASE("a lock file that is a symlink is refused") {
  Sandbox box;
  std::string file = box.service("svc", sleeper(box));
  box.write("state/.keep", "");
  ::chmod(box.state_dir().c_str(), 0700);
  REQUIRE(::symlink(box.path("elsewhere").c_str(), (box.state_dir() + "/svc.lock").c_str()) == 0);
  Run r = box.run({"start", file});
  CHECK(r.code == 1);
  CHECK(r.err.find("lock file '" + box.state_dir() + "/svc.lock' is a symbolic link; refusing to use it") !=
        std::string::npos);
  CHECK_FALSE(exists(box.path("elsewhere")));
}

TEST_CASE("a log file symlink in a folder others can write to is refused") {
  Sandbox box;
  box.write("shared/.keep", "");
  REQUIRE(::chmod(box.path("shared").c_str(), 01777) == 0);
  box.write("victim", "precious\n");
  REQUIRE(::symlink(box.path("victim").c_str(), box.path("shared/out.log").c_str()) == 0);
  std::string file = box.service("svc", sleeper(box) + "stdout = \"shared/out.log\"\n");
  Run r = box.run({"start", file});
  CHECK(r.code == 4);
  CHECK(r.err.find("refusing '" + box.path("shared/out.log") + "': a symbolic link in '" + box.path("shared") +
                   "', which other users can change") != std::string::npos);
  CHECK(slurp(box.path("victim")) == "precious\n");
  CHECK(pids_with_env(box.mark()).empty());
}

TEST_CASE("pidfile and record are 0644 and owned by the user running daemonctl") {
  Sandbox box;
  std::string file = box.service("svc", sleeper(box));
  ::umask(077);
  Run r = box.run({"start", file});
  ::umask(022);
  REQUIRE(r.code == 0);
  for (const char* leaf : {"/svc.pid", "/svc.record"}) {
    struct stat st;
    REQUIRE(::stat((box.state_dir() + leaf).c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0644);
    CHECK(st.st_uid == ::geteuid());
  }
}

TEST_CASE("a pidfile folder that is full or read-only fails the start with exit 1 and nothing left running") {
  Sandbox box;
  box.write("full/.keep", "");
  box.write("ro/.keep", "");
  REQUIRE(::mount("tmpfs", box.path("full").c_str(), "tmpfs", 0, "size=4k") == 0);
  REQUIRE(::mount("tmpfs", box.path("ro").c_str(), "tmpfs", MS_RDONLY, "size=4k") == 0);
  {
    std::ofstream filler(box.path("full/filler"));
    filler << std::string(64 * 1024, 'x');  // more than fits
  }
  for (const auto& [folder, reason] : {std::pair<std::string, std::string>{"full", "No space left on device"},
                                       {"ro", "Read-only file system"}}) {
    std::string file = box.service("svc-" + folder, sleeper(box) + "pidfile = \"" + folder + "/svc.pid\"\n");
    Run r = box.run({"start", file});
    INFO(r.err);
    CHECK(r.code == 1);
    CHECK(r.err.find(reason) != std::string::npos);
    CHECK(r.err.find(box.path(folder + "/svc.pid")) != std::string::npos);
    CHECK_FALSE(exists(box.path(folder + "/svc.pid")));
    CHECK(wait_until([&] { return pids_with_env(box.mark()).empty(); }));
  }
  ::umount(box.path("full").c_str());
  ::umount(box.path("ro").c_str());
}

TEST_CASE("an inaccessible working directory or log folder exits 4 before anything is forked") {
  Sandbox box;
  REQUIRE(::chmod(box.dir().c_str(), 0755) == 0);
  box.write("closed/.keep", "");
  REQUIRE(::chmod(box.path("closed").c_str(), 0700) == 0);  // root's only
  box.write("user-state/.keep", "");
  REQUIRE(::chown(box.path("user-state").c_str(), 65534, 65534) == 0);
  RunOptions nobody;
  nobody.uid = 65534;
  std::string cwd = box.service("cwd", sleeper(box) + "directory = \"closed\"\n");
  Run r = daemonctl({"--state-dir", box.path("user-state"), "start", cwd}, nobody);
  CHECK(r.code == 4);
  CHECK(r.err == "daemonctl: error: cwd: working directory '" + box.path("closed") + "': Permission denied\n");
  std::string log = box.service("log", sleeper(box) + "stdout = \"closed/out.log\"\n");
  r = daemonctl({"--state-dir", box.path("user-state"), "start", log}, nobody);
  CHECK(r.code == 4);
  CHECK(r.err == "daemonctl: error: log: cannot open '" + box.path("closed/out.log") + "': Permission denied\n");
  CHECK(pids_with_env(box.mark()).empty());
}

TEST_CASE("daemonctl started with stdin, stdout and stderr closed still gives the daemon exactly its fds") {
  Sandbox box;
  std::string file = box.service("svc", sleeper(box) + "stdout = \"out.log\"\n");
  RunOptions closed;
  closed.close_stdio = true;
  Run r = box.run({"start", file}, closed);
  CHECK(r.code == 0);
  auto pids = pids_with_env(box.mark());
  REQUIRE(pids.size() == 1);
  CHECK(box.pidfile_pid("svc") == pids[0]);
  std::map<int, std::string> fds;
  CHECK(wait_until([&] { return (fds = fds_of(pids[0])).size() == 3; }));
  CHECK(fds[0] == "/dev/null");
  CHECK(fds[1] == box.path("out.log"));
  CHECK(fds[2] == box.path("out.log"));  // stderr without a path joins stdout's file
  CHECK(box.run({"stop", file}, closed).code == 0);
  CHECK(wait_until([&] { return pids_with_env(box.mark()).empty(); }));
}
