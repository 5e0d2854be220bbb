// --dry-run: start, stop, restart, reload and signal say what they would do
// and exit as the real command would, while nothing changes: no process
// started or signalled, no state dir, pidfile, record or log file made or
// removed.
#include <catch2/catch.hpp>

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <set>

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

// Every file in `dir` with its size and modification time: a dry run must
// leave this exactly as it was.
std::set<std::string> listing(const std::string& dir) {
  std::set<std::string> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    struct stat st {};
    ::lstat(e.path().c_str(), &st);
    files.insert(e.path().filename().string() + " " + std::to_string(st.st_size) + " " +
                 std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec));
  }
  return files;
}

// A pid that names no process: a child of ours, ended and reaped.
pid_t gone_pid() {
  pid_t pid = spawn_child({"/bin/true"});
  REQUIRE(::waitpid(pid, nullptr, 0) == pid);
  return pid;
}

const std::string kSleeper = "command = [\"/bin/sh\", \"-c\", \"exec sleep 1000\"]\n";

}  // namespace

TEST_CASE("start --dry-run of a stopped service prints what it would do and does nothing") {
  Sandbox box;
  std::string file = box.service("svc", kSleeper + box.mark_line() + "stdout = \"out.log\"\n");
  REQUIRE_FALSE(exists(box.state_dir()));
  Run r = box.run({"start", "--dry-run", file});
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.code == 0);
  CHECK(r.err.empty());
  std::string state = box.state_dir();
  CHECK(r.out.find("svc: would start: exec /bin/sh with argv [\"/bin/sh\", \"-c\", \"exec sleep 1000\"]\n") !=
        std::string::npos);
  CHECK(r.out.find("svc: would set environment: +" + box.mark() + "\n") != std::string::npos);
  std::string user = ::getpwuid(::geteuid())->pw_name, group = ::getgrgid(::getegid())->gr_name;
  CHECK(r.out.find("svc: would run in '/' with umask 0022 as user " + user + " group " + group + "\n") !=
        std::string::npos);
  CHECK(r.out.find("svc: would connect stdin '/dev/null', stdout '" + box.path("out.log") + "', stderr '" + box.path("out.log") + "'\n") !=
        std::string::npos);
  CHECK(r.out.find("svc: would write pidfile '" + state + "/svc.pid' and record '" + state + "/svc.record'\n") !=
        std::string::npos);
  // The real start returns after the exec: a daemon would be there now.
  CHECK(pids_with_env(box.mark()).empty());
  CHECK_FALSE(exists(state));
  CHECK_FALSE(exists(box.path("out.log")));
}

TEST_CASE("start --dry-run with a missing program exits 5 and creates nothing") {
  Sandbox box;
  std::string file = box.service("svc", "command = [\"" + box.path("nope") + "\"]\nstdout = \"out.log\"\n");
  Run r = box.run({"start", "--dry-run", file});
  CHECK(r.code == 5);
  CHECK(r.out.empty());
  CHECK(r.err == "daemonctl: error: svc: cannot execute '" + box.path("nope") + "': No such file or directory\n");
  CHECK_FALSE(exists(box.state_dir()));
  CHECK_FALSE(exists(box.path("out.log")));
}

TEST_CASE("start --dry-run with a log folder that does not exist exits 6 as the real start") {
  Sandbox box;
  std::string log = box.path("no/such/out.log");
  std::string file = box.service("svc", kSleeper + "stdout = \"" + log + "\"\n");
  Run dry = box.run({"start", "--dry-run", file});
  CHECK(dry.code == 6);
  CHECK(dry.err == "daemonctl: error: svc: cannot open '" + log + "': No such file or directory\n");
  CHECK_FALSE(exists(box.state_dir()));
  Run real = box.run({"start", file});
  CHECK(real.code == 6);
  CHECK(real.err == dry.err);
}

TEST_CASE("stop --dry-run of a running daemon names its pid and SIGTERM, and it keeps running") {
  Sandbox box;
  std::string file = box.service("svc", kSleeper);
  pid_t pid = start_ok(box, file);
  auto before = listing(box.state_dir());
  Run r = box.run({"stop", "--dry-run", file});
  std::string state = box.state_dir();
  CHECK(r.code == 0);
  CHECK(r.err.empty());
  CHECK(r.out == "svc: would send SIGTERM to process group " + std::to_string(stat_of(pid).pgrp) + " every 100ms\n"
                 "svc: would send SIGKILL after 10s\n"
                 "svc: would remove pidfile '" + state + "/svc.pid' and record '" + state + "/svc.record'\n");
  CHECK(alive(pid));
  CHECK(status_field(pid, "SigPnd") == "0000000000000000");
  CHECK(status_field(pid, "ShdPnd") == "0000000000000000");
  CHECK(box.pidfile_pid("svc") == pid);
  CHECK(listing(state) == before);
}

