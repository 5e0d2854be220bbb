#include "state/state_dir.h"

#include <cstdlib>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "posix/file_info.h"
#include "posix/files.h"
#include "posix/process.h"
#include "posix/safe_path.h"

namespace daemonctl::state {

std::string choose_state_dir(const std::optional<std::string>& flag) {
  if (flag && !flag->empty()) return *flag;
  if (const char* env = std::getenv("DAEMONCTL_STATE_DIR"); env && *env) return env;
  uid_t uid = posix::effective_uid();
  if (uid == 0) return "/run/daemonctl";
  if (const char* xdg = std::getenv("XDG_RUNTIME_DIR"); xdg && *xdg) return std::string(xdg) + "/daemonctl";
  return "/tmp/daemonctl-" + std::to_string(uid);
}

namespace {

// What refuses an existing folder `dir` (lstat'ed as `st`), the `what` of
// the messages ("state directory").
Status refuse_unsafe(const std::string& what, const std::string& dir, const struct stat& st) {
  uid_t uid = posix::effective_uid();
  auto refuse = [&](const std::string& why) {
    return Error{ExitStatus::failure, what + " '" + dir + "' " + why};
  };
  if (S_ISLNK(st.st_mode)) return refuse("is a symbolic link; refusing to use it");
  if (!S_ISDIR(st.st_mode)) return refuse("is not a directory");
  // Anyone who can write in the state dir could plant a pidfile and record
  // naming any process, and have daemonctl signal it; in the log dir, a log
  // file of their making for every service.
  if (st.st_mode & (S_IWGRP | S_IWOTH)) return refuse("is writable by others; refusing to use it");
  if (st.st_uid != uid) {
    return refuse("is owned by uid " + std::to_string(st.st_uid) + ", not by uid " + std::to_string(uid) +
                  "; refusing to use it");
  }
  return {};
}

// Could posix::make_dirs(dir) create the missing `dir`? Its nearest existing
// ancestor must let us create the first missing folder in it.
Status check_creatable(const std::string& dir) {
  std::string missing = dir;
  for (std::string parent = posix::dirname(missing); parent != missing; parent = posix::dirname(missing)) {
    auto st = posix::stat_path(parent);
    if (st) {
      if (Status may = posix::check_effective_access(AT_FDCWD, parent, W_OK | X_OK); !may) {
        return sys_error("cannot create directory '" + missing + "'", may.error().err);
      }
      return {};
    }
    if (st.error().err != ENOENT) return std::move(st).error();
    missing = parent;
  }
  return {};
}

// `e`, a failure to make `dir`, named as the folder it was for: "log
// directory '/home/u/.local/state/daemonctl/log': cannot create directory
// '/home/u/.local': Permission denied", not only the ancestor that failed.
Error named(const std::string& what, const std::string& dir, Error e) {
  e.message = what + " '" + dir + "': " + e.message;
  return e;
}

}  // namespace

Status prepare_own_folder(const std::string& what, const std::string& dir) {
  uid_t uid = posix::effective_uid();
  if (auto st = posix::lstat_path(dir); st && !S_ISDIR(st->st_mode)) return refuse_unsafe(what, dir, *st);
  // Made, or entered, without following a link other users could have put
  // on the way; then judged by the folder actually opened.
  auto folder = posix::make_folders(dir, uid == 0 ? 0755 : 0700);
  if (!folder && folder.error().err == ENOTDIR) return sys_error(what + " '" + dir + "'", ENOTDIR);
  if (!folder) return named(what, dir, std::move(folder).error());
  auto st = posix::stat_fd(folder->fd.get(), dir);
  if (!st) return sys_error(what + " '" + dir + "'", st.error().err);
  return refuse_unsafe(what, dir, *st);
}

Status check_own_folder(const std::string& what, const std::string& dir) {
  auto st = posix::lstat_path(dir);
  if (st) return refuse_unsafe(what, dir, *st);
  if (st.error().err != ENOENT) return sys_error(what + " '" + dir + "'", st.error().err);
  if (Status creatable = check_creatable(dir); !creatable) return named(what, dir, std::move(creatable).error());
  return {};
}

Status prepare_state_dir(const std::string& dir) { return prepare_own_folder("state directory", dir); }

Status check_state_dir(const std::string& dir) { return check_own_folder("state directory", dir); }

}  // namespace daemonctl::state
