#include "service/launch.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mutex>
#include <string_view>

#include "service/log_dir.h"
#include "posix/file_info.h"
#include "posix/files.h"
#include "posix/io.h"
#include "posix/process.h"
#include "posix/safe_path.h"

namespace daemonctl::service {

static Status check_executable(const std::string& file) {
  auto fail = [&](int err) {
    Error e = sys_error("cannot execute '" + file + "'", err);
    e.status = ExitStatus::not_installed;
    return e;
  };
  auto st = posix::stat_path(file);
  if (!st) return fail(st.error().err);
  if (S_ISDIR(st->st_mode)) return fail(EISDIR);
  if (!S_ISREG(st->st_mode)) return fail(EACCES);
  if (Status may = posix::check_access(file, X_OK); !may) return fail(may.error().err);
  return {};
}

Result<std::string> resolve_executable(const std::string& program, const std::string& path) {
  if (program.find('/') != std::string::npos) {
    if (Status ok = check_executable(program); !ok) return std::move(ok).error();
    return program;
  }
  std::string_view rest(path);
  while (true) {
    auto colon = rest.find(':');
    std::string_view dir = rest.substr(0, colon);
    // Relative entries are skipped: the daemon runs in its own directory,
    // so they would name another file there than here.
    if (!dir.empty() && dir.front() == '/') {
      std::string candidate = std::string(dir) + "/" + program;
      if (check_executable(candidate)) return candidate;
    }
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return Error{ExitStatus::not_installed, "cannot find '" + program + "' in PATH (" + path + ")", ENOENT};
}

// A missing file or folder is the service file's fault: status config.
static Error config_error(Error e) {
  if (e.err == ENOENT || e.err == ENOTDIR || e.err == EISDIR) e.status = ExitStatus::config;
  return e;
}

Status check_directory(const std::string& directory) {
  std::string what = "working directory '" + directory + "'";
  auto st = posix::stat_path(directory);
  if (!st) return config_error(sys_error(what, st.error().err));
  if (!S_ISDIR(st->st_mode)) return config_error(sys_error(what, ENOTDIR));
  if (Status may = posix::check_access(directory, X_OK); !may) return sys_error(what, may.error().err);
  return {};
}

// May the user `c` search folder `st` (the x bit of owner, group or others)?
static bool may_search(const struct stat& st, const Credentials& c) {
  if (c.uid == 0) return true;
  if (st.st_uid == c.uid) return st.st_mode & S_IXUSR;
  bool in_group = st.st_gid == c.gid;
  for (gid_t g : c.groups) in_group = in_group || st.st_gid == g;
  return st.st_mode & (in_group ? S_IXGRP : S_IXOTH);
}

Status check_directory_as(const std::string& directory, const Credentials& creds) {
  if (Status st = check_directory(directory); !st) return st;
  if (!creds.change) return {};
  // Each folder from the root down, as the kernel walks it for the daemon.
  for (std::size_t end = 0; end != std::string::npos;) {
    end = directory.find('/', end + 1);
    std::string folder = end == 0 ? "/" : directory.substr(0, end);
    if (folder.empty()) continue;
    auto st = posix::stat_path(folder);
    if (!st || !S_ISDIR(st->st_mode)) continue;
    if (!may_search(*st, creds)) {
      return Error{ExitStatus::privilege, "working directory '" + directory + "': uid " + std::to_string(creds.uid) +
                                              " may not enter '" + folder + "'", EACCES};
    }
  }
  return {};
}

// The error for a stdio file that cannot be opened, as the user reads it.
static Error stdio_error(const std::string& path, Error e) {
  if (e.err == ENXIO) e.message = "cannot open '" + path + "': a FIFO with no reader";
  return config_error(std::move(e));
}

// Resolved as posix::open_entry does: no link followed in a folder other
// users can change, and there only a regular file with one link.
static Result<posix::UniqueFd> open_stdio_file(const std::string& path, int flags, mode_t mode,
                                               const Credentials& owner) {
  // O_NONBLOCK: opening a FIFO that has no reader fails (ENXIO) instead of
  // hanging; the flag is cleared once the file is open.
  uid_t service_user = owner.change ? owner.uid : posix::effective_uid();
  auto opened = posix::open_entry(path, flags | O_NONBLOCK, mode, service_user);
  if (!opened) return stdio_error(path, std::move(opened).error());
  int fd = opened->fd.get();
  if (opened->created && owner.change) {
    if (Status given = posix::change_owner(fd, owner.uid, owner.gid, path); !given) {
      return sys_error("cannot give '" + path + "' to uid " + std::to_string(owner.uid), given.error().err);
    }
  }
  if (auto status = posix::file_flags(fd)) (void)posix::set_file_flags(fd, *status & ~O_NONBLOCK);
  return std::move(opened->fd);
}

// getpwnam and friends answer in one static buffer, and the umask is the
// process's: starts running in parallel threads take turns at both.
static std::mutex& process_state() {
  static std::mutex m;
  return m;
}

Result<Stdio> open_stdio(const config::ServiceSpec& spec, const Credentials& owner) {
  std::lock_guard turn(process_state());
  constexpr int kAppend = O_WRONLY | O_APPEND | O_CREAT | O_NOCTTY;
  // The creation mode follows the service's umask, not daemonctl's.
  posix::TemporaryUmask no_umask(0);
  Stdio io;
  Status st;
  auto in = open_stdio_file(spec.stdin_path, O_RDONLY | O_NOCTTY, 0, owner);
  auto out = open_stdio_file(spec.stdout_path, kAppend, log_file_mode(spec, spec.stdout_path), owner);
  if (!in) st = std::move(in).error();
  else if (!out) st = std::move(out).error();
  if (st && spec.stderr_path != spec.stdout_path) {
    auto err = open_stdio_file(spec.stderr_path, kAppend, log_file_mode(spec, spec.stderr_path), owner);
    if (err) io.err = std::move(*err);
    else st = std::move(err).error();
  }
  if (!st) return std::move(st).error();
  io.in = std::move(*in);
  io.out = std::move(*out);
  return io;
}

// Would open_stdio_file(path, ...) succeed? Found from stat and access with
// daemonctl's effective ids (those open uses), without opening the file: an
// open for writing is seen by a FIFO's reader, and creates a missing file.
// The folder is entered as open_stdio_file enters it.
static Status check_stdio_file(const std::string& path, bool write) {
  auto fail = [&path](int err) { return stdio_error(path, sys_error("cannot open '" + path + "'", err)); };
  auto e = posix::locate(path);
  if (!e) return stdio_error(path, std::move(e).error());
  int dir = e->folder.fd.get();
  auto entry = posix::stat_at(dir, e->name, AT_SYMLINK_NOFOLLOW);
  bool is_link = entry && S_ISLNK(entry->st_mode);
  if (!e->folder.trusted && is_link) return posix::symlink_refused(path, e->folder);
  if (!e->folder.trusted && entry) {
    if (Status fit = posix::fit_for_untrusted_folder(*entry, path); !fit) return stdio_error(path, std::move(fit).error());
  }
  auto target = posix::stat_at(dir, e->name, 0);
  if (target) {
    if (write && S_ISDIR(target->st_mode)) return fail(EISDIR);
    Status may = posix::check_effective_access(dir, e->name, write ? W_OK : R_OK);
    return may ? Status() : fail(may.error().err);
  }
  if (target.error().err != ENOENT || !write) return fail(target.error().err);
  // A dangling symlink: the O_EXCL create refuses it.
  if (is_link) return fail(EEXIST);
  // Missing: created in its folder, which must let us in.
  Status may = posix::check_effective_access(dir, ".", W_OK | X_OK);
  return may ? Status() : fail(may.error().err);
}

// A default log whose log dir start would create (the command checks that
// with check_log_dir) is not looked for.
static Status check_log_file(const config::ServiceSpec& spec, const std::string& path) {
  if (path == spec.default_log) {
    Status there = posix::check_access(posix::dirname(path), F_OK);
    if (!there && there.error().err == ENOENT) return {};
  }
  return check_stdio_file(path, true);
}

Status check_stdio(const config::ServiceSpec& spec) {
  if (Status st = check_stdio_file(spec.stdin_path, false); !st) return st;
  if (Status st = check_log_file(spec, spec.stdout_path); !st) return st;
  if (spec.stderr_path == spec.stdout_path) return {};
  return check_log_file(spec, spec.stderr_path);
}

// A name, or a decimal id: the id itself (and whether it was one).
static bool numeric_id(const std::string& s, unsigned long& id) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos) return false;
  id = std::stoul(s);
  return true;
}

