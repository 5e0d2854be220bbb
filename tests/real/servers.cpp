#include "servers.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <filesystem>

namespace real {

using namespace harness;

void require_program(const std::string& program, const std::string& package) {
  if (::access(program.c_str(), X_OK) != 0) {
    FAIL(program << " is not installed: scripts/deps installs it (Debian package " << package << ")");
  }
}

namespace {

/// Every live process for which `keep(pid)` holds.
template <typename Keep>
std::vector<pid_t> processes_where(Keep keep) {
  std::vector<pid_t> found;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    pid_t pid = std::atoi(name.c_str());
    if (keep(pid) && alive(pid)) found.push_back(pid);
  }
  return found;
}

}  // namespace

std::vector<pid_t> group_members(pid_t pgid, const std::string& program) {
  return processes_where([&](pid_t pid) {
    std::error_code ec;
    return stat_of(pid).pgrp == pgid &&
           std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec) == program;
  });
}

std::vector<pid_t> children_of(pid_t parent) {
  return processes_where([&](pid_t pid) { return stat_of(pid).ppid == parent; });
}

StopAtEnd::~StopAtEnd() {
  try {
    box_.run({"stop", file_});
  } catch (...) {  // a destructor: the sweep below still runs
  }
  // A group cannot be renamed while a member lives, and the program check
  // spares a stranger that might get the number of an emptied group.
  for (const auto& [pgid, program] : groups_) {
    for (int round = 0; round < 50; ++round) {
      std::vector<pid_t> left = group_members(pgid, program);
      if (left.empty()) break;
      for (pid_t pid : left) ::kill(pid, SIGKILL);
      wait_until([&] { return group_members(pgid, program).empty(); }, 100ms);
    }
  }
}

}  // namespace real