TEST_CASE("stop --dry-run with stop.group names the process group") {
  Sandbox box;
  std::string file = box.service("svc", kSleeper + "[stop]\ngroup = true\nsignal = \"INT\"\ntimeout = \"3s\"\n");
  pid_t pid = start_ok(box, file);
  pid_t group = stat_of(pid).pgrp;
  REQUIRE(group > 1);
  Run r = box.run({"stop", "--dry-run", file});
  CHECK(r.code == 0);
  CHECK(r.out.rfind("svc: would send SIGINT to process group " + std::to_string(group) + " every 100ms\n"
                    "svc: would send SIGKILL after 3s\n", 0) == 0);
  CHECK(alive(pid));
  CHECK(box.pidfile_pid("svc") == pid);
}

TEST_CASE("stop --dry-run of a service that is not running exits 0 and creates nothing") {
  Sandbox box;
  Run r = box.run({"stop", "--dry-run", box.service("svc", kSleeper)});
  CHECK(r.code == 0);
  CHECK(r.out == "svc: not running\n");
  CHECK_FALSE(exists(box.state_dir()));
}

// Writes down every signal it gets; ends on its stop signal, USR2, after
// running the traps of all signals it has got by then (in signal number
// order: HUP and USR1 come before USR2).
std::string signal_recorder(const Sandbox& box) {
  return box.service(
      "svc",
      "command = [\"/bin/sh\", \"-c\", \"trap 'echo HUP >> got' HUP; trap 'echo USR1 >> got' USR1; "
      "trap 'echo USR2 >> got; exit 0' USR2; while :; do sleep 0.05; done\"]\n"
      "directory = \".\"\n[stop]\nsignal = \"USR2\"\n");
}

// The dry run sent nothing: nothing pending now, and once the real stop
// (USR2) is over, USR2 is the only signal the daemon ever got.
void check_sent_nothing(Sandbox& box, const std::string& file, pid_t pid) {
  CHECK(alive(pid));
  CHECK(status_field(pid, "SigPnd") == "0000000000000000");
  CHECK(status_field(pid, "ShdPnd") == "0000000000000000");
  Run stop = box.run({"stop", file});
  REQUIRE(stop.code == 0);
  CHECK(slurp(box.path("got")) == "USR2\n");
}

TEST_CASE("reload --dry-run names the reload signal and the pid, and sends nothing") {
  Sandbox box;
  std::string file = signal_recorder(box);
  pid_t pid = start_ok(box, file);
  auto before = listing(box.state_dir());
  Run r = box.run({"reload", "--dry-run", file});
  CHECK(r.code == 0);
  CHECK(r.out == "svc: would send SIGHUP to pid " + std::to_string(pid) + "\n");
  CHECK(listing(box.state_dir()) == before);
  check_sent_nothing(box, file, pid);
}

TEST_CASE("signal --dry-run names the signal and the pid, and sends nothing") {
  Sandbox box;
  std::string file = signal_recorder(box);
  pid_t pid = start_ok(box, file);
  auto before = listing(box.state_dir());
  Run r = box.run({"signal", "--dry-run", file, "USR1"});
  INFO("stderr: " << r.err);
  CHECK(r.code == 0);
  CHECK(r.out == "svc: would send SIGUSR1 to pid " + std::to_string(pid) + "\n");
  CHECK(listing(box.state_dir()) == before);
  check_sent_nothing(box, file, pid);
}

TEST_CASE("reload --dry-run of a service that is not running exits 7") {
  Sandbox box;
  Run r = box.run({"reload", "--dry-run", box.service("svc", kSleeper)});
  CHECK(r.code == 7);
  CHECK(r.out == "svc: not running\n");
  CHECK_FALSE(exists(box.state_dir()));
}

TEST_CASE("dry runs on a stale pidfile report why and leave it in place") {
  Sandbox box;
  std::string file = box.service("svc", kSleeper + box.mark_line());
  std::string pidfile = box.write("state/svc.pid", std::to_string(gone_pid()) + "\n");
  std::string stale = "svc: would remove stale pidfile '" + pidfile + "' (no record: daemonctl did not start it)\n";
  auto before = listing(box.state_dir());

  Run start = box.run({"start", "--dry-run", file});
  CHECK(start.code == 0);
  CHECK(start.out.rfind(stale + "svc: would start: exec /bin/sh", 0) == 0);
  Run stop = box.run({"stop", "--dry-run", file});
  CHECK(stop.code == 0);
  CHECK(stop.out == stale + "svc: not running\n");
  Run reload = box.run({"reload", "--dry-run", file});
  CHECK(reload.code == 7);
  CHECK(reload.out == "svc: not running\n");
  Run restart = box.run({"restart", "--dry-run", file});
  CHECK(restart.code == 0);
  CHECK(restart.out.rfind(stale + "svc: would start: exec /bin/sh", 0) == 0);

  CHECK(start.err.empty());  // no "removing stale pidfile" warning: nothing is removed
  CHECK(listing(box.state_dir()) == before);
  CHECK(pids_with_env(box.mark()).empty());
}

