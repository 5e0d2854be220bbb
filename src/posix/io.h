// Reads and writes on an open file descriptor, each retried on EINTR, and
// the fd's status flags. Their errors are bare errno values, not messages:
// they run in loops (the monitor copies every byte a daemon writes), where
// a message would be built for every EAGAIN.
#pragma once

#include <cstddef>
#include <string_view>
#include <sys/types.h>

#include "common/result.h"

namespace daemonctl::posix {

/// What a read or a write did: `bytes` moved, and `err`, the errno that
/// stopped it (0: none). A read of 0 bytes with no error is the end of the file.
struct Io {
  std::size_t bytes = 0;
  int err = 0;
};

/// One read(2) of at most `n` bytes.
Io read_some(int fd, void* buf, std::size_t n);

/// One pread(2) of at most `n` bytes at `offset`.
Io read_at(int fd, void* buf, std::size_t n, off_t offset);

/// pread(2) until `n` bytes, the end of the file, or an error.
Io read_fully_at(int fd, void* buf, std::size_t n, off_t offset);

/// One write(2) of at most `n` bytes.
Io write_some(int fd, const void* buf, std::size_t n);

/// write(2) until all of `data` is written, or an error: a write that
/// takes nothing counts as ENOSPC.
Io write_all(int fd, std::string_view data);

/// fcntl(2) F_GETFL: the status flags (O_APPEND, O_NONBLOCK...) of `fd`.
Result<int> file_flags(int fd);

/// fcntl(2) F_SETFL: `fd`'s status flags become `flags` (the access mode
/// and creation flags in it are ignored).
Status set_file_flags(int fd, int flags);

/// dup2(2): `to` becomes another fd for what `from` is (`to` closed first).
Status replace_fd(int from, int to);

}  // namespace daemonctl::posix
