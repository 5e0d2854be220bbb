// Small-file I/O with the guarantees daemonctl's state files need: bounded
// reads, writes that readers see whole or not at all.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <sys/types.h>
#include <vector>

#include "common/result.h"
#include "posix/unique_fd.h"

namespace daemonctl::posix {

/// Reads the whole file, at most `limit` bytes; a longer file is an Error
/// ("'path': file too large (over N bytes)") with err == EFBIG. `flags` are
/// added to O_RDONLY (O_NOFOLLOW: a symlink is ELOOP). Only regular files
/// are read: anything else (a FIFO, a device) is an error, never a hang.
Result<std::string> read_file(const std::string& path, std::size_t limit, int flags = 0);

/// read_file's reading, of an open `fd` (`path` for messages).
/// `st`: if not null, gets the fstat that the reading takes anyway.
Result<std::string> read_fd(int fd, const std::string& path, std::size_t limit, struct stat* st = nullptr);

/// Replaces `path` atomically with `content`, mode `mode` whatever the umask:
/// written to "<path>.tmp" (O_EXCL, O_NOFOLLOW), then renamed over `path`,
/// both in the folder as posix::locate opened it (safe_path.h): a folder
/// swapped for a link meanwhile changes nothing. A failure leaves neither a
/// temporary file nor a partial `path`.
Status write_file_atomic(const std::string& path, const std::string& content, mode_t mode);
/// write_file_atomic of `name` in the open folder `dir`, entered as locate
/// enters folders (`path`, the whole path, names it in messages): several
/// files of one folder, the folder entered once.
Status write_file_atomic_at(int dir, const std::string& name, const std::string& path, const std::string& content,
                            mode_t mode);

/// Removes `path` (never what a link there points to), in its folder as
/// posix::locate opened it; a missing file is success.
Status remove_file(const std::string& path);

/// Creates `path` and its missing parents (posix::make_folders); the last
/// one with `mode`, parents 0755, whatever the umask. An existing directory
/// is success, left as it is.
Status make_dirs(const std::string& path, mode_t mode);

/// open(2) with O_CLOEXEC added; the Error names the path.
Result<UniqueFd> open_file(const std::string& path, int flags, mode_t mode = 0);

/// openat(2) of `name` in the open folder `dir`, O_CLOEXEC added; the
/// Error names `name`.
Result<UniqueFd> open_at(int dir, const std::string& name, int flags, mode_t mode = 0);

/// renameat(2) of `from` to `to`, both in the open folder `dir`.
Status rename_at(int dir, const std::string& from, const std::string& to);

/// The last byte of the regular file open at `fd`, even one open only for
/// writing (read through a read-only open of /proc/self/fd/FD, checked to
/// be the same file); nullopt if it is empty, not a regular file, or unreadable.
std::optional<char> last_byte(int fd);

/// An anonymous file (memfd) holding `content`, read from its start.
Result<UniqueFd> memory_file(const std::string& name, const std::string& content);

/// Opens /dev/null on whichever of fds 0, 1, 2 is closed, so that no file
/// this process opens later can land there (and be taken for stdio).
void ensure_standard_fds();

/// The names in folder `path` (not "." or ".."), unsorted.
Result<std::vector<std::string>> list_dir(const std::string& path);

/// The folder part of a path: "/a/b" -> "/a", "/a/b/" -> "/a", "b" -> ".", "/a" -> "/".
std::string dirname(const std::string& path);

}  // namespace daemonctl::posix