TEST_CASE("restart --dry-run prints the stop, then the start, and exits with the real restart's code") {
  Sandbox box;
  std::filesystem::create_directories(box.path("work"));
  std::string file = box.service("svc", kSleeper + box.mark_line() + "directory = \"work\"\n");
  pid_t pid = start_ok(box, file);
  auto before = listing(box.state_dir());

  Run r = box.run({"restart", "--dry-run", file});
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.code == 0);
  CHECK(r.out.rfind("svc: would send SIGTERM to process group " + std::to_string(stat_of(pid).pgrp) + " every 100ms\n",
                    0) == 0);
  auto stop_at = r.out.find("svc: would remove pidfile");
  auto start_at = r.out.find("svc: would start: exec /bin/sh");
  CHECK(stop_at != std::string::npos);
  CHECK(start_at != std::string::npos);
  CHECK(stop_at < start_at);
  Run again = box.run({"start", "--dry-run", file});
  CHECK(again.code == 0);
  CHECK(again.out == "svc: already running (pid " + std::to_string(pid) + ")\n");
  CHECK(pids_with_env(box.mark()) == std::vector<pid_t>{pid});
  CHECK(listing(box.state_dir()) == before);

  // Now the start could not happen: the check comes before any stop line.
  std::filesystem::rename(box.path("work"), box.path("moved"));  // the daemon stays in it
  Run dry = box.run({"restart", "--dry-run", file});
  CHECK(dry.code == 6);
  CHECK(dry.out.empty());
  CHECK(dry.err == "daemonctl: error: svc: working directory '" + box.path("work") + "': No such file or directory\n");
  Run real = box.run({"restart", file});
  CHECK(real.code == dry.code);
  CHECK(real.err == dry.err);
  CHECK(pids_with_env(box.mark()) == std::vector<pid_t>{pid});
  CHECK(listing(box.state_dir()) == before);
}

TEST_CASE("a dry run checks the state dir as the real command does, but never creates it") {
  Sandbox box;
  std::string file = box.service("svc", kSleeper);
  std::string state = box.path("run/state");
  Run fresh = daemonctl({"--state-dir", state, "start", "--dry-run", file});
  CHECK(fresh.code == 0);
  CHECK(fresh.out.find("svc: would write pidfile '" + state + "/svc.pid'") != std::string::npos);
  CHECK_FALSE(exists(box.path("run")));

  std::filesystem::create_directories(box.path("elsewhere"));
  REQUIRE(::symlink(box.path("elsewhere").c_str(), box.state_dir().c_str()) == 0);
  Run r = box.run({"start", "--dry-run", file});
  CHECK(r.code == 1);
  CHECK(r.out.empty());
  CHECK(r.err.find("state directory '" + box.state_dir() + "' is a symbolic link; refusing to use it\n") !=
        std::string::npos);
  CHECK(listing(box.path("elsewhere")).empty());
  Run real = box.run({"start", file});
  CHECK(real.code == r.code);
  CHECK(real.err == r.err);
}

TEST_CASE("dry run and real run take the same steps: a monitor between two daemons is stood down by both") {
  Sandbox box;
  std::string file = box.service("svc", kSleeper + box.mark_line() + "[restart]\npolicy = \"always\"\ndelay = \"30s\"\n");
  Run start = box.run({"start", file});
  REQUIRE(start.code == 0);
  pid_t daemon = pid_in(start.out);
  auto at = start.out.find("monitor pid ");
  REQUIRE(at != std::string::npos);
  pid_t monitor = std::stoi(start.out.substr(at + 12));
  REQUIRE(::kill(daemon, SIGKILL) == 0);
  REQUIRE(wait_until([&] { return box.run({"status", file}).out.find("svc: restarting (") == 0; }));
  Run dry = box.run({"stop", "--dry-run", file});
  CHECK(dry.code == 0);
  CHECK(dry.out.find("svc: would send SIGTERM to monitor pid " + std::to_string(monitor) +
                     " and wait for it to exit, so that it restarts nothing\n") == 0);
  CHECK(alive(monitor));
  Run stop = box.run({"stop", file});
  CHECK(stop.code == 0);
  CHECK(stop.out == "svc: stopped (between restarts, monitor pid " + std::to_string(monitor) + ")\n");
  CHECK(wait_until([&] { return !alive(monitor); }));
}
