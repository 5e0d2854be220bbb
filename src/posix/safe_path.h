// Paths that other users may control. daemonctl often runs as root for
// another user's service, whose log, pidfile and ready file may sit in
// folders that user can write to: there, at any moment, a name may become a
// symbolic link, a FIFO or a hard link to a file of root's. So a path is
// resolved one folder at a time, a symbolic link is followed only where it
// sits in a folder that no one but root and daemonctl's own user can change,
// and everything after the resolution acts on file descriptors, not paths.
#pragma once

#include <string>
#include <sys/stat.h>
#include <sys/types.h>

#include "common/result.h"
#include "posix/unique_fd.h"

namespace daemonctl::posix {

/// A folder whose entries only root and daemonctl's effective user can
/// change: owned by one of them and writable by neither group nor others.
bool trusted_folder(const struct stat& st);

/// An open folder (O_PATH | O_DIRECTORY), and whether it is trusted.
struct Folder {
  UniqueFd fd;
  bool trusted = false;
  uid_t owner = 0;
  mode_t mode = 0;
  std::string path;  ///< as it was named, for messages
};

/// The folder an entry sits in and the entry's name there. Every folder on
/// the way was entered without following a symbolic link that sits in an
/// untrusted folder; the entry itself has not been looked at.
struct Entry {
  Folder folder;
  std::string name;
  std::string path;  ///< the whole path, as named
};

/// Resolves all of `path` but its last component (relative paths from the
/// working directory). Errors: a symbolic link in an untrusted folder (ELOOP,
/// status privilege, naming it and the folder's owner), a missing folder
/// (ENOENT), a component that is not a folder (ENOTDIR).
Result<Entry> locate(const std::string& path);

/// locate, then, while the entry is a symbolic link in a trusted folder,
/// the entry it names (as open_entry would follow it): where a file that is
/// renamed and made again (a rotated log) really lives.
Result<Entry> locate_target(const std::string& path);

/// The folder `path` itself, entered as locate enters folders. A symbolic
/// link at its last component is refused like the others when its folder
/// is untrusted, and followed when it is trusted.
Result<Folder> open_folder(const std::string& path);

/// Creates `path` and its missing parents, each with mkdirat, then entered
/// without following a link and, if it is not ours (someone raced us), refused;
/// the last gets `mode`, the parents 0755, whatever the umask (fchmod on
/// the fd). Existing folders are entered as open_folder does, and left as
/// they are. Returns the last folder.
Result<Folder> make_folders(const std::string& path, mode_t mode);

/// An entry opened by open_entry, and whether this call created it.
struct Opened {
  UniqueFd fd;
  bool created = false;
  bool in_trusted_folder = false;
};

/// Opens the entry at `path` with open(2) `flags` (O_CLOEXEC and O_NOCTTY
/// added). In a trusted folder a symbolic link is followed, its target
/// resolved by the same rules; in an untrusted one it is refused (ELOOP,
/// status privilege), and what is opened must be a regular file with no
/// other hard link (else status privilege, nothing read or written). With
/// O_CREAT, a missing file is created with O_EXCL, so `created` tells
/// whether this call made it. With O_NOFOLLOW, a link at the last component
/// is never followed (ELOOP).
/// `owner`: in an untrusted folder, an existing file must belong to root,
/// daemonctl's user or `owner` (the service's user); kAnyOwner: to anyone.
inline constexpr uid_t kAnyOwner = static_cast<uid_t>(-1);
Result<Opened> open_entry(const std::string& path, int flags, mode_t mode = 0, uid_t owner = kAnyOwner);

/// Reads the regular file at `path`, opened by open_entry with `flags`
/// (O_RDONLY | O_NONBLOCK added), at most `limit` bytes (EFBIG beyond).
/// With `trusted_only`, the file's folder must be trusted (status privilege
/// otherwise): for records that name processes to signal. `st`, if not
/// null, gets the file's fstat.
Result<std::string> read_entry(const std::string& path, std::size_t limit, int flags = 0, bool trusted_only = false,
                               uid_t owner = kAnyOwner, struct stat* st = nullptr);

/// read_entry of `name` in `folder`, already entered (`path` is the whole
/// path, for messages): many reads in one folder enter it once. `st`, if
/// not null, gets the file's fstat. A trusted folder and O_NOFOLLOW in
/// `flags` make it one open; otherwise it is read_entry(path).
Result<std::string> read_entry_at(const Folder& folder, const std::string& name, const std::string& path,
                                  std::size_t limit, int flags, struct stat* st = nullptr);

/// Does the entry at `path` exist (a symbolic link counts as one, never followed)?
/// Errors as locate's.
Result<bool> entry_exists(const std::string& path);

/// What open_entry refuses in an untrusted folder, found from a file's
/// lstat: anything but a regular file with one link (status privilege).
Status fit_for_untrusted_folder(const struct stat& st, const std::string& path, uid_t owner = kAnyOwner);

/// The message for a symbolic link met at `path` in folder `folder`.
Error symlink_refused(const std::string& path, const Folder& folder);

}  // namespace daemonctl::posix
