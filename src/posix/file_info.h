// What a file is (stat) and who may use it (access, its mode and owner).
// Errors name the path and the reason: "cannot stat 'PATH': REASON", with
// the errno in Error::err for callers that tell ENOENT from the rest.
#pragma once

#include <string>
#include <sys/stat.h>
#include <sys/types.h>

#include "common/result.h"

namespace daemonctl::posix {

/// stat(2) of `path`, following symbolic links.
Result<struct stat> stat_path(const std::string& path);

/// lstat(2) of `path`: a symbolic link itself, not what it names.
Result<struct stat> lstat_path(const std::string& path);

/// fstat(2) of the open `fd`; `path` names it in the message.
Result<struct stat> stat_fd(int fd, const std::string& path);

/// fstatat(2) of `name` in the open folder `dir`; `flags` 0 or AT_SYMLINK_NOFOLLOW.
Result<struct stat> stat_at(int dir, const std::string& name, int flags);

/// Are `a` and `b` the same file (device and inode)?
inline bool same_file(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/// access(2): may this process, by its real ids, `mode` (R_OK, W_OK, X_OK;
/// F_OK: is it there) the file at `path`? "cannot access 'PATH': REASON".
Status check_access(const std::string& path, int mode);

/// faccessat(2) with AT_EACCESS: the same question by the effective ids
/// (those open(2) checks), for `name` in the open folder `dir` (AT_FDCWD:
/// the working directory).
Status check_effective_access(int dir, const std::string& name, int mode);

/// fchmod(2) of the open `fd` (`path` names it in the message).
Status change_mode(int fd, mode_t mode, const std::string& path);

/// fchown(2) of the open `fd` (`path` names it in the message).
Status change_owner(int fd, uid_t uid, gid_t gid, const std::string& path);

}  // namespace daemonctl::posix