Result<Credentials> resolve_credentials(const config::ServiceSpec& spec) {
  std::lock_guard turn(process_state());
  Credentials c;
  if (spec.user.empty() && spec.group.empty()) return c;
  c.change = true;
  c.uid = posix::effective_uid();
  c.gid = posix::effective_gid();
  unsigned long id = 0;
  if (!spec.user.empty()) {
    const struct passwd* pw = numeric_id(spec.user, id) ? ::getpwuid(static_cast<uid_t>(id)) : ::getpwnam(spec.user.c_str());
    if (!pw && !numeric_id(spec.user, id)) return Error{ExitStatus::config, "unknown user '" + spec.user + "'"};
    c.uid = pw ? pw->pw_uid : static_cast<uid_t>(id);
    c.gid = pw ? pw->pw_gid : static_cast<gid_t>(id);
    if (pw) {
      c.name = pw->pw_name;
      c.home = pw->pw_dir;
      c.shell = pw->pw_shell;
    }
  }
  if (!spec.group.empty()) {
    const struct group* gr = numeric_id(spec.group, id) ? ::getgrgid(static_cast<gid_t>(id)) : ::getgrnam(spec.group.c_str());
    if (!gr && !numeric_id(spec.group, id)) return Error{ExitStatus::config, "unknown group '" + spec.group + "'"};
    c.gid = gr ? gr->gr_gid : static_cast<gid_t>(id);
  }
  c.groups = {c.gid};
  if (!c.name.empty()) {
    int n = 64;
    std::vector<gid_t> list(static_cast<size_t>(n));
    while (::getgrouplist(c.name.c_str(), c.gid, list.data(), &n) < 0) list.resize(static_cast<size_t>(n));
    list.resize(static_cast<size_t>(n));
    c.groups = list;
  }
  uid_t euid = posix::effective_uid();
  if (euid != 0 && (c.uid != euid || c.gid != posix::effective_gid())) {
    std::string who = !spec.user.empty() ? "user '" + spec.user + "'" : "group '" + spec.group + "'";
    return Error{ExitStatus::privilege, "cannot run as " + who + ": only root can, and daemonctl runs as uid " +
                                            std::to_string(euid), EPERM};
  }
  return c;
}

