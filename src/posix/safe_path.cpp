#include "posix/safe_path.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <deque>

#include "posix/files.h"

namespace daemonctl::posix {
namespace {

constexpr unsigned long long kNoLinks = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
constexpr int kMaxLinks = 40;  // as the kernel's own limit on one lookup

// openat2(2), which glibc 2.36 does not wrap: -1 and errno on failure.
int openat2_fd(int dir, const std::string& path, int flags, mode_t mode = 0) {
  open_how how{};
  how.flags = static_cast<unsigned long long>(flags | O_CLOEXEC);
  how.mode = (flags & O_CREAT) ? mode : 0;
  how.resolve = kNoLinks;
  return static_cast<int>(::syscall(SYS_openat2, dir, path.c_str(), &how, sizeof how));
}

std::string joined(const std::string& folder, const std::string& name) {
  if (folder.empty() || folder == ".") return name;
  return folder.back() == '/' ? folder + name : folder + "/" + name;
}

// The components of `path`, without empty ones and ".".
std::deque<std::string> split(const std::string& path) {
  std::deque<std::string> parts;
  for (std::size_t at = 0; at < path.size();) {
    std::size_t end = path.find('/', at);
    if (end == std::string::npos) end = path.size();
    std::string part = path.substr(at, end - at);
    if (!part.empty() && part != ".") parts.push_back(std::move(part));
    at = end + 1;
  }
  return parts;
}

Result<Folder> folder_of(UniqueFd fd, std::string path) {
  struct stat st;
  if (!fd) return sys_error("cannot open folder '" + path + "'");
  if (::fstat(fd.get(), &st) < 0) return sys_error("cannot stat '" + path + "'");
  if (!S_ISDIR(st.st_mode)) return sys_error("cannot open folder '" + path + "'", ENOTDIR);
  return Folder{std::move(fd), trusted_folder(st), st.st_uid, st.st_mode, std::move(path)};
}

Result<Folder> start_of(const std::string& path) {
  bool absolute = !path.empty() && path.front() == '/';
  return folder_of(UniqueFd(::open(absolute ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC)), absolute ? "/" : ".");
}

// The target of the symbolic link open (O_PATH | O_NOFOLLOW) as `fd`.
Result<std::string> link_target(int fd, const std::string& path) {
  char buf[PATH_MAX];
  ssize_t n = ::readlinkat(fd, "", buf, sizeof buf);
  if (n < 0) return sys_error("cannot read link '" + path + "'");
  if (static_cast<std::size_t>(n) >= sizeof buf) return sys_error("cannot read link '" + path + "'", ENAMETOOLONG);
  return std::string(buf, static_cast<std::size_t>(n));
}

// Walks `parts` from `at`, one folder at a time, and returns the folder
// reached. A link is expanded in place when its folder is trusted.
Result<Folder> walk(Folder at, std::deque<std::string> parts, int& links) {
  while (!parts.empty()) {
    std::string name = std::move(parts.front());
    parts.pop_front();
    std::string shown = joined(at.path, name);
    if (name == "..") {
      auto up = folder_of(UniqueFd(::openat(at.fd.get(), "..", O_PATH | O_DIRECTORY | O_CLOEXEC)), shown);
      if (!up) return up;
      at = std::move(*up);
      continue;
    }
    UniqueFd fd(openat2_fd(at.fd.get(), name, O_PATH | O_NOFOLLOW));
    struct stat st;
    if (!fd) return sys_error("cannot open folder '" + shown + "'");
    if (::fstat(fd.get(), &st) < 0) return sys_error("cannot stat '" + shown + "'");
    if (S_ISLNK(st.st_mode)) {
      if (!at.trusted) return symlink_refused(shown, at);
      if (++links > kMaxLinks) return sys_error("cannot open folder '" + shown + "'", ELOOP);
      auto target = link_target(fd.get(), shown);
      if (!target) return std::move(target).error();
      auto more = split(*target);
      parts.insert(parts.begin(), more.begin(), more.end());
      if (target->front() == '/') {
        auto root = start_of("/");
        if (!root) return root;
        at = std::move(*root);
      }
      continue;
    }
    auto next = folder_of(std::move(fd), shown);
    if (!next) return next;
    at = std::move(*next);
  }
  return at;
}

// The path without its last component, and that component.
std::pair<std::string, std::string> cut(const std::string& path) {
  std::size_t end = path.find_last_not_of('/');
  if (end == std::string::npos) return {path.empty() ? "." : "/", ""};
  std::size_t slash = path.rfind('/', end);
  std::string leaf = path.substr(slash == std::string::npos ? 0 : slash + 1, end - (slash == std::string::npos ? 0 : slash + 1) + 1);
  if (slash == std::string::npos) return {".", leaf};
  return {slash == 0 ? "/" : path.substr(0, slash), leaf};
}

// The folder at `path`: at once when no link is on the way (the common
// case, one openat2), else walked.
Result<Folder> enter(const std::string& path) {
  UniqueFd fd(openat2_fd(AT_FDCWD, path, O_PATH | O_DIRECTORY));
  if (fd || errno != ELOOP) return folder_of(std::move(fd), path);
  auto start = start_of(path);
  if (!start) return start;
  int links = 0;
  auto reached = walk(std::move(*start), split(path), links);
  if (reached) reached->path = path;
  return reached;
}

Error not_safe(const std::string& path, const std::string& why) {
  return Error{ExitStatus::privilege, "refusing '" + path + "': " + why, EPERM};
}

}  // namespace

Status fit_for_untrusted_folder(const struct stat& st, const std::string& path, uid_t owner) {
  if (S_ISDIR(st.st_mode)) return sys_error("cannot open '" + path + "'", EISDIR);
  if (owner != kAnyOwner && st.st_uid != 0 && st.st_uid != ::geteuid() && st.st_uid != owner) {
    return not_safe(path, "it belongs to uid " + std::to_string(st.st_uid) +
                              ", neither root nor the service's user, in a folder other users can change");
  }
  if (!S_ISREG(st.st_mode)) return not_safe(path, "not a regular file, in a folder other users can change");
  if (st.st_nlink > 1) {
    return not_safe(path, "it has " + std::to_string(st.st_nlink) + " hard links, in a folder other users can change");
  }
  return {};
}

namespace {

Status fit_in_untrusted(int fd, const std::string& path, uid_t owner) {
  struct stat st;
  if (::fstat(fd, &st) < 0) return sys_error("cannot stat '" + path + "'");
  return fit_for_untrusted_folder(st, path, owner);
}

// One open of `name` in `e.folder`, never following a link; O_CREAT as O_EXCL.
Result<Opened> open_once(const Entry& e, int flags, mode_t mode) {
  int plain = (flags & ~(O_CREAT | O_EXCL)) | O_NOFOLLOW | O_NOCTTY;
  UniqueFd fd(openat2_fd(e.folder.fd.get(), e.name, plain));
  if (fd || errno != ENOENT || !(flags & O_CREAT)) {
    if (!fd) return sys_error("cannot open '" + e.path + "'");
    return Opened{std::move(fd), false};
  }
  fd.reset(openat2_fd(e.folder.fd.get(), e.name, plain | O_CREAT | O_EXCL, mode));
  if (fd) return Opened{std::move(fd), true};
  if (errno != EEXIST || (flags & O_EXCL)) return sys_error("cannot open '" + e.path + "'");
  fd.reset(openat2_fd(e.folder.fd.get(), e.name, plain));  // made meanwhile by another start
  if (!fd) return sys_error("cannot open '" + e.path + "'");
  return Opened{std::move(fd), false};
}

}  // namespace

bool trusted_folder(const struct stat& st) {
  return (st.st_uid == 0 || st.st_uid == ::geteuid()) && (st.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

Error symlink_refused(const std::string& path, const Folder& folder) {
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(folder.mode & 07777));
  return Error{ExitStatus::privilege,
               "refusing '" + path + "': a symbolic link in '" + folder.path + "', which other users can change (owner uid " +
                   std::to_string(folder.owner) + ", mode " + mode + ")",
               ELOOP};
}

Result<Entry> locate(const std::string& path) {
  auto [parent, leaf] = cut(path);
  if (leaf.empty() || leaf == "." || leaf == "..") return sys_error("'" + path + "' does not name a file", EINVAL);
  auto folder = enter(parent);
  if (!folder) {
    // A refusal names the link; anything else is said of the whole path.
    Error e = std::move(folder).error();
    if (e.err == ELOOP || e.err == EPERM) return e;
    return sys_error("cannot open '" + path + "'", e.err);
  }
  return Entry{std::move(*folder), leaf, path};
}

Result<Folder> open_folder(const std::string& path) { return enter(path); }

Result<Entry> locate_target(const std::string& path) {
  auto e = locate(path);
  for (int links = 0; e && links < kMaxLinks; ++links) {
    struct stat st;
    if (!e->folder.trusted || ::fstatat(e->folder.fd.get(), e->name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0 ||
        !S_ISLNK(st.st_mode)) {
      return e;
    }
    UniqueFd link(openat2_fd(e->folder.fd.get(), e->name, O_PATH | O_NOFOLLOW));
    auto target = link ? link_target(link.get(), path) : Result<std::string>(sys_error("cannot open '" + path + "'"));
    if (!target) return std::move(target).error();
    std::string next = target->front() == '/' ? *target : joined(e->folder.path, *target);
    e = locate(next);
  }
  return e;
}

namespace {

Folder duplicate(const Folder& f) {
  return Folder{UniqueFd(::fcntl(f.fd.get(), F_DUPFD_CLOEXEC, 0)), f.trusted, f.owner, f.mode, f.path};
}

// Makes folder `name` in `at` (0700 until it has its mode: no one gets in
// meanwhile), and enters it without following a link.
Result<Folder> make_one(const Folder& at, const std::string& name, mode_t mode) {
  std::string shown = joined(at.path, name);
  bool made = ::mkdirat(at.fd.get(), name.c_str(), 0700) == 0;
  if (!made && errno != EEXIST) return sys_error("cannot create directory '" + shown + "'");
  UniqueFd fd(openat2_fd(at.fd.get(), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW));
  if (!fd && errno == ELOOP) return symlink_refused(shown, at);
  if (!fd) return sys_error("cannot open folder '" + shown + "'");
  struct stat st;
  if (made && (::fstat(fd.get(), &st) < 0 || st.st_uid != ::geteuid())) {
    return not_safe(shown, "it was replaced while it was being made");
  }
  if (made && ::fchmod(fd.get(), mode) < 0) return sys_error("cannot chmod '" + shown + "'");
  return folder_of(std::move(fd), shown);
}

}  // namespace

Result<Folder> make_folders(const std::string& path, mode_t mode) {
  auto whole = enter(path);
  if (whole || whole.error().err != ENOENT) return whole;
  auto at = start_of(path);
  if (!at) return at;
  auto parts = split(path);
  int links = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    auto next = walk(duplicate(*at), {parts[i]}, links);
    if (!next && next.error().err == ENOENT) next = make_one(*at, parts[i], i + 1 == parts.size() ? mode : 0755);
    if (!next) return next;
    at = std::move(next);
  }
  at->path = path;
  return at;
}

Result<Opened> open_entry(const std::string& path, int flags, mode_t mode, uid_t owner) {
  auto e = locate(path);
  for (int links = 0; e; ++links) {
    auto opened = open_once(*e, flags, mode);
    if (opened) {
      opened->in_trusted_folder = e->folder.trusted;
      if (!e->folder.trusted) {
        if (Status fit = fit_in_untrusted(opened->fd.get(), path, owner); !fit) return std::move(fit).error();
      }
      return opened;
    }
    struct stat st;
    if (!e->folder.trusted && opened.error().err != ELOOP &&
        ::fstatat(e->folder.fd.get(), e->name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
      // A FIFO with no reader (ENXIO), a socket...: refused as what it is.
      if (Status fit = fit_for_untrusted_folder(st, path, owner); !fit) return std::move(fit).error();
    }
    if (opened.error().err != ELOOP) return opened;
    if (!e->folder.trusted) return symlink_refused(path, e->folder);
    if (flags & O_NOFOLLOW) return opened;
    if (links >= kMaxLinks) return opened;
    // A link that only root or we could have made: followed, by the same rules.
    UniqueFd link(openat2_fd(e->folder.fd.get(), e->name, O_PATH | O_NOFOLLOW));
    auto target = link ? link_target(link.get(), path) : Result<std::string>(sys_error("cannot open '" + path + "'"));
    if (!target) return std::move(target).error();
    auto [parent, leaf] = cut(*target);
    auto from = target->front() == '/' ? start_of("/") : Result<Folder>(duplicate(e->folder));
    if (!from) return std::move(from).error();
    int walked = links;
    auto folder = walk(std::move(*from), split(parent), walked);
    if (!folder) return std::move(folder).error();
    e = Entry{std::move(*folder), leaf, path};
  }
  return std::move(e).error();
}

Result<std::string> read_entry(const std::string& path, std::size_t limit, int flags, bool trusted_only,
                               uid_t owner, struct stat* st) {
  auto opened = open_entry(path, O_RDONLY | O_NONBLOCK | flags, 0, owner);
  if (!opened) return std::move(opened).error();
  if (trusted_only && !opened->in_trusted_folder) {
    return not_safe(path, "its folder can be changed by other users");
  }
  return read_fd(opened->fd.get(), path, limit, st);
}

Result<std::string> read_entry_at(const Folder& folder, const std::string& name, const std::string& path,
                                  std::size_t limit, int flags, struct stat* st) {
  if (!folder.trusted || !(flags & O_NOFOLLOW)) return read_entry(path, limit, flags, false, kAnyOwner, st);
  // In a trusted folder, with O_NOFOLLOW, open_entry comes down to this one
  // open; of one component, an openat with O_NOFOLLOW follows no link either
  // (and costs less than openat2).
  if (name.find('/') != std::string::npos) return read_entry(path, limit, flags, false, kAnyOwner, st);
  UniqueFd fd(::openat(folder.fd.get(), name.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC | flags));
  if (!fd) return sys_error("cannot open '" + path + "'");
  return read_fd(fd.get(), path, limit, st);
}

Result<bool> entry_exists(const std::string& path) {
  auto e = locate(path);
  if (!e) return e.error().err == ENOENT ? Result<bool>(false) : Result<bool>(std::move(e).error());
  struct stat st;
  if (::fstatat(e->folder.fd.get(), e->name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) return true;
  if (errno == ENOENT) return false;
  return sys_error("cannot stat '" + path + "'");
}

}  // namespace daemonctl::posix
