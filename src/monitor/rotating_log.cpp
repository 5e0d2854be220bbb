#include "monitor/rotating_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "posix/safe_path.h"

#include <cerrno>
#include <algorithm>
#include <cstring>

namespace daemonctl::monitor {

RotatingLog::RotatingLog(const LogPlan& plan, int fd, mode_t mode, bool chown, uid_t uid, gid_t gid)
    : plan_(plan), fd_(fd), mode_(mode), chown_(chown), uid_(uid), gid_(gid) {
  struct stat st;
  if (::fstat(fd_, &st) == 0) size_ = static_cast<std::uint64_t>(st.st_size);
  // Without its folder the log is never rotated nor reopened: it grows.
  if (auto e = posix::locate(plan_.path)) {
    folder_ = std::move(e->folder.fd);
    name_ = e->name;
  }
}

bool RotatingLog::open_pipe() {
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) < 0) return false;
  read_.reset(ends[0]);
  write_.reset(ends[1]);
  ::fcntl(read_.get(), F_SETFL, O_NONBLOCK);
  return true;
}

void RotatingLog::reopen_if_moved() {
  struct stat at_path, ours;
  if (::fstat(fd_, &ours) < 0) return;
  if (!folder_) return;
  if (::fstatat(folder_.get(), name_.c_str(), &at_path, AT_SYMLINK_NOFOLLOW) == 0 && at_path.st_ino == ours.st_ino &&
      at_path.st_dev == ours.st_dev) {
    return;
  }
  open_fresh();
  if (::fstat(fd_, &ours) == 0) size_ = static_cast<std::uint64_t>(ours.st_size);
}

void RotatingLog::drain() {
  reopen_if_moved();
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(read_.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // EAGAIN: all of it for now
    write(buf, static_cast<std::size_t>(n));
  }
}

void RotatingLog::write(const char* data, std::size_t n) {
  // Whole lines into the current file while they fit, then a new file, cut
  // only where the file ends a line. A line longer than max_size gets a file
  // to itself.
  while (n > 0) {
    if (size_ + n <= plan_.max_size) return append(data, n);
    if (!at_line_end_) {  // finish the line begun in this file first
      const char* end = static_cast<const char*>(std::memchr(data, '\n', n));
      std::size_t rest = end ? static_cast<std::size_t>(end - data) + 1 : n;
      append(data, rest);
      data += rest;
      n -= rest;
      continue;
    }
    std::size_t room = size_ < plan_.max_size ? static_cast<std::size_t>(plan_.max_size - size_) : 0;
    if (const char* end = static_cast<const char*>(::memrchr(data, '\n', std::min(room, n)))) {
      std::size_t head = static_cast<std::size_t>(end - data) + 1;
      append(data, head);
      data += head;
      n -= head;
    } else if (size_ == 0) {  // one line longer than max_size, alone in a fresh file
      const char* line_end = static_cast<const char*>(std::memchr(data, '\n', n));
      std::size_t line = line_end ? static_cast<std::size_t>(line_end - data) + 1 : n;
      append(data, line);
      data += line;
      n -= line;
      if (!at_line_end_) continue;
    }
    if (n > 0 || size_ >= plan_.max_size) rotate();
  }
}

void RotatingLog::append(const char* data, std::size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd_, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;  // a full disk: the output is dropped, the daemon goes on
    data += w;
    n -= static_cast<std::size_t>(w);
    size_ += static_cast<std::uint64_t>(w);
    at_line_end_ = data[-1] == '\n';
  }
}

void RotatingLog::rotate() {
  // If the file cannot be renamed (a folder we may not write), it just
  // grows: counted afresh, so the next try is another max_size away.
  size_ = 0;
  if (!folder_) return;
  // web.log.(keep-1) -> web.log.keep, ..., web.log -> web.log.1
  int dir = folder_.get();
  for (int i = plan_.keep - 1; i >= 1; --i) {
    std::string from = name_ + "." + std::to_string(i), to = name_ + "." + std::to_string(i + 1);
    (void)::renameat(dir, from.c_str(), dir, to.c_str());
  }
  if (::renameat(dir, name_.c_str(), dir, (name_ + ".1").c_str()) < 0 && errno != ENOENT) return;
  open_fresh();
}

// The file at the path (created if missing) becomes fd_: the monitor's own
// stdout or stderr. On failure it keeps writing to the file it has.
// Only a regular file with one link: O_NONBLOCK, so that a FIFO put there
// cannot block the monitor, and then refused.
void RotatingLog::open_fresh() {
  if (!folder_) return;
  int fresh = ::openat(folder_.get(), name_.c_str(),
                       O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC | O_NONBLOCK, mode_);
  if (fresh < 0) return;
  struct stat st;
  if (::fstat(fresh, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink > 1) {
    ::close(fresh);
    return;
  }
  ::fcntl(fresh, F_SETFL, O_WRONLY | O_APPEND);
  if (st.st_size == 0) {  // made just now: the mode and owner of a log file
    ::fchmod(fresh, mode_);
    if (chown_) (void)::fchown(fresh, uid_, gid_);
  }
  ::dup2(fresh, fd_);
  ::close(fresh);
}

}  // namespace daemonctl::monitor
