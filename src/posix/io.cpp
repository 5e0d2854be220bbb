#include "posix/io.h"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace daemonctl::posix {
namespace {

// `n` bytes, or the errno of a failed call (-1).
Io io_of(ssize_t n) {
  if (n < 0) return Io{0, errno};
  return Io{static_cast<std::size_t>(n), 0};
}

}  // namespace

Io read_some(int fd, void* buf, std::size_t n) {
  ssize_t got;
  do {
    got = ::read(fd, buf, n);
  } while (got < 0 && errno == EINTR);
  return io_of(got);
}

Io read_at(int fd, void* buf, std::size_t n, off_t offset) {
  ssize_t got;
  do {
    got = ::pread(fd, buf, n, offset);
  } while (got < 0 && errno == EINTR);
  return io_of(got);
}

Io read_fully_at(int fd, void* buf, std::size_t n, off_t offset) {
  auto* bytes = static_cast<char*>(buf);
  Io done;
  while (done.bytes < n) {
    Io r = read_at(fd, bytes + done.bytes, n - done.bytes, offset + static_cast<off_t>(done.bytes));
    done.err = r.err;
    if (r.bytes == 0) break;  // the end, or an error
    done.bytes += r.bytes;
  }
  return done;
}

Io write_some(int fd, const void* buf, std::size_t n) {
  ssize_t put;
  do {
    put = ::write(fd, buf, n);
  } while (put < 0 && errno == EINTR);
  return io_of(put);
}

Io write_all(int fd, std::string_view data) {
  Io done;
  while (done.bytes < data.size()) {
    Io w = write_some(fd, data.data() + done.bytes, data.size() - done.bytes);
    if (w.err != 0 || w.bytes == 0) {
      done.err = w.err != 0 ? w.err : ENOSPC;
      break;
    }
    done.bytes += w.bytes;
  }
  return done;
}

Result<int> file_flags(int fd) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0) return sys_error("fcntl F_GETFL");
  return flags;
}

Status set_file_flags(int fd, int flags) {
  if (::fcntl(fd, F_SETFL, flags) < 0) return sys_error("fcntl F_SETFL");
  return {};
}

Status replace_fd(int from, int to) {
  if (::dup2(from, to) < 0) return sys_error("dup2");
  return {};
}

}  // namespace daemonctl::posix
