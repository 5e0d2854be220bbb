#include "service/log_dir.h"

#include <cstdlib>
#include <pwd.h>
#include <unistd.h>

#include "config/paths.h"
#include "state/state_dir.h"
#include "posix/process.h"

namespace daemonctl::service {
namespace {

constexpr const char* kWhat = "log directory";

// $HOME, else the passwd entry's: `sudo -u` may leave no HOME at all.
std::string home() {
  if (const char* env = std::getenv("HOME"); env && *env) return env;
  if (const struct passwd* pw = ::getpwuid(posix::effective_uid()); pw && pw->pw_dir && *pw->pw_dir) return pw->pw_dir;
  return "/";
}

std::string chosen(const std::optional<std::string>& flag) {
  if (flag && !flag->empty()) return *flag;
  if (const char* env = std::getenv("DAEMONCTL_LOG_DIR"); env && *env) return env;
  if (posix::effective_uid() == 0) return "/var/log/daemonctl";
  if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg && *xdg == '/') return std::string(xdg) + "/daemonctl/log";
  return home() + "/.local/state/daemonctl/log";
}

}  // namespace

std::string choose_log_dir(const std::optional<std::string>& flag) {
  std::string dir = chosen(flag);
  auto absolute = config::absolute_path(dir);
  return absolute ? *absolute : dir;
}

Status prepare_log_dir(const std::string& dir) { return state::prepare_own_folder(kWhat, dir); }

Status check_log_dir(const std::string& dir) { return state::check_own_folder(kWhat, dir); }

void use_log_dir(config::ServiceSpec& spec, const std::string& log_dir) {
  // One log per service: a stream without a path joins the other's file
  // (as 2>&1 would), unless that one is discarded.
  auto file = [](const std::string& path) { return !path.empty() && path != "/dev/null"; };
  if (spec.stderr_path.empty() && file(spec.stdout_path)) {
    spec.stderr_path = spec.stdout_path;
    spec.stderr_rotation = spec.stdout_rotation;
  }
  if (spec.stdout_path.empty() && file(spec.stderr_path)) {
    spec.stdout_path = spec.stderr_path;
    spec.stdout_rotation = spec.stderr_rotation;
  }
  if (!spec.stdout_path.empty() && !spec.stderr_path.empty()) return;
  spec.default_log = config::normalize_path(log_dir + "/" + spec.name + ".log");
  if (spec.stdout_path.empty()) spec.stdout_path = spec.default_log;
  if (spec.stderr_path.empty()) spec.stderr_path = spec.default_log;
}

bool uses_default_log(const config::ServiceSpec& spec) {
  return !spec.default_log.empty() && (spec.stdout_path == spec.default_log || spec.stderr_path == spec.default_log);
}

mode_t log_file_mode(const config::ServiceSpec& spec, const std::string& path) {
  // The default log may hold what a service prints of its secrets: not for
  // every user to read, as an explicit file (whose folder the author
  // chose) is by default.
  mode_t mode = !spec.default_log.empty() && path == spec.default_log ? 0640 : 0666;
  return mode & ~spec.umask;
}

}  // namespace daemonctl::service
