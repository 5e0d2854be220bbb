#include "config/catalog.h"

#include <algorithm>
#include <cstdlib>
#include <unistd.h>

#include "config/paths.h"
#include "config/suggest.h"
#include "posix/file_info.h"
#include "posix/files.h"
#include "posix/process.h"

namespace daemonctl::config {
namespace {

constexpr std::string_view kSuffix = ".toml";

/// The service names in `dir`: its "*.toml" files without the suffix.
Result<std::vector<std::string>> names_in(const std::string& dir) {
  std::vector<std::string> names;
  auto entries = posix::list_dir(dir);
  if (!entries) return std::move(entries).error();
  for (std::string& e : *entries) {
    if (e.size() > kSuffix.size() && e.ends_with(kSuffix) && e.front() != '.') {
      e.resize(e.size() - kSuffix.size());
      names.push_back(std::move(e));
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

namespace {

// Absolute once, so that its files are not each made absolute with a getcwd.
std::string absolute(const std::string& dir) {
  auto made = absolute_path(dir);
  return made ? *made : dir;
}

}  // namespace

std::string choose_config_dir(const std::optional<std::string>& flag) {
  if (flag && !flag->empty()) return absolute(*flag);
  if (const char* env = std::getenv("DAEMONCTL_CONFIG_DIR"); env && *env) return absolute(env);
  if (posix::effective_uid() == 0) return "/etc/daemonctl";
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg == '/') return std::string(xdg) + "/daemonctl";
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : "") + "/.config/daemonctl";
}

bool names_file(std::string_view arg) {
  return arg.find('/') != std::string_view::npos || arg.ends_with(kSuffix);
}

Result<std::string> service_file(const std::string& arg, const std::string& dir) {
  if (names_file(arg)) return arg;
  std::string path = dir + "/" + arg + std::string(kSuffix);
  if (!arg.empty() && arg.front() != '.' && posix::stat_path(path)) return path;
  std::string message = "no service named '" + arg + "' in '" + dir + "'";
  if (!posix::check_access(dir, F_OK)) {
    message += " (no such folder; set --config-dir or $DAEMONCTL_CONFIG_DIR)";
  } else if (auto names = names_in(dir)) {
    message += did_you_mean(closest_all(arg, *names));
  }
  return Error{ExitStatus::not_installed, message};
}

Result<std::vector<std::string>> service_files(const std::string& dir) {
  auto names = names_in(dir);
  if (!names) {
    Error e = std::move(names).error();
    e.message = "config folder: " + e.message + " (set --config-dir or $DAEMONCTL_CONFIG_DIR)";
    if (e.status == ExitStatus::failure) e.status = ExitStatus::config;
    return e;
  }
  std::vector<std::string> files;
  for (const std::string& name : *names) files.push_back(dir + "/" + name + std::string(kSuffix));
  return files;
}

}  // namespace daemonctl::config
