#include "monitor/rotating_log.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "posix/fifo.h"
#include "posix/file_info.h"
#include "posix/files.h"
#include "posix/io.h"
#include "posix/process.h"
#include "posix/safe_path.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

namespace daemonctl::monitor {
namespace {

// "1 byte", "2 bytes".
std::string count(std::uint64_t n, const char* what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

// What an entry is if it is not a file the log may be written to, else nullptr.
const char* unfit(const struct stat& st) {
  if (S_ISLNK(st.st_mode)) return "a symbolic link";
  if (S_ISFIFO(st.st_mode)) return "a FIFO";
  if (S_ISSOCK(st.st_mode)) return "a socket";
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) return "a device";
  if (S_ISDIR(st.st_mode)) return "a folder";
  if (!S_ISREG(st.st_mode)) return "not a regular file";
  if (st.st_nlink > 1) return "a file with other hard links";
  return nullptr;
}

}  // namespace

bool file_ends_mid_line(int fd) {
  std::optional<char> last = posix::last_byte(fd);
  return last && *last != '\n';
}

RotatingLog::RotatingLog(const state::LogPlan& plan, int fd, mode_t mode, bool chown, uid_t uid, gid_t gid)
    : plan_(plan), fd_(fd), mode_(mode), chown_(chown), uid_(uid), gid_(gid) {
  measure();
  // Without its folder the log is never rotated nor reopened: it grows.
  if (auto e = posix::locate_target(plan_.path)) {  // a link made by root: where it leads
    folder_ = std::move(e->folder.fd);
    name_ = e->name;
  }
}

Status RotatingLog::open_pipe(const std::string& fifo) {
  auto ends = posix::open_fifo(fifo);
  if (!ends) return std::move(ends).error();
  read_ = std::move(ends->read);
  write_ = std::move(ends->read_write);
  return {};
}

// The size of the file at fd_, and whether it ends a line.
void RotatingLog::measure() {
  auto st = posix::stat_fd(fd_, plan_.path);
  if (!st) return;
  size_ = static_cast<std::uint64_t>(st->st_size);
  at_line_end_ = !file_ends_mid_line(fd_);
}

void RotatingLog::reopen_if_moved() {
  if (!folder_) return;
  auto ours = posix::stat_fd(fd_, plan_.path);
  if (!ours) return;
  if (auto at_path = posix::stat_at(folder_.get(), name_, AT_SYMLINK_NOFOLLOW)) {
    if (posix::same_file(*at_path, *ours)) return;
    if (const char* what = unfit(*at_path)) return complain(std::string("it is ") + what + ", not a regular file");
  }
  open_fresh();
}

void RotatingLog::drain() {
  reopen_if_moved();
  char buf[kReadBuffer];
  for (;;) {
    posix::Io got = posix::read_some(read_.get(), buf, sizeof buf);
    if (got.bytes == 0) return;  // EAGAIN: all of it for now
    write(buf, got.bytes);
  }
}

void RotatingLog::write(const char* data, std::size_t n) {
  flush();
  if (skipping_) {  // the rest of a line whose start was dropped goes too
    const char* end = static_cast<const char*>(std::memchr(data, '\n', n));
    std::size_t rest = end ? static_cast<std::size_t>(end - data) + 1 : n;
    lost_bytes_ += rest;
    data += rest;
    n -= rest;
    skipping_ = !end;
    if (!skipping_) flush();  // the loss can be reported now
  }
  if (n == 0) return;
  // Nothing is written past a loss before the loss is reported.
  if (lost_bytes_ > 0) return drop(data, n);
  if (!pending_.empty()) return queue(data, n);
  place(data, n);
}

void RotatingLog::note(const std::string& line) {
  flush();
  std::string text = (ends_mid_line() ? "\n" : "") + line;
  if (pending_.empty() && lost_bytes_ == 0) return place(text.data(), text.size());
  if (pending_.size() + text.size() <= kMaxPending) {
    pending_ += text;
    return;
  }
  lost_bytes_ += line.size();
  ++lost_lines_;
}

void RotatingLog::flush() {
  if (!pending_.empty()) {
    std::string waiting = std::exchange(pending_, std::string());
    place(waiting.data(), waiting.size());  // what fails again waits again
  }
  if (!pending_.empty() || lost_bytes_ == 0 || skipping_) return;
  std::string line = "daemonctl-monitor: " + count(lost_bytes_, "byte") + " (" + count(lost_lines_, "line") +
                     ") lost: " + std::strerror(error_) + "\n";
  lost_bytes_ = lost_lines_ = 0;
  note(line);
}

// Whole lines into the current file while they fit, then a new file, cut
// where the file ends a line. A line begun in the file, or longer than
// max_size and alone in a fresh file, is finished there if it ends within
// the data at hand (one read), else cut at max_size: output without
// newlines is rotated too. What cannot be written waits in pending_.
void RotatingLog::place(const char* data, std::size_t n) {
  const std::uint64_t max = plan_.max_size;
  while (n > 0) {
    std::size_t take = n;
    if (size_ + n > max) {
      std::size_t room = size_ < max ? static_cast<std::size_t>(std::min<std::uint64_t>(max - size_, n)) : 0;
      const char* end = nullptr;
      if (at_line_end_ && (end = static_cast<const char*>(::memrchr(data, '\n', room)))) {
        take = static_cast<std::size_t>(end - data) + 1;
      } else if (!at_line_end_ || size_ == 0) {
        end = static_cast<const char*>(std::memchr(data, '\n', std::min(n, kReadBuffer)));
        take = end ? static_cast<std::size_t>(end - data) + 1 : room;
      } else {
        take = 0;
      }
    }
    std::size_t written = take > 0 ? append(data, take) : 0;
    if (written < take) return queue(data + written, n - written);
    data += take;
    n -= take;
    if (n > 0 || size_ >= max) rotate();
  }
}

std::size_t RotatingLog::append(const char* data, std::size_t n) {
  posix::Io put = posix::write_all(fd_, std::string_view(data, n));
  if (put.err != 0) error_ = put.err;  // ENOSPC, EDQUOT, EIO, EFBIG: the rest waits
  size_ += put.bytes;
  if (put.bytes > 0) at_line_end_ = data[put.bytes - 1] == '\n';
  return put.bytes;
}

// Keeps what could not be written, after what already waits, up to
// kMaxPending; past that the whole lines that do not fit are dropped (and
// counted), with a line begun in what waits if it is cut.
void RotatingLog::queue(const char* data, std::size_t n) {
  std::size_t room = pending_.size() < kMaxPending ? kMaxPending - pending_.size() : 0;
  if (n <= room) {
    pending_.append(data, n);
    return;
  }
  const char* end = static_cast<const char*>(::memrchr(data, '\n', room));
  std::size_t keep = end ? static_cast<std::size_t>(end - data) + 1 : 0;
  if (keep == 0 && ends_mid_line()) {
    std::size_t cut = pending_.rfind('\n');
    cut = cut == std::string::npos ? 0 : cut + 1;
    lost_bytes_ += pending_.size() - cut;
    pending_.resize(cut);
  }
  pending_.append(data, keep);
  drop(data + keep, n - keep);
}

// Counts `n` dropped bytes of the daemon's output; a line is counted where
// it begins, and one begun here is dropped to its end (skipping_).
void RotatingLog::drop(const char* data, std::size_t n) {
  if (n == 0) return;
  lost_bytes_ += n;
  lost_lines_ += (skipping_ ? 0 : 1) + static_cast<std::uint64_t>(std::count(data, data + n - 1, '\n'));
  skipping_ = data[n - 1] != '\n';
}

void RotatingLog::rotate() {
  // If the file cannot be renamed (a folder we may not write), it just
  // grows: counted afresh, so the next try is another max_size away.
  size_ = 0;
  if (!folder_) return;
  // Only our own file is moved: not what someone put at the path meanwhile.
  int dir = folder_.get();
  if (auto at_path = posix::stat_at(dir, name_, AT_SYMLINK_NOFOLLOW)) {
    auto ours = posix::stat_fd(fd_, plan_.path);
    if (!ours || !posix::same_file(*at_path, *ours)) return;
  }
  // web.log.(keep-1) -> web.log.keep, ..., web.log -> web.log.1
  for (int i = plan_.keep - 1; i >= 1; --i) {
    (void)posix::rename_at(dir, name_ + "." + std::to_string(i), name_ + "." + std::to_string(i + 1));
  }
  if (Status moved = posix::rename_at(dir, name_, name_ + ".1"); !moved && moved.error().err != ENOENT) return;
  open_fresh();
}

// The file at the path (created if missing) becomes fd_: the monitor's own
// stdout or stderr. On failure it keeps writing to the file it has, and
// says why once. Only a regular file with one link: O_NONBLOCK, so that a
// FIFO put there cannot block the monitor, and then refused.
void RotatingLog::open_fresh() {
  if (!folder_) return;
  constexpr int kFlags = O_WRONLY | O_APPEND | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK;
  // O_EXCL: only a file made here and now gets the log's mode and owner.
  auto fresh = posix::open_at(folder_.get(), name_, kFlags | O_CREAT | O_EXCL, mode_);
  bool made = fresh.ok();
  if (!made && fresh.error().err == EEXIST) fresh = posix::open_at(folder_.get(), name_, kFlags);
  if (!fresh) return complain(std::strerror(fresh.error().err));
  auto st = posix::stat_fd(fresh->get(), plan_.path);
  const char* what = !st ? "gone" : unfit(*st);
  uid_t owner = st ? st->st_uid : 0;
  bool foreign = !what && !made && owner != 0 && owner != posix::effective_uid() && !(chown_ && owner == uid_);
  if (foreign) return complain("it belongs to uid " + std::to_string(owner) + ", neither root nor the service's user");
  if (what) return complain(std::string("it is ") + what + ", not a regular file");
  (void)posix::set_file_flags(fresh->get(), O_APPEND);
  if (made) {  // the mode and owner of a log file
    (void)posix::change_mode(fresh->get(), mode_, plan_.path);
    if (chown_) (void)posix::change_owner(fresh->get(), uid_, gid_, plan_.path);
  }
  (void)posix::replace_fd(fresh->get(), fd_);
  if (also_ >= 0) (void)posix::replace_fd(fresh->get(), also_);
  fresh->reset();
  measure();
  complained_.clear();
}

// Keeps `why` for take_problem, once until a reopen succeeds.
void RotatingLog::complain(const std::string& why) {
  std::string text = "cannot reopen '" + plan_.path + "': " + why + "; writing on to the file still open";
  if (text == complained_) return;
  complained_ = problem_ = text;
}

}  // namespace daemonctl::monitor
