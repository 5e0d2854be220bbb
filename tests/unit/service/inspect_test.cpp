#include "service/inspect.h"

#include <future>
#include <csignal>
#include <sys/syscall.h>
#include <thread>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "posix/pidfd.h"
#include "posix/proc.h"
#include "../posix/temp_dir.h"

using namespace daemonctl;
using namespace daemonctl::service;
using namespace daemonctl::state;

namespace {

/// A child that sleeps until killed, reaped (if still there) on destruction.
struct Sleeper {
  pid_t pid = ::fork();
  Sleeper() {
    if (pid == 0) {
      ::pause();
      ::_exit(0);
    }
  }
  ~Sleeper() {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
  /// Killed, and left a zombie: waitid with WNOWAIT sees it exit, reaps nothing.
  void kill_unreaped() const {
    ::kill(pid, SIGKILL);
    siginfo_t info{};
    ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT);
  }
};

/// This kernel's pidfs inode of `pid`: 0 if it has none (before Linux 6.9).
std::uint64_t inode_of(pid_t pid) {
  auto proc = posix::Pidfd::open(pid);
  REQUIRE(proc);
  return proc->inode();
}

/// Whether this kernel gives `pid` a pidfs inode; if not, says so (the
/// tests of the proof by inode check nothing then).
bool has_pidfs_inode(pid_t pid) {
  if (inode_of(pid) != 0) return true;
  WARN("no pidfs inodes on this kernel: nothing checked");
  return false;
}

/// The pidfile and record start would write for `pid`, starttime shifted by
/// `skew`; with `inode` its pidfs inode too, shifted by that much.
StatePaths write_state(const testing::TempDir& dir, pid_t pid, std::uint64_t skew = 0,
                       std::optional<std::uint64_t> inode = std::nullopt) {
  StatePaths paths{dir / "svc.pid", dir / "svc.record", dir / "svc.lock"};
  auto stat = posix::read_stat(pid);
  REQUIRE(stat);
  Record r{.pid = pid, .starttime = stat->starttime + skew, .boot_id = posix::boot_id(), .pgid = stat->pgrp};
  if (inode) r.pid_inode = inode_of(pid) + *inode;
  testing::write_text(paths.pidfile, std::to_string(pid) + "\n");
  testing::write_text(paths.record, format_record(r));
  return paths;
}

}  // namespace

TEST_CASE("inspect: a proven daemon is running, with a pidfd only when one is asked for", "[service][inspect]") {
  testing::TempDir dir;
  Sleeper child;
  StatePaths paths = write_state(dir, child.pid);

  Inspection acting = inspect(paths, Handle::pidfd);
  CHECK(acting.state == State::running);
  CHECK(acting.pid == child.pid);
  CHECK(acting.proc.has_value());

  Inspection looking = inspect(paths, Handle::none);
  CHECK(looking.state == State::running);
  CHECK(looking.pid == child.pid);
  CHECK(looking.starttime == acting.starttime);
  CHECK_FALSE(looking.proc.has_value());
}

TEST_CASE("inspect without a handle: a zombie is dead, not running", "[service][inspect]") {
  testing::TempDir dir;
  Sleeper child;
  StatePaths paths = write_state(dir, child.pid);
  child.kill_unreaped();

  Inspection now = inspect(paths, Handle::none);
  CHECK(now.state == State::dead);
  CHECK(now.reason == "the process has exited (zombie)");
}

TEST_CASE("inspect without a handle: another start time is a reused pid", "[service][inspect]") {
  testing::TempDir dir;
  Sleeper child;
  StatePaths paths = write_state(dir, child.pid, 1);

  Inspection now = inspect(paths, Handle::none);
  CHECK(now.state == State::dead);
  CHECK(now.reason == "pid reused by another process (start time differs)");
}

TEST_CASE("inspect: a record naming daemonctl itself is never running", "[service][inspect]") {
  testing::TempDir dir;
  StatePaths paths = write_state(dir, ::getpid());
  CHECK(inspect(paths, Handle::none).state == State::dead);
  CHECK(inspect(paths, Handle::pidfd).reason == "pid is daemonctl itself");
}

TEST_CASE("inspect: the pidfs inode recorded proves the daemon, whatever the start time says", "[service][inspect]") {
  Sleeper child;
  if (!has_pidfs_inode(child.pid)) return;
  testing::TempDir dir;
  StatePaths paths = write_state(dir, child.pid, 1, 0);
  Inspection looking = inspect(paths, Handle::none);
  CHECK(looking.state == State::running);
  CHECK_FALSE(looking.proc.has_value());
  Inspection acting = inspect(paths, Handle::pidfd);
  CHECK(acting.state == State::running);
  CHECK(acting.proc.has_value());
}

TEST_CASE("inspect: another pidfs inode is a reused pid", "[service][inspect]") {
  Sleeper child;
  if (!has_pidfs_inode(child.pid)) return;
  testing::TempDir dir;
  StatePaths paths = write_state(dir, child.pid, 0, 1);
  for (Handle handle : {Handle::none, Handle::pidfd}) {
    Inspection now = inspect(paths, handle);
    CHECK(now.state == State::dead);
    CHECK(now.reason == "pid reused by another process (pidfs inode differs)");
  }
}

TEST_CASE("inspect by pidfs inode: a zombie is dead, not running", "[service][inspect]") {
  Sleeper child;
  if (!has_pidfs_inode(child.pid)) return;
  testing::TempDir dir;
  StatePaths paths = write_state(dir, child.pid, 1, 0);  // the start time would say "reused"
  child.kill_unreaped();
  Inspection now = inspect(paths, Handle::none);
  CHECK(now.state == State::dead);
  CHECK(now.reason == "the process has exited (zombie)");
}

TEST_CASE("inspect: a recorded pid that is a thread's, not a process's, is a reused pid, not unknown",
          "[service][inspect]") {
  // A thread of ours that lives until the checks are over (joined however they end).
  struct Helper {
    std::promise<void> over;
    std::promise<pid_t> started;
    std::thread thread{[this, done = over.get_future()] {
      started.set_value(static_cast<pid_t>(::syscall(SYS_gettid)));
      done.wait();
    }};
    ~Helper() {
      over.set_value();
      thread.join();
    }
  } helper;
  pid_t tid = helper.started.get_future().get();
  testing::TempDir dir;
  StatePaths paths{dir / "svc.pid", dir / "svc.record", dir / "svc.lock"};
  auto stat = posix::read_stat(tid);  // /proc/TID/stat: a thread's, as the start time path would read it
  REQUIRE(stat);
  Record r{.pid = tid, .starttime = stat->starttime, .pid_inode = 1, .boot_id = posix::boot_id(), .pgid = stat->pgrp};
  testing::write_text(paths.record, format_record(r));
  for (Handle handle : {Handle::none, Handle::pidfd}) {
    Inspection now = inspect(paths, handle);
    CHECK(now.state == State::dead);
    CHECK(now.reason == "pid reused by another process (a thread)");
  }
}
