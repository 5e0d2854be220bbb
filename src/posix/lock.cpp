#include "posix/lock.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "posix/safe_path.h"

namespace daemonctl::posix {

Result<UniqueFd> lock_file(const std::string& path, LockMode mode) {
  auto opened = open_entry(path, O_RDWR | O_CREAT | O_NOFOLLOW, 0600);
  if (!opened) {
    if (opened.error().err == ELOOP) {
      return Error{ExitStatus::failure, "lock file '" + path + "' is a symbolic link; refusing to use it", ELOOP};
    }
    return std::move(opened).error();
  }
  int fd = opened->fd.get();
  // 0600 whatever the umask, set once: status of many services opens many.
  if (opened->created && ::fchmod(fd, 0600) < 0) return sys_error("cannot chmod '" + path + "'");
  while (::flock(fd, mode == LockMode::shared ? LOCK_SH : LOCK_EX) < 0) {
    if (errno != EINTR) return sys_error("cannot lock '" + path + "'");
  }
  return std::move(opened->fd);
}

Result<bool> try_lock(int fd, LockMode mode, const std::string& path) {
  if (::flock(fd, (mode == LockMode::shared ? LOCK_SH : LOCK_EX) | LOCK_NB) == 0) return true;
  if (errno == EWOULDBLOCK) return false;
  return sys_error("cannot lock '" + path + "'");
}

}  // namespace daemonctl::posix
