#include "posix/probe.h"

#include <dirent.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>

using namespace daemonctl::posix;
using namespace std::chrono_literals;

namespace {

SpawnRequest shell(const std::string& script) {
  SpawnRequest rq;
  rq.executable = "/bin/sh";
  rq.argv = {"sh", "-c", script};
  rq.env = {"PATH=/usr/bin:/bin"};
  rq.directory = "/";
  return rq;
}

/// Processes whose parent is us, zombies included.
std::vector<pid_t> our_children() {
  std::vector<pid_t> found;
  DIR* d = ::opendir("/proc");
  while (struct dirent* e = d ? ::readdir(d) : nullptr) {
    if (std::string(e->d_name).find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(std::string("/proc/") + e->d_name + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), {});
    auto close = text.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(text.substr(close + 2));
    char state;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid == ::getpid()) found.push_back(std::atoi(e->d_name));
  }
  if (d) ::closedir(d);
  return found;
}

}  // namespace

TEST_CASE("run_probe: the exit status of the command", "[posix][probe]") {
  auto ok = run_probe(shell("exit 0"), 5s);
  REQUIRE(ok);
  CHECK_FALSE(ok->timed_out);
  CHECK(ok->exit.code == 0);
  auto three = run_probe(shell("exit 3"), 5s);
  REQUIRE(three);
  CHECK(three->exit.code == 3);
}

TEST_CASE("run_probe: what the command leaves running is killed and reaped, however it ends", "[posix][probe]") {
  for (const char* ending : {"exit 0", "exit 1", "exec sleep 1000"}) {
    INFO(ending);
    auto ran = run_probe(shell(std::string("sleep 1000 & sleep 1000 & ") + ending), 300ms);
    REQUIRE(ran);
    CHECK(ran->timed_out == (std::string(ending) == "exec sleep 1000"));
    CHECK(our_children().empty());  // no orphan alive, no zombie
  }
}

TEST_CASE("run_probe: a program that cannot be run is an error", "[posix][probe]") {
  SpawnRequest rq = shell("exit 0");
  rq.executable = "/nonexistent/probe";
  auto ran = run_probe(rq, 1s);
  REQUIRE_FALSE(ran);
  CHECK(ran.error().message.find("cannot execute '/nonexistent/probe'") != std::string::npos);
}