// The passwd entry of the daemon's user: the service's, else daemonctl's own.
static Account account_of(const Credentials& c) {
  if (c.change && !c.name.empty()) return Account{c.name, c.home, c.shell};
  std::lock_guard turn(process_state());
  const struct passwd* pw = ::getpwuid(c.change ? c.uid : posix::effective_uid());
  if (!pw) return {};
  return Account{pw->pw_name, pw->pw_dir, pw->pw_shell};
}

// Everything prepare_launch decides before the stdio files.
// An unknown user or group, placed at its key: FILE:LINE:COL.
static Error at_key(const config::ServiceSpec& spec, Error e) {
  const char* key = e.message.starts_with("unknown group") ? "group" : "user";
  auto where = spec.locations.find(key);
  if (e.status != ExitStatus::config || where == spec.locations.end()) return e;
  Diagnostic d{spec.file, where->second.line, where->second.column, e.message};
  e.message = d.to_string();
  e.diagnostics = {d};
  return e;
}

static Result<Launch> plan_launch(const config::ServiceSpec& spec, char** inherited_env) {
  Launch l;
  auto creds = resolve_credentials(spec);
  if (!creds) return at_key(spec, std::move(creds).error());
  l.creds = std::move(*creds);
  l.env = daemon_environment(spec, account_of(l.creds), inherited_env);
  // Never a supervisor's: a daemon must not answer the one daemonctl runs
  // under. start adds its own for a service with ready.notify.
  std::erase_if(l.env, [](const std::string& entry) { return entry.starts_with("NOTIFY_SOCKET="); });
  auto executable = resolve_executable(spec.command.front(), path_of(l.env));
  if (!executable) return std::move(executable).error();
  l.executable = std::move(*executable);
  if (!spec.ready.command.empty()) {
    auto ready = resolve_executable(spec.ready.command.front(), path_of(l.env));
    if (!ready) {
      Error e = std::move(ready).error();
      e.message = "ready.command: " + e.message;
      return e;
    }
    l.ready_program = std::move(*ready);
  }
  if (Status st = check_directory_as(spec.directory, l.creds); !st) return std::move(st).error();
  return l;
}

Result<Launch> prepare_launch(const config::ServiceSpec& spec, char** inherited_env) {
  auto l = plan_launch(spec, inherited_env);
  if (!l) return l;
  auto stdio = open_stdio(spec, l->creds);
  if (!stdio) return std::move(stdio).error();
  l->stdio = std::move(*stdio);
  return l;
}

Result<Launch> check_launch(const config::ServiceSpec& spec, char** inherited_env) {
  auto l = plan_launch(spec, inherited_env);
  if (!l) return l;
  if (Status st = check_stdio(spec); !st) return std::move(st).error();
  return l;
}

}  // namespace daemonctl::service
