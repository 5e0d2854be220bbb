#include "posix/guard.h"

#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace daemonctl::posix {
namespace {

constexpr char kRelease = 1;

// SIGKILLs every child (the orphans of the program's tree come to us, the
// subreaper) and reaps them, until none is left. The list is read again
// after every reap: the children of a killed process come to us in turn.
[[noreturn]] void kill_all_and_exit() {
  for (;;) {
    char buf[4096];
    int fd = ::open("/proc/thread-self/children", O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? ::read(fd, buf, sizeof buf - 1) : -1;
    if (fd >= 0) ::close(fd);
    for (ssize_t i = 0; i < n; ++i) {
      pid_t pid = 0;
      for (; i < n && buf[i] >= '0' && buf[i] <= '9'; ++i) pid = pid * 10 + (buf[i] - '0');
      if (pid > 0) ::kill(pid, SIGKILL);
    }
    int status;
    pid_t got = ::waitpid(-1, &status, WNOHANG);
    if (got < 0 && errno == ECHILD) ::_exit(0);
    if (got == 0) {  // none has died yet: look again shortly
      struct timespec pause{0, 2'000'000};
      ::nanosleep(&pause, nullptr);
    }
  }
}

}  // namespace

[[noreturn]] void run_guard(int hold, int status, pid_t program) {
  // Only daemonctl decides when the guard goes: a stray signal to the
  // program's process group (which is ours) must not end it.
  for (int sig : {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE, SIGUSR1, SIGUSR2}) ::signal(sig, SIG_IGN);
  int program_fd = static_cast<int>(::syscall(SYS_pidfd_open, program, 0));
  if (program_fd < 0) kill_all_and_exit();
  for (;;) {
    pollfd p[2] = {{hold, POLLIN, 0}, {program_fd, POLLIN, 0}};
    if (::poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      kill_all_and_exit();
    }
    if (p[1].revents) {
      int how = 0;
      while (::waitpid(program, &how, 0) < 0 && errno == EINTR) {
      }
      [[maybe_unused]] ssize_t w = ::write(status, &how, sizeof how);
      ::close(program_fd);
      program_fd = -1;  // poll ignores it from now on
    }
    if (p[0].revents) {
      char byte = 0;
      ssize_t got = ::read(hold, &byte, 1);
      if (got < 0 && errno == EINTR) continue;
      if (got == 1 && byte == kRelease) ::_exit(0);
      kill_all_and_exit();  // EOF: daemonctl gave up, or died
    }
  }
}

Guard::~Guard() { finish(); }

void Guard::finish() {
  if (proc_.fd() < 0) return;  // moved from
  hold_.reset();  // EOF, unless released: it kills what the program left
  if (proc_.wait_exit(std::chrono::seconds(10))) (void)proc_.reap();
}

std::optional<ExitInfo> Guard::program_exit(std::chrono::nanoseconds timeout) {
  pollfd p{status_.get(), POLLIN, 0};
  int ms = static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(timeout).count());
  while (::poll(&p, 1, ms) < 0 && errno == EINTR) {
  }
  int how = 0;
  if (!(p.revents & POLLIN) || ::read(status_.get(), &how, sizeof how) != static_cast<ssize_t>(sizeof how)) {
    return std::nullopt;
  }
  if (WIFSIGNALED(how)) return ExitInfo{true, WTERMSIG(how)};
  return ExitInfo{false, WEXITSTATUS(how)};
}

void Guard::release() {
  if (hold_) {
    [[maybe_unused]] ssize_t w = ::write(hold_.get(), &kRelease, 1);
  }
  finish();
}

}  // namespace daemonctl::posix
