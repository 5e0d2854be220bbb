#include "posix/files.h"

#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "posix/safe_path.h"

namespace daemonctl::posix {

Result<UniqueFd> open_file(const std::string& path, int flags, mode_t mode) {
  UniqueFd fd(::open(path.c_str(), flags | O_CLOEXEC, mode));
  if (!fd) return sys_error("cannot open '" + path + "'");
  return fd;
}

Result<UniqueFd> open_at(int dir, const std::string& name, int flags, mode_t mode) {
  UniqueFd fd(::openat(dir, name.c_str(), flags | O_CLOEXEC, mode));
  if (!fd) return sys_error("cannot open '" + name + "'");
  return fd;
}

Status rename_at(int dir, const std::string& from, const std::string& to) {
  if (::renameat(dir, from.c_str(), dir, to.c_str()) < 0) {
    return sys_error("cannot rename '" + from + "' to '" + to + "'");
  }
  return {};
}

std::optional<char> last_byte(int fd) {
  struct stat st, again;
  if (::fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0) return std::nullopt;
  std::string self = "/proc/self/fd/" + std::to_string(fd);
  UniqueFd reader(::open(self.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (!reader || ::fstat(reader.get(), &again) < 0 || again.st_ino != st.st_ino || again.st_dev != st.st_dev) {
    return std::nullopt;
  }
  char last;
  if (::pread(reader.get(), &last, 1, again.st_size - 1) != 1) return std::nullopt;
  return last;
}

Result<std::string> read_file(const std::string& path, std::size_t limit, int flags) {
  // O_NONBLOCK: a FIFO planted here must not hang us; only files are read.
  auto fd = open_file(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | flags);
  if (!fd) return std::move(fd).error();
  return read_fd(fd->get(), path, limit);
}

Result<std::string> read_fd(int fd, const std::string& path, std::size_t limit, struct stat* stat_out) {
  struct stat own;
  struct stat& st = stat_out ? *stat_out : own;
  if (::fstat(fd, &st) < 0) return sys_error("cannot stat '" + path + "'");
  if (S_ISDIR(st.st_mode)) return sys_error("cannot read '" + path + "'", EISDIR);
  if (!S_ISREG(st.st_mode)) return Error{ExitStatus::failure, "'" + path + "' is not a regular file", EINVAL};
  // A regular file's size is known: ask for one byte more than it, and a
  // short read is its end (regular files read whole up to EOF), which saves
  // the read that would return 0. A file that grew meanwhile, or one whose
  // size says nothing (/proc), is read on to EOF.
  auto size = static_cast<std::size_t>(st.st_size);
  std::size_t ask = size > 0 && size <= limit ? size + 1 : 4096;
  std::string text;
  for (;;) {
    std::size_t have = text.size();
    text.resize(have + ask);
    ssize_t n = ::read(fd, text.data() + have, ask);
    if (n < 0 && errno == EINTR) {
      text.resize(have);
      continue;
    }
    if (n < 0) return sys_error("cannot read '" + path + "'");
    text.resize(have + static_cast<std::size_t>(n));
    if (text.size() > limit) {
      return Error{ExitStatus::failure,
                   "'" + path + "': file too large (over " + std::to_string(limit) + " bytes)", EFBIG};
    }
    if (n == 0 || (size > 0 && text.size() == size && static_cast<std::size_t>(n) < ask)) return text;
    ask = 4096;
  }
}

static Status write_all(int fd, const std::string& content, const std::string& path) {
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_error("cannot write '" + path + "'");
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return {};
}

// "<name>.tmp" in `dir`, made anew. An orphan of a writer that died is
// removed when there is one (O_EXCL fails), not before every write.
static UniqueFd create_temporary(int dir, const std::string& tmp, mode_t mode) {
  constexpr int kFlags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC;
  UniqueFd fd(::openat(dir, tmp.c_str(), kFlags, mode));
  if (fd || errno != EEXIST) return fd;
  ::unlinkat(dir, tmp.c_str(), 0);
  return UniqueFd(::openat(dir, tmp.c_str(), kFlags, mode));
}

Status write_file_atomic_at(int dir, const std::string& name, const std::string& path, const std::string& content,
                            mode_t mode) {
  std::string tmp = name + ".tmp", shown = path + ".tmp";
  UniqueFd fd = create_temporary(dir, tmp, mode);
  if (!fd) return sys_error("cannot open '" + shown + "'");
  Status st = write_all(fd.get(), content, shown);
  if (st && ::fchmod(fd.get(), mode) < 0) st = sys_error("cannot chmod '" + shown + "'");
  // Over an existing file, exchanged with it and the old one unlinked: a
  // rename over it makes ext4 (auto_da_alloc) start the new file's writeback
  // first, 0.1 to 2 ms here. Readers see the old file or the new one, as
  // with rename. A missing target or a file system without exchange
  // (EINVAL): the plain rename. Only a file or link is exchanged: a rename
  // over a folder must fail.
  struct stat old;
  bool replaces = ::fstatat(dir, name.c_str(), &old, AT_SYMLINK_NOFOLLOW) == 0 &&
                  (S_ISREG(old.st_mode) || S_ISLNK(old.st_mode));
  if (st && replaces && ::renameat2(dir, tmp.c_str(), dir, name.c_str(), RENAME_EXCHANGE) == 0) {
    ::unlinkat(dir, tmp.c_str(), 0);
    return st;
  }
  if (st && ::renameat(dir, tmp.c_str(), dir, name.c_str()) < 0) {
    st = sys_error("cannot rename '" + shown + "' to '" + path + "'");
  }
  if (!st) ::unlinkat(dir, tmp.c_str(), 0);
  return st;
}

Status write_file_atomic(const std::string& path, const std::string& content, mode_t mode) {
  auto e = locate(path);
  if (!e) return std::move(e).error();
  return write_file_atomic_at(e->folder.fd.get(), e->name, path, content, mode);
}

Status remove_file(const std::string& path) {
  auto e = locate(path);
  if (!e) return e.error().err == ENOENT ? Status() : Status(std::move(e).error());
  if (::unlinkat(e->folder.fd.get(), e->name.c_str(), 0) < 0 && errno != ENOENT) {
    return sys_error("cannot remove '" + path + "'");
  }
  return {};
}

Result<UniqueFd> memory_file(const std::string& name, const std::string& content) {
  UniqueFd fd(::memfd_create(name.c_str(), MFD_CLOEXEC));
  if (!fd) return sys_error("memfd_create");
  if (Status st = write_all(fd.get(), content, name); !st) return std::move(st).error();
  if (::lseek(fd.get(), 0, SEEK_SET) < 0) return sys_error("lseek");
  return fd;
}

void ensure_standard_fds() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
      // open returns the lowest free fd: this very one. Not close-on-exec.
      int got = ::open("/dev/null", O_RDWR | O_NOCTTY);
      if (got > 2) ::close(got);  // cannot happen, but never leak it
    }
  }
}

std::string dirname(const std::string& path) {
  auto last = path.find_last_not_of('/');
  if (last == std::string::npos) return path.empty() ? "." : "/";
  auto slash = path.find_last_of('/', last);
  if (slash == std::string::npos) return ".";
  auto end = path.find_last_not_of('/', slash);
  if (end == std::string::npos) return "/";
  return path.substr(0, end + 1);
}

Status make_dirs(const std::string& path, mode_t mode) {
  auto made = make_folders(path, mode);
  if (!made) return std::move(made).error();
  return {};
}

Result<std::vector<std::string>> list_dir(const std::string& path) {
  DIR* dir = ::opendir(path.c_str());
  if (!dir) return sys_error("cannot read folder '" + path + "'");
  std::vector<std::string> names;
  errno = 0;
  while (struct dirent* e = ::readdir(dir)) {
    std::string_view name = e->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  int err = errno;
  ::closedir(dir);
  if (err != 0) return sys_error("cannot read folder '" + path + "'", err);
  return names;
}

}  // namespace daemonctl::posix
