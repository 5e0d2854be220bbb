#include "posix/pidfd.h"

#include <cerrno>
#include <csignal>
#include <poll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <string>

namespace daemonctl::posix {

Result<Pidfd> Pidfd::open(pid_t pid) {
  int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) return sys_error("pidfd_open " + std::to_string(pid));
  return Pidfd(UniqueFd(fd), pid);
}

std::uint64_t Pidfd::inode() const {
  // Asked once: whether pidfds live in pidfs ("PIDF"), which gives each
  // process an inode of its own.
  constexpr decltype(statfs::f_type) kPidfsMagic = 0x50494446;
  static const bool own_inodes = [fd = fd_.get()] {
    struct statfs fs;
    return ::fstatfs(fd, &fs) == 0 && fs.f_type == kPidfsMagic;
  }();
  struct stat st;
  return own_inodes && ::fstat(fd_.get(), &st) == 0 ? st.st_ino : 0;
}

Status Pidfd::send_signal(int sig) const {
  if (::syscall(SYS_pidfd_send_signal, fd_.get(), sig, nullptr, 0) < 0) {
    return sys_error("cannot signal pid " + std::to_string(pid_));
  }
  return {};
}

bool Pidfd::wait_exit(std::chrono::nanoseconds timeout) const {
  using std::chrono::nanoseconds;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<nanoseconds>(deadline - std::chrono::steady_clock::now());
    if (left < nanoseconds(0)) left = nanoseconds(0);
    struct timespec ts{static_cast<time_t>(left.count() / 1'000'000'000),
                       static_cast<long>(left.count() % 1'000'000'000)};
    struct pollfd p{fd_.get(), POLLIN, 0};
    int n = ::ppoll(&p, 1, &ts, nullptr);
    if (n > 0) return true;  // readable: the process has exited
    if (n == 0) return false;
    if (errno != EINTR) return false;
  }
}

}  // namespace daemonctl::posix

namespace daemonctl::posix {

Result<ExitInfo> Pidfd::reap() const {
  siginfo_t info{};
  for (;;) {
    if (::waitid(P_PIDFD, static_cast<id_t>(fd_.get()), &info, WEXITED) == 0) break;
    if (errno != EINTR) return sys_error("waitid pid " + std::to_string(pid_));
  }
  return ExitInfo{info.si_code != CLD_EXITED, info.si_status};
}

}  // namespace daemonctl::posix
