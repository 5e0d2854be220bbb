#include "posix/fifo.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "posix/safe_path.h"

namespace daemonctl::posix {

Result<FifoEnds> open_fifo(const std::string& path) {
  auto entry = locate(path);
  if (!entry) return std::move(entry).error();
  if (!entry->folder.trusted) {
    return Error{ExitStatus::privilege, "refusing the FIFO '" + path + "': its folder can be changed by other users"};
  }
  int folder = entry->folder.fd.get();
  const char* name = entry->name.c_str();
  if (::mkfifoat(folder, name, 0600) < 0 && errno != EEXIST) return sys_error("cannot make the FIFO '" + path + "'");
  // Non-blocking: the open of a read end does not wait for a writer.
  FifoEnds ends;
  ends.read.reset(::openat(folder, name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY));
  if (!ends.read) return sys_error("cannot open the FIFO '" + path + "'");
  struct stat st;
  if (::fstat(ends.read.get(), &st) < 0) return sys_error("cannot stat the FIFO '" + path + "'");
  if (!S_ISFIFO(st.st_mode) || st.st_uid != ::geteuid()) {
    return Error{ExitStatus::privilege, "refusing '" + path + "': not a FIFO of daemonctl's user"};
  }
  // One left readable or writable by others (not made here) is made ours alone.
  if ((st.st_mode & 077) != 0 && ::fchmod(ends.read.get(), 0600) < 0) {
    return sys_error("cannot make the FIFO '" + path + "' private");
  }
  // The same pipe again, through the fd rather than the name: read and
  // write, and blocking (O_RDWR on a FIFO never waits for the other end).
  ends.read_write.reset(::open(("/proc/self/fd/" + std::to_string(ends.read.get())).c_str(), O_RDWR | O_CLOEXEC));
  if (!ends.read_write) return sys_error("cannot open the FIFO '" + path + "' for writing");
  return ends;
}

}  // namespace daemonctl::posix
