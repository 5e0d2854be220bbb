#include "posix/signal_fd.h"

#include <cerrno>
#include <pthread.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <utility>

namespace daemonctl::posix {

Result<SignalFd> SignalFd::open(std::initializer_list<int> signals) {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : signals) {
    struct sigaction current{};
    if (::sigaction(sig, nullptr, &current) == 0 && current.sa_handler == SIG_IGN) continue;
    sigaddset(&set, sig);
  }
  // Blocked first: a signal that comes between the two calls waits in the
  // queue for the signalfd instead of killing us.
  sigset_t before;
  if (int err = ::pthread_sigmask(SIG_BLOCK, &set, &before); err != 0) return sys_error("pthread_sigmask", err);
  sigset_t added;
  sigemptyset(&added);
  for (int sig : signals) {
    if (sigismember(&set, sig) == 1 && sigismember(&before, sig) == 0) sigaddset(&added, sig);
  }
  UniqueFd fd(::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!fd) {
    Error e = sys_error("signalfd");
    ::pthread_sigmask(SIG_UNBLOCK, &added, nullptr);
    return e;
  }
  return SignalFd(std::move(fd), added);
}

SignalFd::SignalFd(SignalFd&& other) noexcept
    : fd_(std::move(other.fd_)), added_(other.added_), restore_(std::exchange(other.restore_, false)) {}

SignalFd::~SignalFd() {
  fd_.reset();
  if (restore_) {
    int saved = errno;
    ::pthread_sigmask(SIG_UNBLOCK, &added_, nullptr);
    errno = saved;
  }
}

Result<int> SignalFd::take() {
  struct signalfd_siginfo info;
  for (;;) {
    ssize_t n = ::read(fd_.get(), &info, sizeof info);
    if (n == static_cast<ssize_t>(sizeof info)) return static_cast<int>(info.ssi_signo);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return 0;
    return sys_error("cannot read signalfd", n < 0 ? errno : EIO);
  }
}

}  // namespace daemonctl::posix
