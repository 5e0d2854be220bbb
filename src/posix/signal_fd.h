// Signals as events: while a SignalFd lives, its signals are blocked and
// read from a file descriptor in the caller's poll loop, never delivered.
#pragma once

#include <csignal>
#include <initializer_list>

#include "common/result.h"
#include "posix/unique_fd.h"

namespace daemonctl::posix {

class SignalFd {
 public:
  /// Blocks `signals` and opens a signalfd (close-on-exec, non-blocking) for
  /// them. A signal whose disposition is SIG_IGN is left alone: a process
  /// started with SIGINT ignored (nohup, `cmd &` in a script) keeps ignoring
  /// it, since a blocked signal is queued even when ignored.
  static Result<SignalFd> open(std::initializer_list<int> signals);

  SignalFd(SignalFd&& other) noexcept;
  SignalFd& operator=(SignalFd&&) = delete;
  SignalFd(const SignalFd&) = delete;
  SignalFd& operator=(const SignalFd&) = delete;
  /// Closes the fd and unblocks the signals that open() blocked.
  ~SignalFd();

  /// For poll(2): readable when one of the signals is pending.
  int fd() const { return fd_.get(); }

  /// Takes one pending signal: its number, or 0 if none is pending.
  Result<int> take();

 private:
  SignalFd(UniqueFd fd, const sigset_t& added) : fd_(std::move(fd)), added_(added) {}
  UniqueFd fd_;
  sigset_t added_;  ///< the signals this object blocked (not those blocked already)
  bool restore_ = true;
};

}  // namespace daemonctl::posix
