#include "tools/logs.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/escape.h"
#include "common/log.h"
#include "posix/file_info.h"
#include "posix/files.h"
#include "posix/inotify.h"
#include "posix/io.h"
#include "posix/poll.h"
#include "posix/safe_path.h"
#include "posix/signal_fd.h"
#include "posix/unique_fd.h"

namespace daemonctl::tools {
namespace {

constexpr std::size_t kBlock = 64 * 1024;
// inotify wakes us at once; the poll timeout is the fallback for what it
// cannot see (a folder that did not exist yet, NFS, no inotify instance left).
constexpr int kPollMillis = 1000;

// Where the lines go. With two files, each line starts with its file's label.
// A line cut off where a file ends for now stays open: more bytes from the
// same file continue it, a line from the other file first ends it. If
// `escape`, each file's bytes are escaped on the way (common/escape.h).
class Output {
 public:
  Output(int fd, bool labelled, bool escape) : fd_(fd), labelled_(labelled), escape_(escape) {}

  int fd() const { return fd_; }

  void put(std::string_view label, std::string_view bytes) {
    if (!escape_) return put_raw(label, bytes);
    std::string escaped = escapers_[label].feed(bytes);
    put_raw(label, escaped);
  }

  /// Ends a labelled line left open, so the next output starts on a line of its own.
  void finish() {
    for (auto& [label, escaper] : escapers_) put_raw(label, escaper.finish());
    buf_.clear();
    if (!open_.empty()) end_line();
    write_all(buf_);
  }

  /// True once the reader left (EPIPE) or a write failed: nothing more to do.
  bool done() const { return done_; }
  /// Success, or why a write failed; a reader that left is success.
  Status status() const { return error_ ? Status(*error_) : Status(); }

 private:
  void put_raw(std::string_view label, std::string_view bytes) {
    if (bytes.empty()) return;  // all held back by the escaper: the other file's line stays open
    if (!labelled_) return write_all(bytes);
    buf_.clear();
    if (!open_.empty() && open_ != label) end_line();
    for (std::size_t pos = 0; pos < bytes.size();) {
      if (open_.empty()) {
        buf_ += label;
        open_ = label;
      }
      std::size_t nl = bytes.find('\n', pos);
      std::size_t end = nl == std::string_view::npos ? bytes.size() : nl + 1;
      buf_.append(bytes.substr(pos, end - pos));
      if (nl != std::string_view::npos) open_ = {};
      pos = end;
    }
    write_all(buf_);
  }

  void end_line() {
    buf_ += '\n';
    open_ = {};
  }

  void write_all(std::string_view bytes) {
    while (!done_ && !bytes.empty()) {
      posix::Io put = posix::write_some(fd_, bytes.data(), bytes.size());
      if (put.err == 0) {
        bytes.remove_prefix(put.bytes);
      } else if (put.err == EAGAIN) {
        pollfd p{fd_, POLLOUT, 0};  // stdout left non-blocking by whoever shares it
        (void)posix::poll_fds({&p, 1}, -1);
      } else {
        if (put.err != EPIPE) error_ = sys_error("cannot write to stdout", put.err);
        done_ = true;
      }
    }
  }

