#include "posix/pidfd.h"

#include <cerrno>
#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "posix/proc.h"

using namespace daemonctl;
using namespace daemonctl::posix;
using namespace std::chrono_literals;

namespace {

// A child of ours, SIGKILLed and reaped on destruction unless a test reaped it.
struct Child {
  pid_t pid = -1;
  bool reaped = false;
  Child() = default;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (pid > 0 && !reaped) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
};

// Forks a child that waits for signals with default dispositions (Catch2's
// handlers, inherited through fork, must not run in it); returns once it has
// reset them, so a signal sent afterwards acts as on any process.
void start_pausing_child(Child& child) {
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  child.pid = ::fork();
  REQUIRE(child.pid >= 0);
  if (child.pid == 0) {
    ::signal(SIGTERM, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::close(ready[0]);
    (void)!::write(ready[1], "x", 1);
    ::close(ready[1]);
    for (;;) ::pause();
  }
  ::close(ready[1]);
  char byte;
  ssize_t n;
  do n = ::read(ready[0], &byte, 1); while (n < 0 && errno == EINTR);
  ::close(ready[0]);
  REQUIRE(n == 1);
}

void start_exiting_child(Child& child, int code) {
  child.pid = ::fork();
  REQUIRE(child.pid >= 0);
  if (child.pid == 0) ::_exit(code);
}

pid_t unused_pid() {
  pid_t pid = posix::pid_max() - 1;
  while (pid > 1 && !(::kill(pid, 0) < 0 && errno == ESRCH)) --pid;
  return pid;
}

}  // namespace

TEST_CASE("Pidfd: a live child is not reported as exited", "[posix][pidfd]") {
  Child child;
  start_pausing_child(child);
  auto proc = Pidfd::open(child.pid);
  REQUIRE(proc.ok());
  CHECK(proc->pid() == child.pid);
  CHECK(proc->fd() >= 0);
  CHECK_FALSE(proc->wait_exit(0ns));
  CHECK_FALSE(proc->wait_exit(50ms));
}

TEST_CASE("Pidfd: signal, wait and reap a child killed by SIGTERM", "[posix][pidfd]") {
  Child child;
  start_pausing_child(child);
  auto proc = Pidfd::open(child.pid);
  REQUIRE(proc.ok());
  REQUIRE(proc->send_signal(SIGTERM).ok());
  REQUIRE(proc->wait_exit(10s));
  CHECK(proc->wait_exit(0ns));  // still true: a zombie has exited
  auto info = proc->reap();
  REQUIRE(info.ok());
  child.reaped = true;
  CHECK(info->killed);
  CHECK(info->code == SIGTERM);
}

TEST_CASE("Pidfd: reap a child that exited with a code", "[posix][pidfd]") {
  Child child;
  start_exiting_child(child, 3);
  auto proc = Pidfd::open(child.pid);
  REQUIRE(proc.ok());
  REQUIRE(proc->wait_exit(10s));
  auto info = proc->reap();
  REQUIRE(info.ok());
  child.reaped = true;
  CHECK_FALSE(info->killed);
  CHECK(info->code == 3);
}

TEST_CASE("Pidfd: signalling a reaped process is ESRCH", "[posix][pidfd]") {
  Child child;
  start_exiting_child(child, 0);
  auto proc = Pidfd::open(child.pid);
  REQUIRE(proc.ok());
  REQUIRE(proc->wait_exit(10s));
  REQUIRE(proc->reap().ok());
  child.reaped = true;
  Status st = proc->send_signal(SIGTERM);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().err == ESRCH);
  CHECK(st.error().message == "cannot signal pid " + std::to_string(child.pid) + ": No such process");
}

TEST_CASE("Pidfd: reaping a process that is not our child fails", "[posix][pidfd]") {
  auto proc = Pidfd::open(::getpid());
  REQUIRE(proc.ok());
  auto info = proc->reap();
  REQUIRE_FALSE(info.ok());
  CHECK(info.error().err == ECHILD);
  CHECK(info.error().message == "waitid pid " + std::to_string(::getpid()) + ": No child processes");
}

TEST_CASE("Pidfd: opening a pid nobody has is ESRCH", "[posix][pidfd]") {
  pid_t pid = unused_pid();
  REQUIRE(pid > 1);
  auto proc = Pidfd::open(pid);
  REQUIRE_FALSE(proc.ok());
  CHECK(proc.error().err == ESRCH);
  CHECK(proc.error().message == "pidfd_open " + std::to_string(pid) + ": No such process");
}
