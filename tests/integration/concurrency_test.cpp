// Many daemonctl processes at once, and daemonctl killed mid-way: never two
// instances, never a pidfile without its process or a process without its
// pidfile once everyone has returned.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <random>
#include <thread>

#include "harness.h"

using namespace harness;

namespace {

std::string sleeper(const Sandbox& box) { return "command = [\"/bin/sleep\", \"1000\"]\n" + box.mark_line(); }

// The invariant: the service's processes are exactly the one its pidfile names, or
// there is neither. Waits for processes that are on their way out.
void check_consistent(const Sandbox& box, const std::string& name) {
  pid_t named = box.pidfile_pid(name);
  bool settled = wait_until([&] {
    auto pids = pids_with_env(box.mark());
    return named > 0 ? pids == std::vector<pid_t>{named} : pids.empty();
  });
  INFO("pidfile names " << named << ", marked processes: " << pids_with_env(box.mark()).size());
  CHECK(settled);
}

}  // namespace

TEST_CASE("20 concurrent starts run exactly one daemon and all exit 0") {
  Sandbox box;
  std::string file = box.service("svc", sleeper(box));
  auto runs = daemonctl_together(std::vector<std::vector<std::string>>(20, box.args({"start", file})));
  int started = 0;
  pid_t pid = box.pidfile_pid("svc");
  for (const Run& r : runs) {
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    if (r.out == "svc: started (pid " + std::to_string(pid) + ")\n") ++started;
    else CHECK(r.out == "svc: already running (pid " + std::to_string(pid) + ")\n");
  }
  CHECK(started == 1);
  CHECK(pids_with_env(box.mark()) == std::vector<pid_t>{pid});
}

TEST_CASE("10 concurrent restarts leave exactly one daemon, named by the pidfile") {
  Sandbox box;
  std::string file = box.service("svc", sleeper(box));
  REQUIRE(box.run({"start", file}).code == 0);
  auto runs = daemonctl_together(std::vector<std::vector<std::string>>(10, box.args({"restart", file})));
  for (const Run& r : runs) {
    INFO(r.out << r.err);
    CHECK(r.code == 0);
  }
  pid_t pid = box.pidfile_pid("svc");
  CHECK(pid > 0);
  CHECK(pids_with_env(box.mark()) == std::vector<pid_t>{pid});
}

TEST_CASE("racing start, stop and status never leave a pidfile and its process apart") {
  Sandbox box;
  std::string file = box.service("svc", sleeper(box));
  std::mt19937 rng(12345);
  for (int round = 0; round < 4; ++round) {
    std::vector<std::vector<std::string>> commands;
    for (int i = 0; i < 12; ++i) {
      const char* verb[] = {"start", "stop", "status", "restart"};
      commands.push_back(box.args({verb[rng() % 4], file}));
    }
    for (const Run& r : daemonctl_together(commands)) {
      INFO(r.out << r.err);
      CHECK((r.code == 0 || r.code == 3));  // status may say "not running"
    }
    check_consistent(box, "svc");
  }
  CHECK(box.run({"stop", file}).code == 0);
  CHECK(pids_with_env(box.mark()).empty());
}

TEST_CASE("commands on one service wait for its lock, other services do not") {
  Sandbox box;
  std::string a = box.service("a", sleeper(box)), b = box.service("b", sleeper(box));
  box.write("state/.keep", "");
  ::chmod(box.state_dir().c_str(), 0700);
  int held = ::open((box.state_dir() + "/a.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  REQUIRE(held >= 0);
  REQUIRE(::flock(held, LOCK_EX) == 0);
  CHECK(box.run({"start", b}).code == 0);  // b is not held up by a's lock
  RunOptions briefly;
  briefly.timeout = 700ms;
  Run blocked = box.run({"start", a}, briefly);
  CHECK(blocked.code == 128 + SIGKILL);  // still waiting when the deadline came
  CHECK_FALSE(exists(box.state_dir() + "/a.pid"));
  Run status = box.run({"status", a}, briefly);  // status never waits: it reads the record
  CHECK(status.code == 3);
  ::close(held);
  CHECK(box.run({"start", a}).code == 0);
}

TEST_CASE("the lock file is 0600 and the daemon does not hold it") {
  Sandbox box;
  std::string file = box.service("svc", sleeper(box));
  Run r = box.run({"start", file});
  REQUIRE(r.code == 0);
  struct stat st;
  REQUIRE(::stat((box.state_dir() + "/svc.lock").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
  for (const auto& [fd, target] : fds_of(pid_in(r.out))) CHECK(target.find(".lock") == std::string::npos);
  // Nobody holds it: it can be taken at once.
  int fd = ::open((box.state_dir() + "/svc.lock").c_str(), O_RDWR | O_CLOEXEC);
  CHECK(::flock(fd, LOCK_EX | LOCK_NB) == 0);
  ::close(fd);
}

TEST_CASE("daemonctl killed at any point of start or stop: the next command recovers") {
  Sandbox box;
  std::string file = box.service("svc", sleeper(box));
  std::mt19937 rng(4242);
  for (int i = 0; i < 40; ++i) {
    const char* verb = i % 2 ? "stop" : "start";
    Background bg = daemonctl_background(box.args({verb, file}));
    // A kill schedule, not a synchronisation: spread over a command's run time.
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 15000));
    bg.kill_now();
    // No lock is left behind (flock dies with its holder): this returns.
    Run status = box.run({"status", file});
    CHECK((status.code == 0 || status.code == 1 || status.code == 3));
    Run again = box.run({verb, file});
    INFO(verb << ": " << again.out << again.err);
    CHECK(again.code == 0);
    CHECK_FALSE(exists(box.state_dir() + "/svc.pid.tmp"));
    CHECK_FALSE(exists(box.state_dir() + "/svc.record.tmp"));
    check_consistent(box, "svc");
  }
  CHECK(box.run({"stop", file}).code == 0);
  check_consistent(box, "svc");
}

TEST_CASE("an orphaned temporary pidfile is cleaned by the next start") {
  Sandbox box;
  std::string file = box.service("svc", sleeper(box));
  box.write("state/svc.pid.tmp", "12");
  box.write("state/svc.record.tmp", "pid 1");
  ::chmod(box.state_dir().c_str(), 0700);
  REQUIRE(box.run({"start", file}).code == 0);
  CHECK_FALSE(exists(box.state_dir() + "/svc.pid.tmp"));
  CHECK_FALSE(exists(box.state_dir() + "/svc.record.tmp"));
}
