// stdout/stderr = { file, max_size, keep }: the daemon's output goes through a
// pipe to the monitor, which writes it and rotates the file at line ends.
#include <catch2/catch.hpp>

#include <csignal>
#include <sstream>
#include <sys/stat.h>

#include "harness.h"

using namespace harness;

namespace {

std::string rotated(const Sandbox& box, const std::string& script, const std::string& extra = "") {
  std::string log = "{ file = \"" + box.path("out.log") + "\", max_size = 2000, keep = 3 }";
  return "command = [\"/bin/sh\", \"-c\", \"" + script + "\"]\n" + box.mark_line() + "stdout = " + log +
         "\nstderr = " + log + "\n" + extra;
}

/// The lines of out.log.3, .2, .1 and out.log, oldest first.
std::vector<std::string> all_lines(const Sandbox& box) {
  std::vector<std::string> lines;
  for (const char* leaf : {"out.log.3", "out.log.2", "out.log.1", "out.log"}) {
    std::istringstream in(slurp(box.path(leaf)));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
  }
  return lines;
}

long size_of(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? static_cast<long>(st.st_size) : -1;
}

}  // namespace

TEST_CASE("rotated stdout: files stay under max_size, keep is kept, and no line is lost or split") {
  Sandbox box;
  std::string file = box.service(
      "svc", rotated(box, "i=0; while [ $i -lt 3000 ]; do i=$((i+1)); echo line $i; done; exec sleep 1000"));
  Run r = box.run({"start", file});
  INFO(r.err);
  REQUIRE(r.code == 0);
  REQUIRE(wait_until([&] {
    auto lines = all_lines(box);
    return !lines.empty() && lines.back() == "line 3000";
  }));
  for (const char* leaf : {"out.log", "out.log.1", "out.log.2", "out.log.3"}) {
    INFO(leaf);
    CHECK(size_of(box.path(leaf)) >= 0);
    CHECK(size_of(box.path(leaf)) <= 2000);
  }
  CHECK_FALSE(exists(box.path("out.log.4")));  // keep = 3
  // The monitor holds no file rotated away: its stderr, the same log as its
  // stdout, follows it to each new file.
  std::string record = slurp(box.state_dir() + "/svc.record");
  auto at = record.find("\nmonitor ");
  REQUIRE(at != std::string::npos);
  for (const auto& [fd, target] : fds_of(static_cast<pid_t>(std::stol(record.substr(at + 9))))) {
    INFO(fd << " -> " << target);
    CHECK(target.find("(deleted)") == std::string::npos);
    CHECK_FALSE(target.ends_with(".1"));
  }
  // The kept lines are consecutive, whole, up to the last; only the oldest are gone.
  std::vector<std::string> lines;
  for (const auto& line : all_lines(box)) {
    if (line.starts_with("line ")) lines.push_back(line);
  }
  REQUIRE(lines.size() > 300);
  int first = std::stoi(lines.front().substr(5));
  for (std::size_t i = 0; i < lines.size(); ++i) {
    INFO(i);
    REQUIRE(lines[i] == "line " + std::to_string(first + static_cast<int>(i)));
  }
  CHECK(box.run({"stop", file}).code == 0);
}

TEST_CASE("rotated logs: what the daemon writes as it stops is in the log, and nothing is left") {
  Sandbox box;
  std::string file =
      box.service("svc", rotated(box, "trap 'echo goodbye; exit 0' TERM; echo hello; while :; do sleep 0.05; done"));
  REQUIRE(box.run({"start", file}).code == 0);
  REQUIRE(wait_until([&] { return slurp(box.path("out.log")).find("hello") != std::string::npos; }));
  Run stop = box.run({"stop", file});
  CHECK(stop.code == 0);
  CHECK(slurp(box.path("out.log")).find("goodbye\n") != std::string::npos);
  CHECK(pids_with_env(box.mark()).empty());
}

TEST_CASE("rotated logs without a restart policy: a monitor stays, and the daemon's exit is not restarted") {
  Sandbox box;
  std::string file = box.service("svc", rotated(box, "exec sleep 1000"));
  Run r = box.run({"start", file});
  REQUIRE(r.code == 0);
  CHECK(r.out.find(", monitor pid ") != std::string::npos);
  REQUIRE(::kill(pid_in(r.out), SIGKILL) == 0);
  REQUIRE(wait_until([&] { return pids_with_env(box.mark()).empty(); }));
  CHECK(box.run({"status", file}).code == 3);
  CHECK(slurp(box.path("out.log")).find("not restarting it (no restart policy)") != std::string::npos);
}

TEST_CASE("a rotated log that is a link root made is rotated where it leads, and stays a link") {
  Sandbox box;
  box.write("real/.keep", "");
  REQUIRE(::symlink(box.path("real/out.log").c_str(), box.path("out.log").c_str()) == 0);
  std::string file = box.service(
      "svc", rotated(box, "i=0; while [ $i -lt 300 ]; do i=$((i+1)); echo line $i; done; exec sleep 1000"));
  Run r = box.run({"start", file});
  INFO(r.err);
  REQUIRE(r.code == 0);
  REQUIRE(wait_until([&] { return slurp(box.path("real/out.log")).find("line 300\n") != std::string::npos; }));
  CHECK(exists(box.path("real/out.log.1")));
  struct stat st;
  REQUIRE(::lstat(box.path("out.log").c_str(), &st) == 0);
  CHECK(S_ISLNK(st.st_mode));
  CHECK_FALSE(exists(box.path("out.log.1")));
  CHECK(box.run({"stop", file}).code == 0);
}
