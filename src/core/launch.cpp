#include "core/launch.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string_view>

#include "posix/files.h"

namespace daemonctl::core {

std::vector<std::string> daemon_environment(const config::ServiceSpec& spec, char** inherited) {
  std::vector<std::string> env;
  auto set = [&env](const std::string& name, const std::string& value) {
    for (auto& entry : env) {
      if (entry.size() > name.size() && entry.compare(0, name.size(), name) == 0 &&
          entry[name.size()] == '=') {
        entry = name + "=" + value;
        return;
      }
    }
    env.push_back(name + "=" + value);
  };
  if (!spec.clear_environment) {
    for (char** e = inherited; e && *e; ++e) env.emplace_back(*e);
  }
  for (const auto& [name, value] : spec.environment) set(name, value);
  if (spec.clear_environment && !spec.environment.count("PATH")) set("PATH", kDefaultPath);
  return env;
}

std::string path_of(const std::vector<std::string>& env) {
  for (const auto& entry : env) {
    if (entry.rfind("PATH=", 0) == 0) return entry.substr(5);
  }
  return kDefaultPath;
}

static Status check_executable(const std::string& file) {
  struct stat st;
  auto fail = [&](int err) {
    Error e = sys_error("cannot execute '" + file + "'", err);
    e.status = ExitStatus::not_installed;
    return e;
  };
  if (::stat(file.c_str(), &st) < 0) return fail(errno);
  if (S_ISDIR(st.st_mode)) return fail(EISDIR);
  if (!S_ISREG(st.st_mode)) return fail(EACCES);
  if (::access(file.c_str(), X_OK) < 0) return fail(errno);
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
  if (e.err == ENOENT || e.err == ENOTDIR || e.err == EISDIR || e.err == ELOOP) e.status = ExitStatus::config;
  return e;
}

Status check_directory(const std::string& directory) {
  struct stat st;
  std::string what = "working directory '" + directory + "'";
  if (::stat(directory.c_str(), &st) < 0) return config_error(sys_error(what));
  if (!S_ISDIR(st.st_mode)) return config_error(sys_error(what, ENOTDIR));
  if (::access(directory.c_str(), X_OK) < 0) return sys_error(what);
  return {};
}

// O_NOFOLLOW where someone else could have planted a symlink.
static int nofollow_in_shared_folder(const std::string& path) {
  struct stat st;
  std::string folder = posix::dirname(path);
  bool shared = ::stat(folder.c_str(), &st) == 0 && (st.st_mode & (S_IWGRP | S_IWOTH));
  return shared ? O_NOFOLLOW : 0;
}

static Result<posix::UniqueFd> open_stdio_file(const std::string& path, int flags, mode_t mode) {
  // O_NONBLOCK: opening a FIFO that has no reader fails (ENXIO) instead of
  // hanging; the flag is cleared once the file is open.
  auto fd = posix::open_file(path, flags | O_NONBLOCK | nofollow_in_shared_folder(path), mode);
  if (!fd) {
    Error e = std::move(fd).error();
    if (e.err == ELOOP) e.message = "cannot open '" + path + "': a symbolic link in a folder others can write to";
    if (e.err == ENXIO) e.message = "cannot open '" + path + "': a FIFO with no reader";
    return config_error(std::move(e));
  }
  ::fcntl(fd->get(), F_SETFL, ::fcntl(fd->get(), F_GETFL) & ~O_NONBLOCK);
  return fd;
}

Result<Stdio> open_stdio(const config::ServiceSpec& spec) {
  constexpr int kAppend = O_WRONLY | O_APPEND | O_CREAT | O_NOCTTY;
  const mode_t mode = 0666 & ~spec.umask;
  // The creation mode follows the service's umask, not daemonctl's.
  mode_t saved = ::umask(0);
  Stdio io;
  Status st;
  auto in = open_stdio_file(spec.stdin_path, O_RDONLY | O_NOCTTY, 0);
  auto out = open_stdio_file(spec.stdout_path, kAppend, mode);
  if (!in) st = std::move(in).error();
  else if (!out) st = std::move(out).error();
  if (st && spec.stderr_path != spec.stdout_path) {
    auto err = open_stdio_file(spec.stderr_path, kAppend, mode);
    if (err) io.err = std::move(*err);
    else st = std::move(err).error();
  }
  ::umask(saved);
  if (!st) return std::move(st).error();
  io.in = std::move(*in);
  io.out = std::move(*out);
  return io;
}

}  // namespace daemonctl::core
