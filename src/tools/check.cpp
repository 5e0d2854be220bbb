#include "tools/check.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <tuple>

#include "service/before_start.h"
#include "service/commands.h"
#include "service/launch.h"
#include "service/supervised.h"
#include "posix/file_info.h"
#include "posix/files.h"
#include "posix/process.h"
#include "posix/safe_path.h"

extern char** environ;

namespace daemonctl::tools {
namespace {

// Collects findings, each placed at the key it is about.
class Findings {
 public:
  explicit Findings(const config::ServiceSpec& spec) : spec_(spec) {}

  /// `key` "" (or one not written in the file): the file as a whole, 0:0.
  void add(Severity severity, const std::string& key, std::string message) {
    Diagnostic where{spec_.file, 0, 0, std::move(message)};
    if (auto at = spec_.locations.find(key); at != spec_.locations.end()) {
      where.line = at->second.line;
      where.column = at->second.column;
    }
    list_.push_back(Finding{severity, std::move(where)});
  }
  void error(const std::string& key, std::string message) { add(Severity::error, key, std::move(message)); }
  void warning(const std::string& key, std::string message) { add(Severity::warning, key, std::move(message)); }

  std::vector<Finding> sorted() && {
    std::stable_sort(list_.begin(), list_.end(), [](const Finding& a, const Finding& b) {
      return std::tie(a.where.line, a.where.column) < std::tie(b.where.line, b.where.column);
    });
    return std::move(list_);
  }

