// A log file the monitor writes for the daemon and rotates by size: the
// daemon writes into a pipe, the monitor reads it and appends to the file,
// renaming web.log to web.log.1 (and so on, up to `keep`) before the file
// would pass max_size. Only the monitor writes the file, so no line is lost
// or doubled, and no copytruncate is needed. The folder is entered once,
// without following a link another user could have put on the way
// (posix/safe_path.h), and every rename and open happens in that folder:
// a folder swapped for a link while the service runs changes nothing.
#pragma once

#include <string>
#include <sys/types.h>

#include "monitor/plan.h"
#include "posix/unique_fd.h"

namespace daemonctl::monitor {

class RotatingLog {
 public:
  /// `fd` (1 or 2) is the monitor's own stdio, already the open log file.
  RotatingLog(const LogPlan& plan, int fd, mode_t mode, bool chown, uid_t uid, gid_t gid);

  /// Makes the pipe; false if it cannot be made.
  bool open_pipe();
  int read_end() const { return read_.get(); }
  int write_end() const { return write_.get(); }

  /// Copies whatever the pipe holds now into the file. First, if the file
  /// was renamed or removed by someone else (logrotate without
  /// copytruncate), a new one is opened at the path.
  void drain();
  /// Appends `n` bytes, rotating first at a line end if the file would pass max_size.
  void write(const char* data, std::size_t n);

 private:
  void append(const char* data, std::size_t n);
  void rotate();
  void reopen_if_moved();
  void open_fresh();

  LogPlan plan_;
  posix::UniqueFd folder_;  ///< the log's folder, entered once: renames and opens happen in it
  std::string name_;        ///< the log's name in it
  int fd_;
  mode_t mode_;
  bool chown_;
  uid_t uid_;
  gid_t gid_;
  std::uint64_t size_ = 0;
  bool at_line_end_ = true;  ///< the file ends with a newline (or is empty)
  posix::UniqueFd read_, write_;
};

}  // namespace daemonctl::monitor
