// An exclusive lock that the kernel releases when its holder dies.
#pragma once

#include <string>

#include "common/result.h"
#include "posix/unique_fd.h"

namespace daemonctl::posix {

enum class LockMode { shared, exclusive };

/// Opens (creating, mode 0600, never through a symlink) the lock file at
/// `path` and waits for a flock on it: shared (readers) or exclusive. The
/// lock lasts as long as the returned fd; it is close-on-exec, so no exec'd
/// program inherits it.
Result<UniqueFd> lock_file(const std::string& path, LockMode mode = LockMode::exclusive);

/// flock(2) on the open `fd` without waiting: true if this call took the
/// lock, false if another holds one that conflicts (EWOULDBLOCK). Error:
/// "cannot lock 'PATH': REASON".
Result<bool> try_lock(int fd, LockMode mode, const std::string& path);

}  // namespace daemonctl::posix