  int fd_;
  bool labelled_;
  bool escape_;
  std::map<std::string_view, text::StreamEscaper> escapers_;  // by label: a character cut by a file's end waits there
  std::string_view open_;  // the label of the line left open; empty if none
  std::string buf_;
  bool done_ = false;
  std::optional<Error> error_;
};

// One log, followed by name: `fd` is the file read so far, which stays
// until another file takes its path.
struct Source {
  std::string path;
  std::string_view label;  // "stdout: " or "stderr: "
  posix::UniqueFd fd;      // invalid while the file does not exist
  off_t offset = 0;        // how far `fd` is printed
  dev_t dev = 0;
  ino_t ino = 0;
  int wd = -1;             // the inotify watch on `fd`'s file, -1 if none
  std::string problem;     // the last warning about it, not to repeat every second
};

enum class Kind { file, missing, not_a_file };

struct Target {
  const char* stream;  // "stdout", "stderr"
  std::string path;
  Kind kind = Kind::missing;
  dev_t dev = 0;
  ino_t ino = 0;
};

// The file at `path`, looked at as posix::open_entry opens it (no link
// another user put there is followed, nothing but a regular file opened
// in a folder they can change). ENOENT or ENOTDIR: nothing there yet.
Result<struct stat> look_at(const std::string& path) {
  auto opened = posix::open_entry(path, O_RDONLY | O_NONBLOCK);
  if (!opened) return std::move(opened).error();
  return posix::stat_fd(opened->fd.get(), path);
}

bool not_there(const Error& e) { return e.err == ENOENT || e.err == ENOTDIR; }

Result<Target> examine(const char* stream, const std::string& path) {
  Target t{stream, path};
  if (path == "/dev/null") {
    t.kind = Kind::not_a_file;
    return t;
  }
  auto looked = look_at(path);
  if (!looked && not_there(looked.error())) return t;  // not written yet
  if (!looked && looked.error().err == ENXIO) {  // a FIFO with no writer
    t.kind = Kind::not_a_file;
    return t;
  }
  if (!looked) return std::move(looked).error();
  const struct stat& st = *looked;
  t.kind = S_ISREG(st.st_mode) ? Kind::file : Kind::not_a_file;
  t.dev = st.st_dev;
  t.ino = st.st_ino;
  return t;
}

Error no_log(const Target& t, const config::ServiceSpec& spec) {
  std::string what = t.path == "/dev/null" ? "" : ", which is not a regular file";
  return Error{ExitStatus::config, std::string(t.stream) + " goes to '" + t.path + "'" + what +
                                       ": no log to show (set '" + t.stream + "' in " + spec.file + ")"};
}

// stdout's file, stderr's if it is another one; both labelled if there are two.
Result<std::vector<Source>> choose_sources(const config::ServiceSpec& spec) {
  auto out = examine("stdout", spec.stdout_path);
  if (!out) return std::move(out).error();
  auto err = examine("stderr", spec.stderr_path);
  if (!err) return std::move(err).error();
  bool show_out = out->kind != Kind::not_a_file, show_err = err->kind != Kind::not_a_file;
  if (!show_out && !show_err) return no_log(*out, spec);
  bool same = out->path == err->path ||
              (out->kind == Kind::file && err->kind == Kind::file && out->dev == err->dev && out->ino == err->ino);
  std::vector<Source> sources;
  auto add = [&sources](const std::string& path, std::string_view label) {
    sources.emplace_back().path = path;
    sources.back().label = label;
  };
  if (show_out) add(out->path, "stdout: ");
  if (show_err && !(show_out && same)) add(err->path, "stderr: ");
  if (sources.size() == 1) sources[0].label = "";
  return sources;
}

// Opens the file now at `s.path`, to be read from its start. One that does
// not exist leaves `s` as it is.
Status reopen(Source& s) {
  // O_NONBLOCK: a FIFO put in the log's place must not hang us.
  auto opened = posix::open_entry(s.path, O_RDONLY | O_NONBLOCK);
  if (!opened && not_there(opened.error())) return {};
  if (!opened) return std::move(opened).error();
  posix::UniqueFd fd = std::move(opened->fd);
  auto st = posix::stat_fd(fd.get(), s.path);
  if (!st) return std::move(st).error();
  if (!S_ISREG(st->st_mode)) return Error{ExitStatus::config, "'" + s.path + "' is not a regular file", EINVAL};
  s.fd = std::move(fd);
  s.offset = 0;
  s.dev = st->st_dev;
  s.ino = st->st_ino;
  return {};
}

// Prints `s` from its offset to `until`, or to its end if `until` < 0.
Status copy(Source& s, Output& out, off_t until = -1) {
  std::vector<char> buf(kBlock);
  while (!out.done() && (until < 0 || s.offset < until)) {
    std::size_t want = buf.size();
    if (until >= 0) want = std::min(want, static_cast<std::size_t>(until - s.offset));
    posix::Io got = posix::read_at(s.fd.get(), buf.data(), want, s.offset);
    if (got.err != 0) return sys_error("cannot read '" + s.path + "'", got.err);
    if (got.bytes == 0) break;
    s.offset += static_cast<off_t>(got.bytes);
    out.put(s.label, std::string_view(buf.data(), got.bytes));
  }
  return {};
}

Status print_last(Source& s, Output& out, std::size_t lines) {
  if (Status st = reopen(s); !st) return st;
  if (!s.fd) return {};  // not written yet
  auto st = posix::stat_fd(s.fd.get(), s.path);
  if (!st) return std::move(st).error();
  auto start = last_lines_start(s.fd.get(), st->st_size, lines);
  if (!start) return sys_error("cannot read '" + s.path + "'", start.error().err);
  s.offset = *start;
  // Only up to the size seen: -n 3 prints 3 lines even while the daemon writes.
  return copy(s, out, st->st_size);
}

void warn_once(Source& s, const Error& e) {
  if (s.problem == e.message) return;
  s.problem = e.message;
  log::warn(e.message);
}

// Watches the file `s` reads (its fd, not its name, so a rename cannot
// slip in between): each write wakes the loop.
void watch_file(Source& s, posix::Inotify* inotify) {
  if (!inotify) return;
  if (s.wd >= 0) inotify->remove_watch(s.wd);
  auto wd = inotify->add_watch("/proc/self/fd/" + std::to_string(s.fd.get()), IN_MODIFY);
  s.wd = wd ? *wd : -1;  // without it, the poll timeout still finds new lines
}

// Prints what `s` gained, then follows its name to a new file if it has one.
Status refresh(Source& s, Output& out, posix::Inotify* inotify) {
  if (s.fd) {
    auto st = posix::stat_fd(s.fd.get(), s.path);
    if (!st) return std::move(st).error();
    if (st->st_size < s.offset) {
      log::warn("'" + s.path + "': file truncated");
      s.offset = 0;
    }
    if (Status read = copy(s, out); !read) return read;
  }
  auto looked = look_at(s.path);
  // Moved away and not created again yet: the daemon may still write to
  // the old file, so it stays ours until a new one takes the name.
  if (!looked && not_there(looked.error())) return {};
  if (!looked) return std::move(looked).error();
  const struct stat& st = *looked;
  if (s.fd && st.st_dev == s.dev && st.st_ino == s.ino) return {};
  // Rotated (or created at last): the old file to its very end, then the new one from its start.
  if (s.fd) {
    if (Status read = copy(s, out); !read) return read;
  }
  if (Status opened = reopen(s); !opened) return opened;
  if (!s.fd) return {};
  s.problem.clear();
  watch_file(s, inotify);
  return copy(s, out);
}

std::optional<posix::Inotify> watch_folders(std::vector<Source>& sources) {
  auto inotify = posix::Inotify::open();
  if (!inotify) {
    log::debug(inotify.error().message + ": looking for new lines every second");
    return std::nullopt;
  }
  for (Source& s : sources) {
    auto wd = inotify->add_watch(posix::dirname(s.path), IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE);
    if (!wd) log::debug(wd.error().message + ": looking for '" + s.path + "' every second");
    if (s.fd) watch_file(s, &*inotify);
  }
  return std::move(*inotify);
}

bool is_pipe(int fd) {
  auto st = posix::stat_fd(fd, "stdout");
  return st && (S_ISFIFO(st->st_mode) || S_ISSOCK(st->st_mode));
}

// Until a signal, or until nobody reads our output.
Status follow(std::vector<Source>& sources, Output& out, posix::SignalFd& signals) {
  std::optional<posix::Inotify> inotify = watch_folders(sources);
  // A pipe whose reader left reports POLLERR: end then, not at the next line.
  int reader = is_pipe(out.fd()) ? out.fd() : -1;
  for (;;) {
    for (Source& s : sources) {
      if (Status st = refresh(s, out, inotify ? &*inotify : nullptr); !st) warn_once(s, st.error());
    }
    if (out.done()) return {};
    pollfd fds[] = {{signals.fd(), POLLIN, 0}, {inotify ? inotify->fd() : -1, POLLIN, 0}, {reader, 0, 0}};
    if (Status polled = posix::poll_fds(fds, kPollMillis); !polled) return polled;
    if (fds[0].revents) {
      auto sig = signals.take();
      if (!sig) return std::move(sig).error();
      if (*sig) return {};
    }
    if (fds[2].revents) return {};
    if (fds[1].revents && !inotify->drain()) inotify.reset();  // polling still works
  }
}

}  // namespace

Result<off_t> last_lines_start(int fd, off_t end, std::size_t lines, std::size_t block) {
  assert(block > 0 && "last_lines_start: block must not be 0");
  if (end <= 0) return 0;
  if (lines == 0) return end;
  std::vector<char> buf(std::min(block, static_cast<std::size_t>(end)));
  std::size_t found = 0;
  for (off_t limit = end; limit > 0;) {
    off_t from = limit - static_cast<off_t>(std::min(buf.size(), static_cast<std::size_t>(limit)));
    auto want = static_cast<std::size_t>(limit - from);
    posix::Io got = posix::read_fully_at(fd, buf.data(), want, from);
    if (got.err != 0) return sys_error("cannot read", got.err);
    if (got.bytes < want) return 0;  // truncated under us: all that is left
    for (std::size_t len = want; const void* p = ::memrchr(buf.data(), '\n', len);) {
      len = static_cast<std::size_t>(static_cast<const char*>(p) - buf.data());
      off_t at = from + static_cast<off_t>(len);
      // A newline ends a line; the one at the very end starts none.
      if (at != end - 1 && ++found == lines) return at + 1;
    }
    limit = from;
  }
  return 0;
}

Status show_logs(const config::ServiceSpec& spec, const LogsOptions& opt) {
  return show_logs(spec, opt, STDOUT_FILENO);
}

Status show_logs(const config::ServiceSpec& spec, const LogsOptions& opt, int out_fd) {
  auto sources = choose_sources(spec);
  if (!sources) return std::move(sources).error();
  // Before the first line: a Ctrl-C at any time ends cleanly.
  std::optional<posix::SignalFd> signals;
  if (opt.follow) {
    auto opened = posix::SignalFd::open({SIGINT, SIGTERM});
    if (!opened) return std::move(opened).error();
    signals.emplace(std::move(*opened));
  }
  Output out(out_fd, sources->size() > 1, opt.escape);
  for (Source& s : *sources) {
    if (Status st = print_last(s, out, opt.lines); !st) return st;
  }
  Status followed = opt.follow && !out.done() ? follow(*sources, out, *signals) : Status{};
  out.finish();
  if (!followed) return followed;
  return out.status();
}

}  // namespace daemonctl::tools
