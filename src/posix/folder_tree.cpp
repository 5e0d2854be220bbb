#include "posix/folder_tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <vector>

#include "posix/safe_path.h"

namespace daemonctl::posix {
namespace {

constexpr int kMaxDepth = 64;

struct CloseDir {
  void operator()(DIR* d) const { ::closedir(d); }
};
using Dir = std::unique_ptr<DIR, CloseDir>;

// Is the folder open as `fd` the very entry at `path` (not one a link there leads to)?
bool sits_at(int fd, const std::string& path) {
  auto e = locate(path);
  struct stat at, st;
  return e && ::fstat(fd, &st) == 0 &&
         ::fstatat(e->folder.fd.get(), e->name.c_str(), &at, AT_SYMLINK_NOFOLLOW) == 0 && at.st_dev == st.st_dev &&
         at.st_ino == st.st_ino;
}

Status remove_at(int dir, const std::string& name, const std::string& shown, int depth);

// Removes what the folder open as `fd` holds; the first failure is returned,
// after trying the rest.
Status empty_folder(UniqueFd fd, const std::string& shown, int depth) {
  Dir d(::fdopendir(fd.get()));
  if (!d) return sys_error("cannot read folder '" + shown + "'");
  [[maybe_unused]] int owned_by_dir = fd.release();
  std::vector<std::string> names;
  errno = 0;
  while (struct dirent* e = ::readdir(d.get())) {
    std::string entry = e->d_name;
    if (entry != "." && entry != "..") names.push_back(std::move(entry));
  }
  if (errno != 0) return sys_error("cannot read folder '" + shown + "'");
  Status first;
  for (const std::string& entry : names) {
    Status st = remove_at(::dirfd(d.get()), entry, shown + "/" + entry, depth + 1);
    if (!st && first) first = std::move(st);
  }
  return first;
}

Status remove_at(int dir, const std::string& name, const std::string& shown, int depth) {
  struct stat st;
  if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
    return errno == ENOENT ? Status() : sys_error("cannot stat '" + shown + "'");
  }
  if (S_ISDIR(st.st_mode)) {
    if (depth >= kMaxDepth) return sys_error("cannot remove '" + shown + "'", ELOOP);
    UniqueFd fd(::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) return errno == ENOENT ? Status() : sys_error("cannot open folder '" + shown + "'");
    if (Status st2 = empty_folder(std::move(fd), shown, depth); !st2) return st2;
  }
  if (::unlinkat(dir, name.c_str(), S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) < 0 && errno != ENOENT) {
    return sys_error("cannot remove '" + shown + "'");
  }
  return {};
}

}  // namespace

Status make_owned_folder(const std::string& path, mode_t mode, uid_t uid, gid_t gid) {
  auto folder = make_folders(path, mode);
  if (!folder) return std::move(folder).error();
  // make_folders may have entered it through a link only root could make:
  // still, what is given away must be the folder at `path`.
  UniqueFd fd(::openat(folder->fd.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return sys_error("cannot open folder '" + path + "'");
  if (!sits_at(fd.get(), path)) {
    return Error{ExitStatus::privilege, "refusing '" + path + "': it is a symbolic link, not a folder", ELOOP};
  }
  struct stat st;
  if (::fstat(fd.get(), &st) < 0) return sys_error("cannot stat '" + path + "'");
  if ((st.st_uid != uid || st.st_gid != gid) && ::fchown(fd.get(), uid, gid) < 0) {
    return sys_error("cannot chown '" + path + "'");
  }
  if (::fchmod(fd.get(), mode) < 0) return sys_error("cannot chmod '" + path + "'");
  return {};
}

Status remove_tree(const std::string& path) {
  auto e = locate(path);
  if (!e) return e.error().err == ENOENT ? Status() : Status(std::move(e).error());
  return remove_at(e->folder.fd.get(), e->name, path, 0);
}

}  // namespace daemonctl::posix
