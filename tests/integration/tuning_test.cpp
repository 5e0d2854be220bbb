// nice, oom_score_adj and [limits]: set on the daemon before its exec,
// checked from /proc/PID/stat, /proc/PID/oom_score_adj and /proc/PID/limits.
#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <pwd.h>
#include <sys/stat.h>

#include <sstream>

#include "harness.h"

using namespace harness;

namespace {

std::string sleeper(const Sandbox& box) { return "command = [\"/bin/sleep\", \"1000\"]\n" + box.mark_line(); }

/// Field 19 of /proc/PID/stat: the nice value.
int nice_of(pid_t pid) {
  std::string text = slurp("/proc/" + std::to_string(pid) + "/stat");
  std::istringstream rest(text.substr(text.rfind(')') + 2));
  std::string field;
  for (int i = 3; i <= 19 && rest >> field; ++i) {
  }
  return std::stoi(field);
}

/// The soft and hard columns of a /proc/PID/limits line ("Max open files").
std::string limit_of(pid_t pid, const std::string& what) {
  std::istringstream in(slurp("/proc/" + std::to_string(pid) + "/limits"));
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with(what)) continue;
    std::istringstream cols(line.substr(26));  // the name column is 26 wide
    std::string soft, hard;
    cols >> soft >> hard;
    return soft + " " + hard;
  }
  return "";
}

}  // namespace

TEST_CASE("nice, oom_score_adj and limits are the daemon's own, read from /proc") {
  Sandbox box;
  std::string file = box.service("svc", sleeper(box) + "nice = 7\noom_score_adj = 321\n[limits]\n"
                                                       "nofile = \"1234:2345\"\ncore = \"infinity\"\nnproc = 999\n");
  Run r = box.run({"start", file});
  INFO(r.err);
  REQUIRE(r.code == 0);
  pid_t pid = pid_in(r.out);
  REQUIRE(pid > 0);
  CHECK(nice_of(pid) == 7);
  CHECK(slurp("/proc/" + std::to_string(pid) + "/oom_score_adj") == "321\n");
  CHECK(limit_of(pid, "Max open files") == "1234 2345");
  CHECK(limit_of(pid, "Max core file size") == "unlimited unlimited");
  CHECK(limit_of(pid, "Max processes") == "999 999");
  CHECK(box.run({"stop", file}).code == 0);
}

TEST_CASE("without nice, oom_score_adj or limits the daemon keeps daemonctl's") {
  Sandbox box;
  std::string file = box.service("svc", sleeper(box));
  Run r = box.run({"start", file});
  REQUIRE(r.code == 0);
  pid_t pid = pid_in(r.out);
  CHECK(nice_of(pid) == nice_of(::getpid()));
  CHECK(slurp("/proc/" + std::to_string(pid) + "/oom_score_adj") == slurp("/proc/self/oom_score_adj"));
  CHECK(limit_of(pid, "Max open files") == limit_of(::getpid(), "Max open files"));
  CHECK(box.run({"stop", file}).code == 0);
}

TEST_CASE("a limit the kernel refuses fails the start with exit 4 naming it, and leaves nothing behind") {
  Sandbox box;
  // Above /proc/sys/fs/nr_open (at most 1073741816), which even root cannot pass.
  std::string file = box.service("svc", sleeper(box) + "[limits]\nnofile = 2147483648\n");
  Run r = box.run({"start", file});
  CHECK(r.code == 4);
  CHECK(r.err.find("cannot set limit 'nofile' to 2147483648:2147483648: Operation not permitted") != std::string::npos);
  CHECK_FALSE(exists(box.state_dir() + "/svc.pid"));
  CHECK_FALSE(exists(box.state_dir() + "/svc.record"));
  CHECK(pids_with_env(box.mark()).empty());
}

TEST_CASE("check names the nice, oom_score_adj and limits daemonctl lacks the capabilities to set") {
  Sandbox box;
  REQUIRE(::chmod(box.dir().c_str(), 0755) == 0);
  const struct passwd* pw = ::getpwnam("nobody");
  REQUIRE(pw);
  std::string file = box.service("svc", sleeper(box) + "nice = -5\noom_score_adj = -10\n[limits]\nnofile = \"10:infinity\"\n");
  RunOptions as_nobody;
  as_nobody.uid = pw->pw_uid;
  Run r = daemonctl({"--state-dir", box.path("nobody-state"), "check", file}, as_nobody);
  CHECK(r.code == 6);
  // daemonctl's own nice is the test's (0, or more under `nice ctest`).
  errno = 0;
  std::string own = std::to_string(::getpriority(PRIO_PROCESS, 0));
  CHECK(r.out.find(file + ":3:8: error: 'nice' -5 is below daemonctl's own " + own +
                   ": that needs CAP_SYS_NICE, which daemonctl lacks") != std::string::npos);
  CHECK(r.out.find(file + ":4:17: error: 'oom_score_adj' -10 is below daemonctl's own 0: that needs CAP_SYS_RESOURCE, which daemonctl "
                       "lacks") !=
        std::string::npos);
  CHECK(r.out.find(file + ":5:1: error: 'limits.nofile' cannot be \"infinity\"") != std::string::npos);
  CHECK(r.out.find("'limits.nofile' raises the hard limit") != std::string::npos);
}

TEST_CASE("start --dry-run says which nice, oom_score_adj and limits it would set") {
  Sandbox box;
  std::string file = box.service("svc", sleeper(box) + "nice = 3\noom_score_adj = 100\n[limits]\nnofile = 4096\n");
  Run r = box.run({"start", "--dry-run", file});
  CHECK(r.code == 0);
  CHECK(r.out.find("svc: would set nice 3, oom_score_adj 100, limit nofile 4096\n") != std::string::npos);
  CHECK(pids_with_env(box.mark()).empty());
}
