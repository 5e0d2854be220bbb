// A log file the monitor writes for the daemon and rotates by size: the
// daemon writes into a FIFO in the state dir, the monitor reads it and appends to the file,
// renaming web.log to web.log.1 (and so on, up to `keep`) before the file
// would pass max_size. Only the monitor writes the file, so no line is lost
// or doubled, and no copytruncate is needed. The folder is entered once,
// without following a link another user could have put on the way
// (posix/safe_path.h), and every rename and open happens in that folder:
// a folder swapped for a link while the service runs changes nothing.
#pragma once

#include <cstddef>
#include <string>
#include <sys/stat.h>
#include <sys/types.h>
#include <utility>

#include "state/monitor_plan.h"
#include "posix/unique_fd.h"

namespace daemonctl::monitor {

/// How many bytes the monitor reads from a pipe at once: a line begun in a
/// file is finished in it only if it ends within that much.
inline constexpr std::size_t kReadBuffer = 65536;
/// What waits in memory while the file cannot be written (a full disk):
/// past this, whole lines are dropped, counted, and reported once writes
/// succeed again.
inline constexpr std::size_t kMaxPending = 65536;

/// `fd` is a regular file (open write-only) whose last byte is not a newline.
bool file_ends_mid_line(int fd);

class RotatingLog {
 public:
  /// `fd` (1 or 2) is the monitor's own stdio, already the open log file.
  RotatingLog(const state::LogPlan& plan, int fd, mode_t mode, bool chown, uid_t uid, gid_t gid);

  /// The monitor's `fd` holds the same file too (its stderr, when stderr
  /// goes to stdout's file): moved to each new file as well, so that no
  /// rotated-away file stays open.
  void also_on(int fd) { also_ = fd; }
  /// Opens (makes if missing) the FIFO the daemon writes into: a monitor
  /// that takes over from one that died reads what waits in it.
  Status open_pipe(const std::string& fifo);
  int read_end() const { return read_.get(); }
  int write_end() const { return write_.get(); }

  /// Copies whatever the pipe holds now into the file. First, if the file
  /// was renamed or removed by someone else (logrotate without
  /// copytruncate), a new one is opened at the path.
  void drain();
  /// Appends the daemon's `n` bytes, rotating first at a line end if the
  /// file would pass max_size (mid-line only for a line that does not end
  /// within kReadBuffer bytes). What cannot be written waits (see flush).
  void write(const char* data, std::size_t n);
  /// Appends the monitor's own `line` (ending in '\n'), on a line of its
  /// own: after a newline if the output so far ends mid-line.
  void note(const std::string& line);
  /// Writes what waits; once all of it is out, reports what was lost in a
  /// line "daemonctl-monitor: N bytes (M lines) lost: REASON".
  void flush();
  /// Something waits to be written (flush again later).
  bool waiting() const { return !pending_.empty() || (lost_bytes_ > 0 && !skipping_); }
  /// Why the path could not be reopened or rotated since the last call
  /// ("" if no new reason): for the monitor to log.
  std::string take_problem() { return std::exchange(problem_, std::string()); }

 private:
  void place(const char* data, std::size_t n);
  std::size_t append(const char* data, std::size_t n);
  void queue(const char* data, std::size_t n);
  void drop(const char* data, std::size_t n);
  bool ends_mid_line() const { return pending_.empty() ? !at_line_end_ : pending_.back() != '\n'; }
  void rotate();
  void reopen_if_moved();
  void open_fresh();
  void measure();
  void complain(const std::string& why);

  state::LogPlan plan_;
  posix::UniqueFd folder_;  ///< the log's folder, entered once: renames and opens happen in it
  std::string name_;        ///< the log's name in it
  int fd_;
  int also_ = -1;
  mode_t mode_;
  bool chown_;
  uid_t uid_;
  gid_t gid_;
  std::uint64_t size_ = 0;
  bool at_line_end_ = true;  ///< the file ends with a newline (or is empty)
  std::string pending_;      ///< accepted, not yet written: the next bytes of the file
  std::uint64_t lost_bytes_ = 0, lost_lines_ = 0;  ///< dropped since the last report
  int error_ = 0;                                  ///< errno of the last failed write
  bool skipping_ = false;    ///< dropping the rest of a line whose start was dropped
  std::string problem_;      ///< for take_problem
  std::string complained_;   ///< the last problem, not repeated until a reopen succeeds
  posix::UniqueFd read_, write_;
};

}  // namespace daemonctl::monitor
