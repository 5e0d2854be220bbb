#include "posix/lock.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "posix/files.h"

namespace daemonctl::posix {

Result<UniqueFd> lock_file(const std::string& path, LockMode mode) {
  constexpr int kFlags = O_RDWR | O_NOFOLLOW | O_NOCTTY;
  auto fd = open_file(path, kFlags);
  bool created = false;
  if (!fd && fd.error().err == ENOENT) {
    fd = open_file(path, kFlags | O_CREAT, 0600);
    created = true;
  }
  if (!fd) {
    if (fd.error().err == ELOOP) return Error{ExitStatus::failure, "lock file '" + path + "' is a symbolic link; refusing to use it", ELOOP};
    return std::move(fd).error();
  }
  // 0600 whatever the umask, set once: status of many services opens many.
  if (created && ::fchmod(fd->get(), 0600) < 0) return sys_error("cannot chmod '" + path + "'");
  while (::flock(fd->get(), mode == LockMode::shared ? LOCK_SH : LOCK_EX) < 0) {
    if (errno != EINTR) return sys_error("cannot lock '" + path + "'");
  }
  return fd;
}

}  // namespace daemonctl::posix
