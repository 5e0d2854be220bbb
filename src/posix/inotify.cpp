#include "posix/inotify.h"

#include <cerrno>
#include <sys/inotify.h>
#include <unistd.h>

namespace daemonctl::posix {

Result<Inotify> Inotify::open() {
  UniqueFd fd(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  if (!fd) return sys_error("inotify_init1");
  return Inotify(std::move(fd));
}

Result<int> Inotify::add_watch(const std::string& path, std::uint32_t mask) {
  int wd = ::inotify_add_watch(fd_.get(), path.c_str(), mask);
  if (wd < 0) return sys_error("cannot watch '" + path + "'");
  return wd;
}

void Inotify::remove_watch(int wd) {
  int saved = errno;
  ::inotify_rm_watch(fd_.get(), wd);  // EINVAL: the kernel dropped it already
  errno = saved;
}

Status Inotify::drain() {
  // Room for at least one event with the longest name.
  alignas(struct inotify_event) char buf[64 * 1024];
  for (;;) {
    ssize_t n = ::read(fd_.get(), buf, sizeof buf);
    if (n > 0) continue;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return {};
    return sys_error("cannot read inotify events", n == 0 ? EIO : errno);
  }
}

}  // namespace daemonctl::posix
