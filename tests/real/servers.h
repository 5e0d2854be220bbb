// What every real-server test shares: the check that the server is
// installed, and the guard that stops it at the end, passed or failed.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "harness.h"

namespace real {

/// Fails the test, saying how to fix it, if `program` (a path) is not an
/// executable: the servers come from Debian's packages, which scripts/deps
/// installs. Never a silent skip.
void require_program(const std::string& program, const std::string& package);

/// Live processes (not zombies) of process group `pgid` whose program
/// (/proc/PID/exe) is `program`.
std::vector<pid_t> group_members(pid_t pgid, const std::string& program);

/// Live children (not zombies) of `parent`.
std::vector<pid_t> children_of(pid_t parent);

/// At the end of the scope, passed or failed: `daemonctl stop FILE`, then
/// SIGKILL for whatever of the server is left. The Sandbox kills the pids
/// daemonctl printed and the processes that keep its mark in their
/// environment; but redis and nginx write their process title over their
/// environment, and nginx's workers are neither printed nor marked, so the
/// members of each watched process group are killed here. Declare it after
/// the Sandbox, so that it runs first.
class StopAtEnd {
 public:
  StopAtEnd(harness::Sandbox& box, std::string file) : box_(box), file_(std::move(file)) {}
  ~StopAtEnd();
  StopAtEnd(const StopAtEnd&) = delete;
  StopAtEnd& operator=(const StopAtEnd&) = delete;

  /// Also kill the processes of group `pgid` that run `program`.
  void watch_group(pid_t pgid, const std::string& program) { groups_.emplace_back(pgid, program); }

 private:
  harness::Sandbox& box_;
  std::string file_;
  std::vector<std::pair<pid_t, std::string>> groups_;
};

}  // namespace real