 private:
  const config::ServiceSpec& spec_;
  std::vector<Finding> list_;
};

std::string octal(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

// Who besides the owner may write: "others", "its group", or "" for no one.
std::string writers(const struct stat& st) {
  if (st.st_mode & S_IWOTH) return "others";
  if (st.st_mode & S_IWGRP) return "its group";
  return "";
}

// In a sticky folder, only a file's owner, the folder's owner and root may
// remove a file or rename over it: safe if the folder's owner is trusted.
bool sticky_and_trusted(const struct stat& folder) {
  return (folder.st_mode & S_ISVTX) && (folder.st_uid == 0 || folder.st_uid == posix::effective_uid());
}

// ---- errors: what would make a start fail --------------------------------

/// The program's path if it resolves.
std::string check_program(Findings& found, const config::ServiceSpec& spec) {
  std::string path = service::path_of(service::daemon_environment(spec, {}, environ));
  auto executable = service::resolve_executable(spec.command.front(), path);
  if (!executable) {
    found.error("command", executable.error().message);
    return "";
  }
  return *executable;
}

void check_ready_command(Findings& found, const config::ServiceSpec& spec) {
  if (spec.ready.command.empty()) return;
  std::string path = service::path_of(service::daemon_environment(spec, {}, environ));
  auto executable = service::resolve_executable(spec.ready.command.front(), path);
  if (!executable) found.error("ready", "ready.command: " + executable.error().message);
}

// What start does before the daemon: each pre program resolves as
// command[0] does, and the runtime directory has a folder to go in.
void check_before_start(Findings& found, const config::ServiceSpec& spec) {
  auto pre = service::resolve_pre(spec, service::path_of(service::daemon_environment(spec, {}, environ)));
  if (!pre) found.error("start", pre.error().message);
  if (auto dir = service::runtime_dir_path(spec); !dir) found.error("runtime_directory", dir.error().message);
}

// A service under a monitor needs daemonctl-monitor next to daemonctl.
void check_monitor(Findings& found, const config::ServiceSpec& spec) {
  if (!service::needs_monitor(spec)) return;
  auto program = service::monitor_program();
  if (!program) found.error(spec.restart.policy != config::RestartPolicy::no ? "restart" : "stdout", program.error().message);
}

void check_credentials(Findings& found, const config::ServiceSpec& spec) {
  // Each alone, so that a finding is placed at the key at fault.
  if (!spec.user.empty()) {
    config::ServiceSpec user;
    user.user = spec.user;
    if (auto creds = service::resolve_credentials(user); !creds) found.error("user", creds.error().message);
  }
  if (!spec.group.empty()) {
    config::ServiceSpec group;
    group.group = spec.group;
    if (auto creds = service::resolve_credentials(group); !creds) found.error("group", creds.error().message);
  }
}

// check_stdio stops at the first problem: each stream alone, the others
// left at /dev/null, so that each finding is placed at its own key.
void check_stdio_paths(Findings& found, const config::ServiceSpec& spec) {
  auto alone = [&](const std::string& key, std::string config::ServiceSpec::*stream) {
    config::ServiceSpec one;
    one.stdin_path = one.stdout_path = one.stderr_path = "/dev/null";
    one.default_log = spec.default_log;
    one.*stream = spec.*stream;
    if (Status st = service::check_stdio(one); !st) found.error(key, st.error().message);
  };
  alone("stdin", &config::ServiceSpec::stdin_path);
  alone("stdout", &config::ServiceSpec::stdout_path);
  if (spec.stderr_path != spec.stdout_path) alone("stderr", &config::ServiceSpec::stderr_path);
}

// Start creates a missing pidfile folder (posix::make_dirs), then writes the
// pidfile in it: the nearest existing one of the folder and its ancestors
// must be a folder we may write to.
void check_pidfile_folder(Findings& found, const std::string& pidfile) {
  std::string folder = posix::dirname(pidfile);
  auto fail = [&](int err) { found.error("pidfile", sys_error("pidfile folder '" + folder + "'", err).message); };
  for (std::string at = folder;; at = posix::dirname(at)) {
    auto st = posix::stat_path(at);
    if (st) {
      if (!S_ISDIR(st->st_mode)) return fail(ENOTDIR);
      if (Status may = posix::check_effective_access(AT_FDCWD, at, W_OK | X_OK); !may) fail(may.error().err);
      return;
    }
    int err = st.error().err;
    if (err != ENOENT || posix::dirname(at) == at) return fail(err);
  }
}

// Does daemonctl hold capability `cap` (CAP_SYS_RESOURCE...)? From the
// CapEff mask of /proc/self/status: root may lack some, in a container.
bool has_capability(int cap) {
  auto text = posix::read_file("/proc/self/status", 1 << 16);
  if (!text) return posix::effective_uid() == 0;
  auto at = text->find("\nCapEff:");
  if (at == std::string::npos) return posix::effective_uid() == 0;
  unsigned long long mask = std::strtoull(text->c_str() + at + 8, nullptr, 16);
  return (mask >> cap) & 1;
}

// What the daemon's setrlimit, setpriority and oom_score_adj would refuse:
// a nofile above the kernel's nr_open; without CAP_SYS_RESOURCE, raising a
// hard limit or lowering oom_score_adj; without CAP_SYS_NICE, lowering nice.
void check_tuning(Findings& found, const config::ServiceSpec& spec) {
  constexpr int kSysNice = 23, kSysResource = 24;  // linux/capability.h
  auto read_number = [](const char* path, long long fallback) {
    auto text = posix::read_file(path, 64);
    return text ? std::atoll(text->c_str()) : fallback;
  };
  auto lacking = [](const char* cap) { return std::string(": that needs ") + cap + ", which daemonctl lacks"; };
  bool resource = has_capability(kSysResource);
  for (const config::Limit& limit : spec.limits) {
    std::string name = "'limits." + std::string(config::limit_name(limit.resource)) + "'";
    if (limit.resource == RLIMIT_NOFILE && limit.hard == RLIM_INFINITY) {
      found.error("limits", name + " cannot be \"infinity\": the kernel caps open files at /proc/sys/fs/nr_open");
    } else if (limit.resource == RLIMIT_NOFILE) {
      auto nr_open = static_cast<rlim_t>(read_number("/proc/sys/fs/nr_open", 1048576));
      if (limit.hard > nr_open) {
        found.error("limits", name + " is above the kernel's most open files, " + std::to_string(nr_open) +
                                  " (/proc/sys/fs/nr_open)");
      }
    }
    if (resource) continue;
    if (auto now = posix::resource_limit(limit.resource); now && limit.hard > now->rlim_max) {
      found.error("limits", name + " raises the hard limit " + config::format_limit({limit.resource, now->rlim_max, now->rlim_max}) +
                                " to " + config::format_limit({limit.resource, limit.hard, limit.hard}) +
                                lacking("CAP_SYS_RESOURCE"));
    }
  }
  if (spec.nice && !has_capability(kSysNice)) {
    auto now = posix::nice_value();
    if (now && *spec.nice < *now) {
      found.error("nice", "'nice' " + std::to_string(*spec.nice) + " is below daemonctl's own " + std::to_string(*now) +
                              lacking("CAP_SYS_NICE"));
    }
  }
  if (spec.oom_score_adj && !resource) {
    long long now = read_number("/proc/self/oom_score_adj", 0);
    if (*spec.oom_score_adj < now) {
      found.error("oom_score_adj", "'oom_score_adj' " + std::to_string(*spec.oom_score_adj) + " is below daemonctl's own " +
                                       std::to_string(now) + lacking("CAP_SYS_RESOURCE"));
    }
  }
}

// ---- warnings: what would let another user fool daemonctl ---------------

// Who besides root and us can change the entries of a folder: "" if no one.
std::string changers(const struct stat& st) {
  if (st.st_uid != 0 && st.st_uid != posix::effective_uid()) return "uid " + std::to_string(st.st_uid);
  return writers(st);
}

// A file daemonctl opens, creates or removes for the service, in a folder
// another user can change: safe (posix/safe_path.h), but the start fails
// whenever that user puts a link, a FIFO or a hard link there.
void lint_folder_of(Findings& found, const std::string& key, const std::string& what, const std::string& path) {
  if (path.empty()) return;
  std::string folder = posix::dirname(path);
  auto st = posix::stat_path(folder);
  if (!st || posix::trusted_folder(*st)) return;
  found.warning(key, what + " '" + path + "' is in '" + folder + "', which " + changers(*st) + " can change (mode " +
                         octal(st->st_mode) + "): daemonctl refuses a link, a FIFO or a hard link there");
}

void lint_service_paths(Findings& found, const config::ServiceSpec& spec) {
  lint_folder_of(found, "stdin", "stdin", spec.stdin_path);
  lint_folder_of(found, "stdout", "stdout", spec.stdout_path);
  if (spec.stderr_path != spec.stdout_path) lint_folder_of(found, "stderr", "stderr", spec.stderr_path);
  lint_folder_of(found, "pidfile", "pidfile", spec.pidfile);
  lint_folder_of(found, "ready", "ready file", spec.ready.file);
  if (spec.pidfile.empty()) return;
  if (auto st = posix::lstat_path(spec.pidfile); st && S_ISLNK(st->st_mode)) {
    found.error("pidfile", "pidfile '" + spec.pidfile + "' is a symbolic link: start refuses it");
  }
}

// A warning (an error with --strict), as the documentation has it, though
// prepare_state_dir refuses any such state folder.
void lint_state_dir(Findings& found, const std::string& state_dir) {
  auto st = posix::stat_path(state_dir);
  if (!st || !S_ISDIR(st->st_mode)) return;
  if (std::string who = writers(*st); !who.empty()) {
    found.warning("", "state folder '" + state_dir + "' is writable by " + who + " (mode " + octal(st->st_mode) +
                          "): start refuses it, as another user could plant records naming any process");
  }
}

// Every existing component of `path`, from the root down, lstat'ed. A link
// only root could have made (root's, in a folder only root may write to,
// like Debian's /var/run -> /run) is trusted.
void lint_symlinks(Findings& found, const std::string& path) {
  auto parent = posix::lstat_path("/");
  if (!parent) return;
  for (std::size_t end = 1; end <= path.size(); ++end) {
    if (end < path.size() && path[end] != '/') continue;
    if (path[end - 1] == '/') continue;  // "//" or a trailing '/'
    std::string prefix = path.substr(0, end);
    if (prefix == path) return;  // the pidfile itself: an error of its own
    auto st = posix::lstat_path(prefix);
    if (!st) return;  // nothing further exists
    bool trusted = st->st_uid == 0 && parent->st_uid == 0 && (parent->st_mode & 022) == 0;
    if (S_ISLNK(st->st_mode) && !trusted) {
      found.warning("pidfile", "'" + prefix + "' on the pidfile path is a symbolic link");
    }
    parent = posix::stat_path(prefix);  // the folder the next component is in
    if (!parent) return;
  }
}

void lint_root_owned(Findings& found, const std::string& key, const std::string& subject, const struct stat& st,
                     bool folder) {
  if (std::string who = writers(st); !who.empty() && !(folder && sticky_and_trusted(st))) {
    found.warning(key, subject + " is writable by " + who + " (mode " + octal(st.st_mode) +
                           ") and daemonctl runs as root");
  }
  if (st.st_uid != 0) {
    found.warning(key, subject + " is owned by uid " + std::to_string(st.st_uid) +
                           ", not root, and daemonctl runs as root");
  }
}

// Root runs what this file names: whoever can change it, or the file it
// names, chooses what root runs.
void lint_as_root(Findings& found, const std::string& key, const std::string& what, const std::string& path) {
  if (auto st = posix::stat_path(path)) lint_root_owned(found, key, what + " '" + path + "'", *st, false);
  std::string folder = posix::dirname(path);
  if (auto st = posix::stat_path(folder)) {
    lint_root_owned(found, key, "folder '" + folder + "' of " + what + " '" + path + "'", *st, true);
  }
}

}  // namespace

std::vector<Finding> check_service(const config::ServiceSpec& spec, const std::string& state_dir) {
  Findings found(spec);
  std::string executable = check_program(found, spec);
  if (Status st = service::check_directory(spec.directory); !st) found.error("directory", st.error().message);
  check_ready_command(found, spec);
  check_before_start(found, spec);
  check_monitor(found, spec);
  check_credentials(found, spec);
  check_stdio_paths(found, spec);
  check_tuning(found, spec);
  std::string pidfile = service::state_paths(service::Context{state_dir}, spec).pidfile;
  check_pidfile_folder(found, pidfile);

  lint_service_paths(found, spec);
  lint_state_dir(found, state_dir);
  lint_symlinks(found, pidfile);
  if (posix::effective_uid() == 0) {
    if (!executable.empty()) lint_as_root(found, "command", "program", executable);
    lint_as_root(found, "", "service file", spec.file);
  }
  return std::move(found).sorted();
}

}  // namespace daemonctl::tools
