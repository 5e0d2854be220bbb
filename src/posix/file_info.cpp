#include "posix/file_info.h"

#include <fcntl.h>
#include <unistd.h>

namespace daemonctl::posix {
namespace {

Result<struct stat> stat_error(const std::string& path) { return sys_error("cannot stat '" + path + "'"); }

}  // namespace

Result<struct stat> stat_path(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) < 0) return stat_error(path);
  return st;
}

Result<struct stat> lstat_path(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) < 0) return stat_error(path);
  return st;
}

Result<struct stat> stat_fd(int fd, const std::string& path) {
  struct stat st;
  if (::fstat(fd, &st) < 0) return stat_error(path);
  return st;
}

Result<struct stat> stat_at(int dir, const std::string& name, int flags) {
  struct stat st;
  if (::fstatat(dir, name.c_str(), &st, flags) < 0) return stat_error(name);
  return st;
}

Status check_access(const std::string& path, int mode) {
  if (::access(path.c_str(), mode) < 0) return sys_error("cannot access '" + path + "'");
  return {};
}

Status check_effective_access(int dir, const std::string& name, int mode) {
  if (::faccessat(dir, name.c_str(), mode, AT_EACCESS) < 0) return sys_error("cannot access '" + name + "'");
  return {};
}

Status change_mode(int fd, mode_t mode, const std::string& path) {
  if (::fchmod(fd, mode) < 0) return sys_error("cannot chmod '" + path + "'");
  return {};
}

Status change_owner(int fd, uid_t uid, gid_t gid, const std::string& path) {
  if (::fchown(fd, uid, gid) < 0) return sys_error("cannot chown '" + path + "'");
  return {};
}

}  // namespace daemonctl::posix
