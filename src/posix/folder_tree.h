// Folders daemonctl makes for a service and removes after it: a runtime
// directory (/run/NAME) that the service's user fills as it likes.
#pragma once

#include <string>
#include <sys/types.h>

#include "common/result.h"

namespace daemonctl::posix {

/// Creates `path` (make_folders: its missing parents 0755, no link another
/// user could have put there followed), or takes the folder already there,
/// and gives it to `uid`:`gid` with `mode`, whatever the umask. A symbolic
/// link at `path` itself is refused (status privilege): the folder changed
/// must be the one at `path`.
Status make_owned_folder(const std::string& path, mode_t mode, uid_t uid, gid_t gid);

/// Removes `path` and everything in it, never following a link: each folder
/// is opened without following one and emptied through its fd, so entries
/// renamed or replaced meanwhile by the folder's user change only what is
/// removed from their own tree. A missing `path` is success. Goes at most
/// 64 folders deep (deeper: ELOOP).
Status remove_tree(const std::string& path);

}  // namespace daemonctl::posix
